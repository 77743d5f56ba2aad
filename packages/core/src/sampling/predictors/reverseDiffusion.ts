/**
 * Reverse diffusion (Song et al. 2021, eq. 46; score_sde_pytorch `ReverseDiffusionPredictor`).
 * With the SDE's forward step from t − dt to t, x_t = x + fCoef·x + G·z (`sde.discretize`):
 *   x̄ = x − fCoef·x + G²·s(x,t),   x ← x̄ + G·z.
 * Returns x̄ as `xMean`.
 */
import { tf } from '../../tf.js';
import type { Predictor } from '../../contracts/sampler.js';
import { reverseDiscretize } from '../../sde/reverse.js';

export function reverseDiffusionPredictor(): Predictor {
  return {
    name: 'reverse_diffusion',
    step(x, t, ctx) {
      return tf.tidy(() => {
        const { f, G } = reverseDiscretize(ctx.sde, ctx.score, x, t, ctx.dt);
        const xMean = tf.sub(x, f);
        const z = ctx.rng.normalTensor(x.shape);
        return { x: tf.add(xMean, tf.mul(z, G)), xMean };
      });
    },
  };
}
