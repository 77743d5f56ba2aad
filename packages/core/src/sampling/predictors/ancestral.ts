/**
 * Ancestral sampling (Song et al. 2021, App. F; score_sde_pytorch `AncestralSamplingPredictor`),
 * stepping from t to t' = max(t − dt, 0):
 *  - VE (SMLD), σ = std(t), σ' = std(t') (0 when t' = 0, as score_sde's `adjacent_sigma` at the
 *    first index):  x̄ = x + (σ² − σ'²)·s,   x ← x̄ + √(σ'²(σ² − σ'²)/σ²)·z;
 *  - VP (DDPM), 1 − β = (alpha(t)/alpha(t'))²:  x̄ = (x + β·s)/√(1 − β),   x ← x̄ + √β·z.
 * Other SDEs have no ancestral sampler: creating one for them is an error.
 */
import { fusedStep, fusedStepAvailable } from '../fusedStep.js';
import { tf } from '../../tf.js';
import type { SDE } from '../../contracts/sde.js';
import type { Predictor } from '../../contracts/sampler.js';
import { ScoresdeError } from '../../errors.js';
import { sdeKind } from '../../sde/kind.js';

/** 've' or 'vp', or a one-line error for any other SDE. */
export function ancestralKind(sde: SDE): 've' | 'vp' {
  const k = sdeKind(sde);
  if (k === 've' || k === 'vp') return k;
  throw new ScoresdeError(`predictor 'ancestral_sampling' supports only the ve and vp SDEs, not '${sde.name}' (use reverse_diffusion or euler_maruyama)`);
}

export function ancestralPredictor(sde: SDE): Predictor {
  ancestralKind(sde);
  return {
    name: 'ancestral_sampling',
    step(x, t, ctx) {
      const kind = ancestralKind(ctx.sde);
      const tPrev = Math.max(t - ctx.dt, 0);
      return tf.tidy(() => {
        const s = ctx.score(x, t);
        const z = ctx.rng.normalTensor(x.shape);
        if (kind === 've') {
          const sig2 = ctx.sde.marginal(t).std ** 2;
          const prev2 = tPrev > 0 ? ctx.sde.marginal(tPrev).std ** 2 : 0;
          const diff = sig2 - prev2;
          if (fusedStepAvailable()) return fusedStep(x, 1, s, diff, z, Math.sqrt((prev2 * diff) / sig2));
          const xMean = tf.add(x, tf.mul(s, diff));
          return { x: tf.add(xMean, tf.mul(z, Math.sqrt((prev2 * diff) / sig2))), xMean };
        }
        // β = 1 − (alpha(t)/alpha(t'))², via expm1 so a small step keeps its precision.
        const beta = -Math.expm1(2 * (Math.log(ctx.sde.marginal(t).alpha) - Math.log(ctx.sde.marginal(tPrev).alpha)));
        if (fusedStepAvailable()) return fusedStep(x, 1 / Math.sqrt(1 - beta), s, beta / Math.sqrt(1 - beta), z, Math.sqrt(beta));
        const xMean = tf.div(tf.add(x, tf.mul(s, beta)), Math.sqrt(1 - beta));
        return { x: tf.add(xMean, tf.mul(z, Math.sqrt(beta))), xMean };
      });
    },
  };
}
