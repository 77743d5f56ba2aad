/**
 * Stochastic Heun predictor for the reverse-time SDE dx = [f − g² s] dt + g dw̄, stepping from t to
 * t − dt. The noise is additive (g depends on t only), so the trapezoidal drift with one shared
 * noise draw is a consistent second-order-in-drift scheme:
 *   d₁ = f(x,t) − g(t)² s(x,t),  x̃ = x − d₁ dt + g(t)√dt z,
 *   d₂ = f(x̃,t−dt) − g(t−dt)² s(x̃,t−dt),  x_mean = x − ½(d₁+d₂) dt,  x = x_mean + g(t)√dt z.
 */
import type { Predictor, PluginApi, StepContext, Tensor } from '@scoresde/core';

export function heunPredictor(tf: PluginApi['tf']): Predictor {
  const reverseDrift = (ctx: StepContext, x: Tensor, t: number): Tensor =>
    tf.tidy(() => {
      const g = ctx.sde.diffusion(t);
      return ctx.sde.drift(x, t).sub(ctx.score(x, t).mul(g * g));
    });
  return {
    name: 'heun',
    step(x: Tensor, t: number, ctx: StepContext) {
      const dt = ctx.dt;
      const noise = ctx.rng.normalTensor(x.shape);
      return tf.tidy(() => {
        const scaledNoise = noise.mul(ctx.sde.diffusion(t) * Math.sqrt(dt));
        const d1 = reverseDrift(ctx, x, t);
        const xe = x.sub(d1.mul(dt)).add(scaledNoise);
        const d2 = reverseDrift(ctx, xe, Math.max(t - dt, 0));
        const xMean = x.sub(d1.add(d2).mul(0.5 * dt));
        return { x: xMean.add(scaledNoise), xMean };
      });
    },
  };
}
