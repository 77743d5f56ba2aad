/** Additive white Gaussian noise: y = A(x) + σ·ε, ε ~ N(0, I), drawn from the seeded host RNG. */
import { ScoresdeError, tf, type NoiseModel, type Rng, type Tensor } from '@scoresde/core';

export class GaussianNoise implements NoiseModel {
  readonly kind = 'gaussian' as const;
  constructor(readonly sigma: number) {
    if (!Number.isFinite(sigma) || sigma < 0) throw new ScoresdeError(`gaussian noise: sigma must be a finite number ≥ 0, got ${sigma}`);
  }
  sample(clean: Tensor, rng: Rng): Tensor {
    return tf.tidy(() => {
      const eps = rng.normalTensor(clean.shape);
      return clean.add(eps.mul(this.sigma));
    });
  }
}
