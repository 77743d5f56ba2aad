/** Measurement noise for the blur operator: none, or additive Gaussian y = Ax + σ·ε. */
import type { NoiseModel, PluginApi, Rng, Tensor } from '@scoresde/core';

export function makeNoise(tf: PluginApi['tf'], sigma: number): NoiseModel {
  if (sigma === 0) return { kind: 'none', sigma: 0, sample: (clean: Tensor) => tf.clone(clean) };
  return {
    kind: 'gaussian',
    sigma,
    sample: (clean: Tensor, rng: Rng) => tf.tidy(() => clean.add(rng.normalTensor(clean.shape).mul(sigma))),
  };
}
