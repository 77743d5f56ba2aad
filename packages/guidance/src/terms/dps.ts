/**
 * `dps` — diffusion posterior sampling (Chung et al., ICLR 2023):
 *   ∇ₓ log p_t(y | x) ≈ −ζ′ ∇ₓ ‖y − A(x̂₀(x))‖₂   (per sample, the unsquared norm as the authors'
 *   code), with the Tweedie estimate x̂₀(x) = (x + std(t)² s(x, t)) / alpha(t) from the prior
 *   score ctx.priorScore. The gradient is taken by tfjs autodiff through the score model and the
 *   operator, so nonlinear operators work. Equivalent to ζ_t = ζ′/‖y − A(x̂₀)‖ on the squared norm.
 * As a score term the sampler scales it by its step (g² dt for reverse diffusion), whereas
 * Chung et al. subtract ζ′ ∇‖·‖ once per step directly: their ζ′ corresponds to ours divided
 * by the step's g² dt. ‖·‖ is evaluated as √(‖r‖² + 1e-20) so a zero residual has gradient 0.
 */
import { ScoresdeError, tf, type ForwardOperator, type GuidanceContext, type LikelihoodTerm, type Tensor } from '@scoresde/core';
import { checkBatchPair, checkMeasurement } from './common.js';

export interface DpsOptions {
  operator: ForwardOperator;
  y: Tensor;
  /** ζ′ > 0 (default 1). */
  zeta?: number;
}

export class DpsTerm implements LikelihoodTerm {
  readonly name = 'dps';
  readonly weight = 1;
  readonly zeta: number;
  private readonly op: ForwardOperator;
  private readonly y: Tensor;

  constructor(o: DpsOptions) {
    checkMeasurement(o.y, o.operator, this.name);
    this.zeta = o.zeta ?? 1;
    if (!Number.isFinite(this.zeta) || this.zeta < 0) throw new ScoresdeError(`guidance 'dps': zeta must be a finite number ≥ 0, got ${this.zeta}`);
    this.op = o.operator;
    this.y = tf.keep(tf.clone(o.y));
  }

  /** x̂₀(x) = (x + std² s(x, t)) / alpha. */
  static tweedie(x: Tensor, t: number, ctx: GuidanceContext): Tensor {
    const { alpha, std } = ctx.sde.marginal(t);
    return tf.div(tf.add(x, tf.mul(ctx.priorScore(x, t), std * std)), alpha);
  }

  /** Σ_b ‖y_b − A(x̂₀(x_b))‖ (its gradient is the per-sample gradient). */
  residualNorms(x: Tensor, t: number, ctx: GuidanceContext): Tensor {
    const r = tf.sub(this.y, this.op.forward(DpsTerm.tweedie(x, t, ctx)));
    const axes = r.shape.slice(1).map((_, i) => i + 1);
    return tf.sqrt(tf.add(tf.sum(tf.square(r), axes), 1e-20));
  }

  grad(x: Tensor, t: number, ctx: GuidanceContext): Tensor {
    checkBatchPair(this.y, x, this.name);
    return tf.tidy(() => {
      const g = tf.grad((xi: Tensor) => tf.sum(this.residualNorms(xi, t, ctx)))(x);
      return tf.mul(g, -this.zeta);
    });
  }

  dispose(): void {
    this.y.dispose();
  }
}
