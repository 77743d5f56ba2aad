/**
 * The orthogonal colour transform of Song et al. 2021 (App. I, colorization): an orthonormal
 * 3×3 matrix Q whose first row is (1, 1, 1)/√3, so z = Q·rgb has z₀ = (r+g+b)/√3 = √3·gray and
 * z₁, z₂ carry the colour; Q⁻¹ = Qᵀ. Rows:
 *   q₀ = ( 1,  1,  1)/√3
 *   q₁ = (−2,  1,  1)/√6
 *   q₂ = ( 0,  1, −1)/√2
 * (score_sde_pytorch stores the float32 version of Qᵀ as `M`: decouple = x·M, couple = z·Mᵀ.)
 * Applied per pixel to NHWC tensors: T(x)[..., j] = Σᵢ Q[j][i]·x[..., i].
 */
import { tf, type Tensor } from '@scoresde/core';

const S3 = Math.sqrt(3);
const S6 = Math.sqrt(6);
const S2 = Math.sqrt(2);

/** Q as rows (float64). */
export const COLOR_Q: readonly (readonly number[])[] = [
  [1 / S3, 1 / S3, 1 / S3],
  [-2 / S6, 1 / S6, 1 / S6],
  [0, 1 / S2, -1 / S2],
];

/** Multiply the channel axis of an NHWC tensor by the 3×3 matrix `m` (rows): out_j = Σᵢ m[j][i] in_i. */
function channelMatmul(x: Tensor, m: readonly (readonly number[])[]): Tensor {
  return tf.tidy(() => {
    const [b, h, w] = x.shape as [number, number, number, number];
    // x2 [BHW, 3] · Mᵀ [3, 3] gives out[p, j] = Σᵢ x[p, i] m[j][i]
    const mt = tf.tensor2d([0, 1, 2].map((i) => [0, 1, 2].map((j) => m[j]![i]!)), [3, 3], 'float32');
    return tf.matMul(x.reshape([b * h * w, 3]), mt).reshape([b, h, w, 3]);
  });
}

/** z = Q·x per pixel (decouple gray from colour). */
export function decoupleColor(x: Tensor): Tensor {
  return channelMatmul(x, COLOR_Q);
}

/** x = Qᵀ·z per pixel (inverse of decoupleColor). */
export function coupleColor(z: Tensor): Tensor {
  const qt = [0, 1, 2].map((j) => [0, 1, 2].map((i) => COLOR_Q[i]![j]!));
  return channelMatmul(z, qt);
}
