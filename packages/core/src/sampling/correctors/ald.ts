/**
 * Annealed Langevin dynamics (Song & Ermon 2019; score_sde_pytorch `AnnealedLangevinDynamics`).
 * One step at fixed t with the noise scale std(t) of the perturbation kernel:
 *   ε = 2·a·(snr·std(t))²,   x̄ = x + ε·s(x,t),   x ← x̄ + √(2ε)·z,
 * a from `correctorAlpha` (1 for VE, 1 − β_i for VP/sub-VP).
 */
import { tf } from '../../tf.js';
import type { Corrector } from '../../contracts/sampler.js';
import { correctorAlpha } from './stepScale.js';
import { fusedStep, fusedStepAvailable } from '../fusedStep.js';

export interface AldOptions {
  snr: number;
  nSteps?: number;
}

export function aldCorrector(opts: AldOptions): Corrector {
  const { snr } = opts;
  return {
    name: 'ald',
    nSteps: opts.nSteps ?? 1,
    step(x, t, ctx) {
      const a = correctorAlpha(ctx.sde, t, ctx.dt);
      const std = ctx.sde.marginal(t).std;
      const eps = 2 * a * (snr * std) ** 2;
      return tf.tidy(() => {
        const s = ctx.score(x, t);
        const z = ctx.rng.normalTensor(x.shape);
        if (fusedStepAvailable()) return fusedStep(x, 1, s, eps, z, Math.sqrt(2 * eps));
        const xMean = tf.add(x, tf.mul(s, eps));
        return { x: tf.add(xMean, tf.mul(z, Math.sqrt(2 * eps))), xMean };
      });
    },
  };
}
