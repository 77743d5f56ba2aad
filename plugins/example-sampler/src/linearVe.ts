/**
 * A variance-exploding SDE with a linear noise schedule σ(t) = σ_min + t(σ_max − σ_min)
 * (the schedule Karras et al. 2022 favour, written as an SDE): f = 0, g(t)² = d σ(t)²/dt =
 * 2σ(t)(σ_max − σ_min). Perturbation kernel N(x0, σ(t)² I) (σ(0) = σ_min, as VE in Song et al.).
 */
import type { SDE, Rng, Tensor, PluginApi } from '@scoresde/core';

export interface LinearVeParams {
  sigma_min: number;
  sigma_max: number;
  N: number;
}

export function linearVe(tf: PluginApi['tf'], p: LinearVeParams): SDE {
  const sigma = (t: number): number => p.sigma_min + Math.max(t, 0) * (p.sigma_max - p.sigma_min);
  return {
    name: 'linear-ve',
    T: 1,
    N: p.N,
    eps: 1e-5,
    drift: (x: Tensor) => tf.zerosLike(x),
    driftCoef: () => 0,
    diffusion: (t: number) => Math.sqrt(2 * sigma(t) * (p.sigma_max - p.sigma_min)),
    marginal: (t: number) => ({ alpha: 1, std: sigma(t) }),
    priorSample: (shape: number[], rng: Rng) => tf.tidy(() => rng.normalTensor(shape).mul(p.sigma_max)),
    priorLogp: (z: Tensor) =>
      tf.tidy(() => {
        const d = z.size / z.shape[0]!;
        const sq = z.reshape([z.shape[0]!, d]).square().sum(1);
        return sq.div(-2 * p.sigma_max ** 2).sub((d / 2) * Math.log(2 * Math.PI * p.sigma_max ** 2));
      }),
    discretize: (t: number, dt: number) => {
      const s1 = sigma(t);
      const s0 = sigma(Math.max(t - dt, 0));
      return { fCoef: 0, G: Math.sqrt(Math.max(s1 * s1 - s0 * s0, 0)) };
    },
  };
}
