/**
 * Drift and divergence of the probability-flow ODE f̃(x, t) = f(x, t) − ½ g(t)² s(x, t)
 * (Song et al. 2021, App. D; score_sde_pytorch `likelihood.py`), for the augmented ODE
 *   d/dt [x, log p] = [f̃(x, t), −∇·f̃(x, t)].
 *
 * Divergence estimators, all through one vector–Jacobian product per probe by tf autodiff:
 *   ∇·f̃ = tr(∂f̃/∂x) ≈ (1/P) Σ_p v_pᵀ (∂f̃/∂x) v_p   (Hutchinson, Hutchinson 1990; FFJORD),
 * with v_p Rademacher (±1) or standard Gaussian, drawn once from the Rng per sample and probe and
 * held fixed for the whole solve (as score_sde, one draw per likelihood evaluation); and the exact
 * trace Σ_i e_iᵀ (∂f̃/∂x) e_i over the d basis vectors (for small d: tests, toy priors).
 * The P (or d) probes are stacked on the batch axis, so each right-hand-side evaluation is ONE
 * score call on a [P·B, ...] batch followed by one backward pass: the NFE stays one per step
 * stage, memory grows P-fold. vᵀJ is the gradient of Σ v·f̃(x) with respect to x (samples are
 * independent, so summing over the batch does not mix them).
 */
import { tf, type Tensor } from '../tf.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreFn } from '../contracts/score.js';
import type { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';
import { reverseDrift } from '../sde/reverse.js';

export const DIVERGENCE_ESTIMATORS = ['rademacher', 'gaussian', 'exact'] as const;
export type DivergenceEstimator = (typeof DIVERGENCE_ESTIMATORS)[number];

/** Largest d for the exact estimator (its batch grows d-fold). */
export const EXACT_MAX_DIM = 1024;

/** Probe vectors, [P·B, d], row p·B + b is probe p of sample b; `scale` turns Σ_p into the estimate. */
export interface Probes {
  v: Tensor;
  count: number;
  scale: number;
}

export function checkEstimator(name: string): DivergenceEstimator {
  if (!(DIVERGENCE_ESTIMATORS as readonly string[]).includes(name)) {
    throw new ScoresdeError(`unknown divergence estimator '${name}' (choose from ${DIVERGENCE_ESTIMATORS.join(', ')})`);
  }
  return name as DivergenceEstimator;
}

/** Draw (or build) the probes for a batch of B samples of dimension d. */
export function makeProbes(estimator: DivergenceEstimator, batch: number, d: number, probes: number, rng: Rng): Probes {
  if (estimator === 'exact') {
    if (d > EXACT_MAX_DIM) throw new ScoresdeError(`exact divergence needs d ≤ ${EXACT_MAX_DIM} (got d = ${d}); use --estimator rademacher or gaussian`);
    const idx = new Int32Array(d * batch);
    for (let i = 0; i < d; i++) idx.fill(i, i * batch, (i + 1) * batch);
    const v = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(idx, 'int32'), d), 'float32'));
    return { v, count: d, scale: 1 };
  }
  if (!Number.isInteger(probes) || probes < 1) throw new ScoresdeError(`probes must be a positive integer, got ${probes}`);
  const n = probes * batch * d;
  const data = estimator === 'rademacher' ? rng.rademacherArray(n) : rng.normalArray(n);
  return { v: tf.tensor2d(data, [probes * batch, d]), count: probes, scale: 1 / probes };
}

/**
 * f̃(x, t) and its divergence estimate at one time. x is [B, ...sample]; returns the drift
 * (x's shape) and the divergence, [B]. Caller owns both.
 */
export function driftAndDivergence(sde: SDE, score: ScoreFn, x: Tensor, t: number, probes: Probes): { drift: Tensor; div: Tensor } {
  const B = x.shape[0]!;
  const d = x.size / B;
  const P = probes.count;
  let drift: Tensor | undefined;
  const div = tf.tidy(() => {
    const tiled = P === 1 ? x : tf.tile(x, [P, ...x.shape.slice(1).map(() => 1)]);
    const vjp = tf.grad((xx: Tensor) => {
      const f = reverseDrift(sde, score, xx, t, true);
      drift = tf.keep(P === 1 ? tf.clone(f) : tf.slice(f, 0, B));
      return tf.sum(tf.mul(tf.reshape(f, [P * B, d]), probes.v));
    })(tiled);
    const quad = tf.sum(tf.mul(tf.reshape(vjp, [P * B, d]), probes.v), 1);
    return tf.mul(tf.sum(tf.reshape(quad, [P, B]), 0), probes.scale);
  });
  return { drift: drift!, div };
}
