/**
 * Exact likelihood through the probability-flow ODE (Song et al. 2021, App. D; score_sde_pytorch
 * `likelihood.get_likelihood_fn`). With f̃ = f − ½ g² s, the augmented state [x, Δ] obeys
 *   dx/dt = f̃(x, t),   dΔ/dt = ∇·f̃(x, t),
 * integrated from ε to T by RK45 on the batch flattened and concatenated into one [B, d + 1]
 * state (one error norm over every element, as score_sde's `solve_ivp` on the flat vector).
 * Instantaneous change of variables (d log p_t(x_t)/dt = −∇·f̃) gives
 *   log p_ε(x) = log p_T(z) + Δ(T)  with z = x(T), Δ(ε) = 0,
 * and log p_T is replaced by the SDE's prior `priorLogp(z)`. Results per sample, in nats and in
 * bits/dim = −log p / (d ln 2) + offset (see dataScale.ts for the offset and dequantisation).
 * NFE = right-hand-side evaluations (each one batched score call plus one backward pass).
 */
import { tf, type Tensor } from '../tf.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreFn } from '../contracts/score.js';
import { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';
import { rk45 } from '../sampling/ode/rk45.js';
import type { IntegrateOptions } from '../sampling/ode/types.js';
import { checkEps } from '../sampling/grid.js';
import { checkEstimator, driftAndDivergence, makeProbes, type DivergenceEstimator } from './divergence.js';
import { bitsOffset, checkDataScale, dequantize, type DataScale } from './dataScale.js';
import { assertFiniteTensor } from './finite.js';

export interface LikelihoodOptions {
  sde: SDE;
  score: ScoreFn;
  /** Default 'rademacher' (score_sde's default `hutchinson_type`). */
  estimator?: DivergenceEstimator;
  /** Hutchinson probes per sample, averaged (default 1; ignored by 'exact'). */
  probes?: number;
  /** Probe and dequantisation noise (default seed 0). */
  rng?: Rng;
  /** RK45 tolerances (default 1e-5 each, as score_sde). */
  rtol?: number;
  atol?: number;
  /** Start time ε (default 1e-5, score_sde's likelihood default, for every SDE). */
  eps?: number;
  /** How x relates to 8-bit pixels (default 'none'). */
  dataScale?: DataScale;
  /** Uniform dequantisation of 8-bit data before the solve (default false). */
  dequantize?: boolean;
  onStep?: IntegrateOptions['onStep'];
}

export interface LikelihoodResult {
  /** log p(x) in nats per sample (of the dequantised point if dequantised), [B] float64. */
  logp: Float64Array;
  /** Bits/dim per sample, offset included, [B]. */
  bpd: Float64Array;
  /** Mean of `bpd`. */
  meanBpd: number;
  /** Latents z = x(T), x's shape (caller owns). */
  z: Tensor;
  /** log p_T(z) from the prior and Δ(T), nats, [B]. */
  priorLogp: Float64Array;
  deltaLogp: Float64Array;
  /** Offset added to every bits/dim value. */
  offset: number;
  dims: number;
  nfe: number;
  steps: number;
  rejected: number;
}

/** Likelihood of each sample of x [B, ...] under the probability-flow ODE model. */
export async function odeLikelihood(x: Tensor, opts: LikelihoodOptions): Promise<LikelihoodResult> {
  const { sde, score } = opts;
  if (x.rank < 2) throw new ScoresdeError(`likelihood input must be batched [B, ...], got shape [${x.shape.join(', ')}]`);
  const estimator = checkEstimator(opts.estimator ?? 'rademacher');
  const scale = checkDataScale(opts.dataScale ?? 'none');
  const eps = checkEps(sde, opts.eps ?? 1e-5);
  const rng = opts.rng ?? new Rng(0);
  await assertFiniteTensor(x, 'likelihood input');
  const B = x.shape[0]!;
  const d = x.size / B;
  const sampleShape = x.shape.slice(1);
  const probes = makeProbes(estimator, B, d, opts.probes ?? 1, rng.fork('probes'));
  let x0: Tensor;
  try {
    x0 = opts.dequantize ? await dequantize(x, scale, rng.fork('dequantize')) : tf.clone(x);
  } catch (e) {
    probes.v.dispose();
    throw e;
  }
  const y0 = tf.tidy(() => tf.concat([tf.reshape(x0, [B, d]), tf.zeros([B, 1])], 1));
  x0.dispose();
  const rhs = (t: number, y: Tensor): Tensor => {
    const xs = tf.tidy(() => tf.reshape(tf.slice(y, [0, 0], [B, d]), [B, ...sampleShape]));
    const { drift, div } = driftAndDivergence(sde, score, xs, t, probes);
    const out = tf.tidy(() => tf.concat([tf.reshape(drift, [B, d]), tf.reshape(div, [B, 1])], 1));
    tf.dispose([xs, drift, div]);
    return out;
  };
  let r;
  try {
    r = await rk45(rhs, y0, eps, sde.T, { rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-5, onStep: opts.onStep });
  } finally {
    tf.dispose([y0, probes.v]);
  }
  const z = tf.tidy(() => tf.reshape(tf.slice(r.y, [0, 0], [B, d]), [B, ...sampleShape]));
  const deltaT = tf.tidy(() => tf.reshape(tf.slice(r.y, [0, d], [B, 1]), [B]));
  r.y.dispose();
  const priorT = sde.priorLogp(z);
  const [pv, dv] = [await priorT.data(), await deltaT.data()];
  tf.dispose([priorT, deltaT]);
  const offset = bitsOffset(scale);
  const priorLogp = Float64Array.from(pv);
  const deltaLogp = Float64Array.from(dv);
  const logp = priorLogp.map((p, i) => p + deltaLogp[i]!);
  const bpd = logp.map((l) => -l / (d * Math.LN2) + offset);
  if (!bpd.every(Number.isFinite)) {
    z.dispose();
    throw new ScoresdeError('likelihood: the result is not finite (check the input and the model)');
  }
  const meanBpd = bpd.reduce((a, b) => a + b, 0) / B;
  return { logp, bpd, meanBpd, z, priorLogp, deltaLogp, offset, dims: d, nfe: r.nfe, steps: r.steps, rejected: r.rejected };
}
