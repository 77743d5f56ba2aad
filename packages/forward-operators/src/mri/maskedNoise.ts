/**
 * Complex Gaussian noise on the measured k-space entries only:
 *   y = M ⊙ (F x + σ (ε_re + i ε_im)),   ε_re, ε_im ~ N(0, I) independent,
 * so σ is the standard deviation of each real channel (E|n|² = 2σ² per complex entry), matching
 * the real-channel Gaussian likelihood ‖y − Ax‖²/(2σ²) that guidance uses. Unmeasured entries
 * stay exactly zero. (The package's `GaussianNoise` would also perturb the zeros, hence this.)
 */
import { ScoresdeError, tf, type NoiseModel, type Rng, type Tensor } from '@scoresde/core';

export class MaskedComplexGaussianNoise implements NoiseModel {
  readonly kind = 'gaussian' as const;
  /** `mask` broadcasts against the measurement ([1, H, W, 1]); it is not owned. */
  constructor(
    readonly sigma: number,
    private readonly mask: () => Tensor,
  ) {
    if (!Number.isFinite(sigma) || sigma < 0) throw new ScoresdeError(`mri noise: sigma must be a finite number ≥ 0, got ${sigma}`);
  }
  sample(clean: Tensor, rng: Rng): Tensor {
    return tf.tidy(() => tf.add(clean, tf.mul(tf.mul(rng.normalTensor(clean.shape), this.sigma), this.mask())));
  }
}
