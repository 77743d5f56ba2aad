/**
 * Photon-counting noise for transmission CT (Beer–Lambert). With I0 incident photons per detector
 * bin and line integral p = (Ax)_i, the detector counts N ~ Poisson(I0·exp(−p)) and the
 * post-log measurement is y = −log(max(N, 1) / I0). Zero counts are floored at 1 so y stays
 * finite (photon starvation). The post-log variance is ≈ 1/(I0·exp(−p)) ≥ 1/I0, so
 * `sigma` reports the low-attenuation value 1/√I0 for guidance that needs one number.
 *
 * Sampling happens on the host (counts from the seeded Rng), so it reads `clean` with
 * `dataSync()`: use it when generating data, not inside a sampling loop on webgpu.
 */
import { ScoresdeError, tf, type NoiseModel, type Rng, type Tensor } from '@scoresde/core';
import { poisson } from './poissonSampler.js';

export class PoissonNoise implements NoiseModel {
  readonly kind = 'poisson' as const;
  readonly sigma: number;
  constructor(readonly i0: number) {
    if (!Number.isFinite(i0) || i0 <= 0) throw new ScoresdeError(`poisson noise: incident photon count noise_i0 must be > 0, got ${i0}`);
    this.sigma = 1 / Math.sqrt(i0);
  }
  sample(clean: Tensor, rng: Rng): Tensor {
    const p = clean.dataSync();
    const out = new Float32Array(p.length);
    const logI0 = Math.log(this.i0);
    for (let i = 0; i < p.length; i++) {
      const n = poisson(rng, this.i0 * Math.exp(-p[i]!));
      out[i] = logI0 - Math.log(Math.max(n, 1));
    }
    return tf.tensor(out, clean.shape, 'float32');
  }
}
