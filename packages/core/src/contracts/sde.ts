import type { Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';

/**
 * A forward SDE dx = f(x,t) dt + g(t) dw on t ∈ [0, T] (Song et al. 2021).
 * Time is a host number: samplers share one t across the batch; training passes per-sample
 * coefficients computed on the host from `marginal`.
 *
 * All built-in SDEs have an affine drift f(x,t) = a(t)·x, so the perturbation kernel is
 * p_0t(x(t)|x(0)) = N(alpha(t)·x(0), std(t)² I); `marginal` returns those two numbers.
 */
export interface SDE {
  readonly name: string;
  /** End time (1 for all built-ins). */
  readonly T: number;
  /** Default number of discretisation steps. */
  readonly N: number;
  /** Default smallest time a sampler integrates down to (1e-5 VE, 1e-3 VP/sub-VP). */
  readonly eps: number;
  /** f(x, t). */
  drift(x: Tensor, t: number): Tensor;
  /** Scalar a(t) with f(x,t) = a(t) x. */
  driftCoef(t: number): number;
  /** g(t). */
  diffusion(t: number): number;
  /** Perturbation kernel: mean coefficient alpha(t) and std(t). */
  marginal(t: number): { alpha: number; std: number };
  /** Sample from the prior p_T (shape includes the batch dimension). */
  priorSample(shape: number[], rng: Rng): Tensor;
  /** log p_T(z) per sample, shape [B]. */
  priorLogp(z: Tensor): Tensor;
  /**
   * One forward discretisation step from t − dt to t: x_t ≈ x_{t−dt} + f + G·z, with f = fCoef·x.
   * Used by reverse-diffusion and ancestral predictors.
   */
  discretize(t: number, dt: number): { fCoef: number; G: number };
}
