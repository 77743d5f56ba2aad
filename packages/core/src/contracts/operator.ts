import type { Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';

/**
 * A measurement model y = A(x) + n. x is NHWC [B, ...inputShape]; y is [B, ...outputShape].
 * Linear operators provide an exact adjoint: ⟨Ax, y⟩ = ⟨x, Aᵀy⟩ to float precision.
 * Every method must be differentiable with tfjs autodiff (guidance backpropagates through it).
 */
export interface ForwardOperator {
  readonly name: string;
  /** Per-sample input shape [H, W, C]. */
  readonly inputShape: number[];
  /** Per-sample measurement shape. */
  readonly outputShape: number[];
  readonly linear: boolean;
  forward(x: Tensor): Tensor;
  /** Aᵀ (required when `linear`). */
  adjoint?(y: Tensor): Tensor;
  /** A⁺ y, or a practical approximate inverse (e.g. FBP, zero-filled). */
  pseudoInverse?(y: Tensor): Tensor;
  /** A = P(Λ)·T with T invertible, for projection-style guidance (Song et al. 2022). */
  decomposition?: Decomposition;
  noise: NoiseModel;
  dispose?(): void;
}

/**
 * A = P(Λ)·T: T maps x to a transform space (shape `transformShape` per sample) where the
 * measurement keeps the entries selected by the 0/1 mask Λ; P(Λ) drops the others.
 */
export interface Decomposition {
  readonly transformShape: number[];
  /** T x. */
  transform(x: Tensor): Tensor;
  /** T⁻¹ z (exact or, e.g. for CT, FBP). */
  inverseTransform(z: Tensor): Tensor;
  /** Λ as a 0/1 tensor of shape [1, ...transformShape] (broadcasts over the batch). */
  mask(): Tensor;
  /** P(Λ)⁻¹ y: place the measurement in transform space, zeros where not measured. */
  embed(y: Tensor): Tensor;
}

export interface NoiseModel {
  readonly kind: 'none' | 'gaussian' | 'poisson';
  /** Gaussian standard deviation (0 for none). */
  readonly sigma: number;
  /** Draw y = A(x) + n given the noiseless A(x). */
  sample(clean: Tensor, rng: Rng): Tensor;
}
