import type { Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import type { SDE } from './sde.js';
import type { ScoreFn } from './score.js';

export interface GuidanceContext {
  sde: SDE;
  /** The unconditional prior score (DPS differentiates through it). */
  priorScore: ScoreFn;
  rng: Rng;
}

/**
 * A likelihood term ∇ₓ log p_t(y|x), weighted, added to the score; and/or a consistency update
 * applied after every predictor and corrector step.
 * Conditional reverse SDE: dx = [f − g²(∇log p_t(x) + Σ wₖ ∇log p_t(yₖ|x))]dt + g dw̄.
 */
export interface LikelihoodTerm {
  readonly name: string;
  readonly weight: number;
  /** ∇ₓ log p_t(y|x) (unweighted), shape of x. */
  grad?(x: Tensor, t: number, ctx: GuidanceContext): Tensor;
  /** Consistency update after a predictor/corrector step. */
  project?(x: Tensor, t: number, ctx: GuidanceContext): Tensor;
  dispose?(): void;
}

/** A noise-conditional classifier q_φ(k | x, t). */
export interface Classifier {
  readonly numClasses: number;
  /** log q(k | x, t) for every class, shape [B, K]. */
  logProbs(x: Tensor, t: number): Tensor;
  dispose?(): void;
}
