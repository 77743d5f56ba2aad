/**
 * `projection` (Song et al. 2022, "Solving inverse problems in medical imaging with score-based
 * generative models"; score_inverse_problems): for an operator with a decomposition A = P(Λ)·T,
 * after every predictor and corrector step (state at time t):
 *   ŷ_t = alpha(t)·P⁻¹(y) + std(t)·Λ ⊙ (T z),   z ~ N(0, I) (image space, drawn from ctx.rng),
 *   x ← T⁻¹[ λ·Λ ⊙ ŷ_t + (1 − λ)·Λ ⊙ T x + (I − Λ) ⊙ T x ] = T⁻¹[ T x + λ Λ ⊙ (ŷ_t − T x) ],
 * i.e. the measured transform coefficients move a fraction λ ∈ [0, 1] toward a draw of the
 * forward-diffused measurement (the SDE's transition kernel at t). With λ = 1 on a mask
 * (T = I) or on grayscale this is the inpainter / colorizer of Song et al. 2021 (App. I).
 *
 * `finalize` applies the same update once at t = 0 without noise (ŷ = P⁻¹(y)): score_sde's
 * inpainter sets the observed part of the final x̄ to the clean data, so with λ = 1 and a
 * noiseless mask every returned sample equals y on the observed pixels exactly.
 * With noisy measurements the noise in y is not modelled (as in the paper); λ < 1 softens it.
 */
import { ScoresdeError, tf, type Decomposition, type ForwardOperator, type GuidanceContext, type Tensor } from '@scoresde/core';
import type { FinalizingTerm } from '../finalize.js';
import { NO_DECOMPOSITION_HINT, checkBatchPair, checkMeasurement, checkUnit } from './common.js';

export interface ProjectionOptions {
  operator: ForwardOperator;
  y: Tensor;
  /** λ ∈ [0, 1], default 1. */
  lambda?: number;
}

export function needDecomposition(op: ForwardOperator, who: string): Decomposition {
  if (!op.decomposition) {
    throw new ScoresdeError(`guidance '${who}' needs an operator with a decomposition A = P(Λ)T; operator '${op.name}' has none: ${NO_DECOMPOSITION_HINT}`);
  }
  return op.decomposition;
}

export class ProjectionTerm implements FinalizingTerm {
  readonly name = 'projection';
  readonly weight = 1;
  readonly lambda: number;
  private readonly dec: Decomposition;
  private readonly py: Tensor;
  private readonly mask: Tensor;

  constructor(o: ProjectionOptions) {
    this.dec = needDecomposition(o.operator, this.name);
    checkMeasurement(o.y, o.operator, this.name);
    this.lambda = o.lambda ?? 1;
    checkUnit(this.lambda, `guidance '${this.name}': lambda`);
    this.py = tf.keep(this.dec.embed(o.y));
    this.mask = tf.keep(this.dec.mask());
  }

  /**
   * Λ ⊙ (λ target + (1 − λ) Tx) + (1 − Λ) ⊙ Tx, evaluated as a blend so that with λ = 1 the
   * measured coefficients are exactly `target` (Tx + (target − Tx) would be off by rounding).
   */
  private update(x: Tensor, target: Tensor): Tensor {
    return tf.tidy(() => {
      const tx = this.dec.transform(x);
      const mixed = this.lambda === 1 ? target : tf.add(tf.mul(target, this.lambda), tf.mul(tx, 1 - this.lambda));
      const z = tf.add(tf.mul(this.mask, mixed), tf.mul(tf.sub(1, this.mask), tx));
      return this.dec.inverseTransform(z);
    });
  }

  project(x: Tensor, t: number, ctx: GuidanceContext): Tensor {
    checkBatchPair(this.py, x, this.name);
    return tf.tidy(() => {
      const { alpha, std } = ctx.sde.marginal(t);
      const z = ctx.rng.normalTensor(x.shape);
      const yt = tf.add(tf.mul(this.py, alpha), tf.mul(tf.mul(this.mask, this.dec.transform(z)), std));
      return this.update(x, yt);
    });
  }

  finalize(x: Tensor): Tensor {
    checkBatchPair(this.py, x, this.name);
    return this.update(x, this.py);
  }

  dispose(): void {
    tf.dispose([this.py, this.mask]);
  }
}
