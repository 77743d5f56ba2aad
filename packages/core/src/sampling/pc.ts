/**
 * The predictor–corrector sampler (Song et al. 2021, Alg. 1; score_sde_pytorch `get_pc_sampler`).
 *
 *   x ~ p_T (or `init`);  for t_i in linspace(T, ε, N):
 *     repeat nSteps:  x ← corrector(x, t_i);  x ← project_k(x, t_i) for every term k
 *     x ← predictor(x, t_i → t_i − dt_i);     x ← project_k(x, t_i − dt_i)
 *   (dt_i = min((T − ε)/(N − 1), t_i): a step never goes below t = 0)
 *   return x̄ of the last predictor step when `denoise` (score_sde `noise_removal`), else x.
 *
 * The score followed is `composeScore(score, terms)`: the prior's plus Σ w_k ∇log p_t(y_k|x).
 * Projections receive the time the state is at after the step (score_sde's inverse-problem
 * samplers pass the pre-step t_i; the two differ by one step). All noise comes from `rng`, so the
 * same seed, backend and inputs give the same output. Each step runs inside `tf.tidy` and frees
 * the previous state: the number of live tensors is the same after every step.
 */
import { tf, type Tensor } from '../tf.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreFn } from '../contracts/score.js';
import type { Corrector, Predictor, StepContext, StepResult } from '../contracts/sampler.js';
import type { GuidanceContext, LikelihoodTerm } from '../contracts/guidance.js';
import type { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';
import { applyProjections, composeScore } from './compose.js';
import { countCalls } from './counter.js';
import { reverseGrid, stepFrom } from './grid.js';
import { checkShape, checkInit } from './shape.js';
import { createYielder } from './yield.js';
import { throwIfDeviceError } from '../engine/webgpu/device.js';

export interface PcOptions {
  sde: SDE;
  /** Prior score s(x, t) ≈ ∇ₓ log p_t(x). */
  score: ScoreFn;
  predictor: Predictor;
  corrector: Corrector;
  /** [B, H, W, C]. */
  shape: number[];
  rng: Rng;
  /** Number of time steps N (default sde.N). */
  steps?: number;
  /** Corrector steps per time step (default corrector.nSteps, else 1). */
  correctorSteps?: number;
  /** Smallest time ε (default sde.eps). */
  eps?: number;
  /** Return the last predictor step's mean (default true, as score_sde). */
  denoise?: boolean;
  /** Likelihood terms: their `grad` joins the score, their `project` follows every step. */
  terms?: readonly LikelihoodTerm[];
  /** Start from this x_T instead of a prior sample (not disposed). */
  init?: Tensor;
  /** Called after each time step with (step, total), step = 1 … N. */
  onStep?: (step: number, total: number) => void;
}

export interface SampleResult {
  x: Tensor;
  /** Score evaluations (one per call on the whole batch). */
  nfe: number;
}

export async function pcSample(opts: PcOptions): Promise<SampleResult> {
  const { sde, predictor, corrector, rng } = opts;
  const steps = opts.steps ?? sde.N;
  const eps = opts.eps ?? sde.eps;
  const grid = reverseGrid(sde, steps, eps);
  checkShape(opts.shape);
  const nCorr = opts.correctorSteps ?? corrector.nSteps ?? 1;
  if (!Number.isInteger(nCorr) || nCorr < 0) throw new ScoresdeError(`corrector steps must be a non-negative integer, got ${nCorr}`);
  const terms = opts.terms ?? [];
  const gctx: GuidanceContext = { sde, priorScore: opts.score, rng };
  const counted = countCalls(composeScore(opts.score, terms, gctx));
  const ctx: StepContext = { sde, score: counted.fn, rng, dt: grid.dt };
  const project = terms.some((term) => typeof term.project === 'function');

  let x: Tensor;
  if (opts.init) {
    checkInit(opts.init, opts.shape);
    x = tf.clone(opts.init);
  } else {
    x = sde.priorSample(opts.shape, rng);
  }
  let xMean: Tensor | undefined;
  // Adopt a step's result as the new state and free the old one. A step may hand back its input
  // or the same tensor as x and x̄ (a plugin's identity step): such tensors are cloned first.
  const advance = (r: StepResult, tAfter: number): void => {
    let nx = r.x;
    let nm = r.xMean;
    if (project) {
      [nx, nm] = tf.tidy(() => [applyProjections(r.x, tAfter, terms, gctx), applyProjections(r.xMean, tAfter, terms, gctx)]);
      for (const u of [r.x, r.xMean]) if (u !== x && u !== xMean) u.dispose();
    }
    if (nx === x || nx === xMean) nx = tf.clone(nx);
    if (nm === nx || nm === x || nm === xMean) nm = tf.clone(nm);
    x.dispose();
    xMean?.dispose();
    x = nx;
    xMean = nm;
  };
  const maybeYield = createYielder();
  try {
    for (let i = 0; i < steps; i++) {
      const t = grid.times[i]!;
      const dt = stepFrom(t, grid.dt);
      const stepCtx = dt === ctx.dt ? ctx : { ...ctx, dt };
      for (let c = 0; c < nCorr; c++) advance(corrector.step(x, t, stepCtx), t);
      advance(predictor.step(x, t, stepCtx), t - dt);
      opts.onStep?.(i + 1, steps);
      await maybeYield();
      throwIfDeviceError(); // webgpu reports failures asynchronously; elsewhere a no-op
    }
  } catch (e) {
    tf.dispose([x, ...(xMean ? [xMean] : [])]);
    throw e;
  }
  const denoise = opts.denoise ?? true;
  const keep = denoise ? xMean! : x;
  (denoise ? x : xMean!).dispose();
  return { x: keep, nfe: counted.count() };
}
