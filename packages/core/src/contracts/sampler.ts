import type { Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import type { SDE } from './sde.js';
import type { ScoreFn } from './score.js';

/** What predictors and correctors see at one step. */
export interface StepContext {
  sde: SDE;
  /** The score to follow: the prior's plus every weighted likelihood term. */
  score: ScoreFn;
  rng: Rng;
  /** Step size in time (positive; the reverse step goes from t to t − dt). */
  dt: number;
}

export interface StepResult {
  /** The new state. */
  x: Tensor;
  /** The state before the last noise injection (the "denoised" step). */
  xMean: Tensor;
}

/** A predictor step x_t → x_{t−dt} of the reverse-time SDE. */
export interface Predictor {
  readonly name: string;
  step(x: Tensor, t: number, ctx: StepContext): StepResult;
}

/** A corrector (score-based MCMC) step at fixed t. */
export interface Corrector {
  readonly name: string;
  /** Corrector steps per time step the PC sampler applies (default 1; 0 disables it). */
  readonly nSteps?: number;
  step(x: Tensor, t: number, ctx: StepContext): StepResult;
}
