/**
 * The probability-flow ODE sampler (Song et al. 2021, eq. 13; score_sde_pytorch `get_ode_sampler`):
 *   dx/dt = f(x,t) − ½ g(t)² s(x,t),
 * integrated on the whole batch as one system, from T to ε to sample (x_T ~ p_T), from ε to T
 * to encode data into latents (`odeEncode`), and from T to ε to decode them (`odeDecode`).
 * Solvers: 'rk45' (adaptive Dormand–Prince, rtol/atol, as scipy's solve_ivp that score_sde uses),
 * 'euler' and 'heun' (fixed step, `steps` uniform steps).
 *
 * s is `composeScore(score, terms)`: likelihood gradients work here as in the PC sampler. A
 * term's `project` step has no meaning for the deterministic flow and is ignored unless
 * `project: true`, which applies it after every accepted step (the adaptive solver then
 * re-evaluates the derivative, one more NFE per step).
 *
 * Final denoising (`denoise`, default true for sampling as score_sde's `noise_removal` config):
 * one reverse-diffusion step without noise at ε, x ← x − fCoef·x + G²·s(x, ε), with the SDE's
 * discretisation over its default step min((T − ε)/(N − 1), ε).
 */
import { tf, type Tensor } from '../tf.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreFn } from '../contracts/score.js';
import type { GuidanceContext, LikelihoodTerm } from '../contracts/guidance.js';
import { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';
import { reverseDiscretize, reverseDrift } from '../sde/reverse.js';
import { applyProjections, composeScore, hasProjections } from './compose.js';
import { countCalls } from './counter.js';
import { checkEps, reverseGrid, stepFrom } from './grid.js';
import { checkInit, checkShape } from './shape.js';
import { rk45 } from './ode/rk45.js';
import { fixedStep } from './ode/fixedStep.js';
import type { IntegrateOptions, IntegrateResult } from './ode/types.js';

export const ODE_METHODS = ['rk45', 'euler', 'heun'] as const;
export type OdeMethod = (typeof ODE_METHODS)[number];

export interface OdeSolverOptions {
  sde: SDE;
  /** Prior score s(x, t). */
  score: ScoreFn;
  /** Default 'rk45'. */
  method?: OdeMethod;
  /** rk45 tolerances (default 1e-5 each, as score_sde). */
  rtol?: number;
  atol?: number;
  /** Fixed-step methods: number of steps (default sde.N). */
  steps?: number;
  /** Smallest time ε (default sde.eps). */
  eps?: number;
  terms?: readonly LikelihoodTerm[];
  /** Apply the terms' `project` after every step (default false; see the module doc). */
  project?: boolean;
  /** RNG for guidance terms that draw noise (default: seed 0). */
  rng?: Rng;
  onStep?: IntegrateOptions['onStep'];
}

export interface OdeSampleOptions extends OdeSolverOptions {
  /** [B, H, W, C]. */
  shape: number[];
  rng: Rng;
  /** Start from this x_T instead of a prior sample (not disposed). */
  init?: Tensor;
  /** Final noise-free reverse-diffusion step at ε (default true). */
  denoise?: boolean;
}

export interface OdeResult {
  x: Tensor;
  /** Score evaluations, including the denoising step. */
  nfe: number;
  /** Accepted solver steps. */
  steps: number;
  /** Rejected rk45 attempts. */
  rejected: number;
}

interface Flow {
  score: ScoreFn;
  nfe: () => number;
  integrate: (y0: Tensor, t0: number, t1: number) => Promise<IntegrateResult>;
}

function buildFlow(opts: OdeSolverOptions): Flow {
  const { sde } = opts;
  const method = opts.method ?? 'rk45';
  if (!(ODE_METHODS as readonly string[]).includes(method)) {
    throw new ScoresdeError(`unknown ODE method '${String(method)}' (choose from ${ODE_METHODS.join(', ')})`);
  }
  const terms = opts.terms ?? [];
  const rng = opts.rng ?? new Rng(0);
  const gctx: GuidanceContext = { sde, priorScore: opts.score, rng };
  const counted = countCalls(composeScore(opts.score, terms, gctx));
  const rhs = (t: number, x: Tensor): Tensor => reverseDrift(sde, counted.fn, x, t, true);
  const iopts: IntegrateOptions = { onStep: opts.onStep };
  if (opts.project && hasProjections(terms)) iopts.afterStep = (y, t) => applyProjections(y, t, terms, gctx);
  const integrate = (y0: Tensor, t0: number, t1: number): Promise<IntegrateResult> =>
    method === 'rk45'
      ? rk45(rhs, y0, t0, t1, { ...iopts, rtol: opts.rtol ?? 1e-5, atol: opts.atol ?? 1e-5 })
      : fixedStep(method, rhs, y0, t0, t1, opts.steps ?? sde.N, iopts);
  return { score: counted.fn, nfe: counted.count, integrate };
}

function checkBatch(x: Tensor, what: string): void {
  if (x.rank < 2) throw new ScoresdeError(`${what} must be batched [B, ...], got shape [${x.shape.join(', ')}]`);
}

/** x_ε → x_T along the probability flow. */
export async function odeEncode(x: Tensor, opts: OdeSolverOptions): Promise<OdeResult> {
  checkBatch(x, 'odeEncode input');
  const eps = checkEps(opts.sde, opts.eps ?? opts.sde.eps);
  const flow = buildFlow(opts);
  const r = await flow.integrate(x, eps, opts.sde.T);
  return { x: r.y, nfe: flow.nfe(), steps: r.steps, rejected: r.rejected };
}

/** x_T → x_ε along the probability flow (no denoising step). */
export async function odeDecode(z: Tensor, opts: OdeSolverOptions): Promise<OdeResult> {
  checkBatch(z, 'odeDecode input');
  const eps = checkEps(opts.sde, opts.eps ?? opts.sde.eps);
  const flow = buildFlow(opts);
  const r = await flow.integrate(z, opts.sde.T, eps);
  return { x: r.y, nfe: flow.nfe(), steps: r.steps, rejected: r.rejected };
}

/** Sample: x_T ~ p_T (or `init`), integrate T → ε, then optionally denoise at ε. */
export async function odeSample(opts: OdeSampleOptions): Promise<OdeResult> {
  const { sde } = opts;
  checkShape(opts.shape);
  const eps = checkEps(sde, opts.eps ?? sde.eps);
  const flow = buildFlow(opts);
  let xT: Tensor;
  if (opts.init) {
    checkInit(opts.init, opts.shape);
    xT = tf.clone(opts.init);
  } else {
    xT = sde.priorSample(opts.shape, opts.rng);
  }
  let r: IntegrateResult;
  try {
    r = await flow.integrate(xT, sde.T, eps);
  } finally {
    xT.dispose();
  }
  let x = r.y;
  if (opts.denoise ?? true) {
    const { dt } = reverseGrid(sde, sde.N, eps);
    const den = tf.tidy(() => {
      const { f } = reverseDiscretize(sde, flow.score, x, eps, stepFrom(eps, dt));
      return tf.sub(x, f);
    });
    x.dispose();
    x = den;
  }
  return { x, nfe: flow.nfe(), steps: r.steps, rejected: r.rejected };
}
