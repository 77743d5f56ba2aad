/**
 * Euler–Maruyama on the reverse-time SDE (score_sde_pytorch `EulerMaruyamaPredictor`):
 *   x̄ = x − [f(x,t) − g(t)² s(x,t)]·dt,   x ← x̄ + g(t)·√dt·z,   z ~ N(0, I),
 * stepping from t to t − dt. Returns x̄ as `xMean`.
 */
import { tf } from '../../tf.js';
import type { Predictor } from '../../contracts/sampler.js';
import { reverseDrift } from '../../sde/reverse.js';
import { fusedStep, fusedStepAvailable } from '../fusedStep.js';

export function eulerMaruyamaPredictor(): Predictor {
  return {
    name: 'euler_maruyama',
    step(x, t, ctx) {
      if (fusedStepAvailable()) {
        // x̄ = x − (a·x − g²·s)·dt = (1 − a·dt)·x + g²·dt·s
        const g = ctx.sde.diffusion(t);
        const a = ctx.sde.driftCoef(t);
        return tf.tidy(() => fusedStep(x, 1 - a * ctx.dt, ctx.score(x, t), g * g * ctx.dt, ctx.rng.normalTensor(x.shape), g * Math.sqrt(ctx.dt)));
      }
      return tf.tidy(() => {
        const drift = reverseDrift(ctx.sde, ctx.score, x, t);
        const xMean = tf.sub(x, tf.mul(drift, ctx.dt));
        const noiseScale = ctx.sde.diffusion(t) * Math.sqrt(ctx.dt);
        const z = ctx.rng.normalTensor(x.shape);
        return { x: tf.add(xMean, tf.mul(z, noiseScale)), xMean };
      });
    },
  };
}
