/**
 * Langevin corrector with a target signal-to-noise ratio (Song et al. 2021, Alg. 4;
 * score_sde_pytorch `LangevinCorrector`). One step at fixed t:
 *   s = s(x,t),  z ~ N(0, I),  ε = 2·a·(snr·‖z‖/‖s‖)²,
 *   x̄ = x + ε·s,   x ← x̄ + √(2ε)·z,
 * with a from `correctorAlpha` and the norms taken per sample over all its elements. By default
 * (`perSample: false`, as score_sde) ‖z‖ and ‖s‖ are each averaged over the batch, giving one ε
 * for the batch; with `perSample: true` every sample gets its own ε from its own norms.
 * The number of steps per time step is `nSteps` (the PC sampler applies `step` that many times).
 */
import { tf, type Tensor } from '../../tf.js';
import type { Corrector } from '../../contracts/sampler.js';
import { correctorAlpha } from './stepScale.js';

export interface LangevinOptions {
  snr: number;
  nSteps?: number;
  perSample?: boolean;
}

function rowNorms(t: Tensor): Tensor {
  return tf.sqrt(tf.sum(tf.square(tf.reshape(t, [t.shape[0]!, -1])), 1));
}

export function langevinCorrector(opts: LangevinOptions): Corrector {
  const { snr } = opts;
  const perSample = opts.perSample ?? false;
  return {
    name: 'langevin',
    nSteps: opts.nSteps ?? 1,
    step(x, t, ctx) {
      const a = correctorAlpha(ctx.sde, t, ctx.dt);
      return tf.tidy(() => {
        const s = ctx.score(x, t);
        const z = ctx.rng.normalTensor(x.shape);
        let ratio: Tensor;
        if (perSample) {
          const perRow = tf.div(rowNorms(z), rowNorms(s));
          ratio = tf.reshape(perRow, [x.shape[0]!, ...x.shape.slice(1).map(() => 1)]);
        } else {
          ratio = tf.div(tf.mean(rowNorms(z)), tf.mean(rowNorms(s)));
        }
        const eps = tf.mul(tf.square(tf.mul(ratio, snr)), 2 * a);
        const xMean = tf.add(x, tf.mul(eps, s));
        return { x: tf.add(xMean, tf.mul(tf.sqrt(tf.mul(eps, 2)), z)), xMean };
      });
    },
  };
}
