/**
 * Discrete image gradient by forward differences with Neumann boundary (the difference past the
 * last row/column is 0), per channel, on NHWC tensors:
 *   (Dₓx)[i, j] = x[i, j+1] − x[i, j] for j < W−1, 0 for j = W−1   (width axis)
 *   (D_y x)[i, j] = x[i+1, j] − x[i, j] for i < H−1, 0 for i = H−1  (height axis)
 * and its exact adjoint ∇ᵀ(qx, qy) = Dₓᵀqx + D_yᵀqy = −div q, with
 *   (Dᵀq)_j = q_{j−1}·[j ≥ 1] − q_j·[j ≤ n−2].
 * ‖∇‖² = 4 + 4·cos(π/n) on an n×n image (< 8).
 */
import { tf, type ForwardOperator, type Tensor } from '@scoresde/core';
import { NoNoise } from '../noise/none.js';
import { checkImageShape, checkInput, checkOutput } from '../util/shape.js';

/** slice size that keeps n−1 entries along `axis` (1 = height, 2 = width) */
function firstN1(n: number, axis: 1 | 2): number[] {
  return axis === 2 ? [-1, -1, n - 1, -1] : [-1, n - 1, -1, -1];
}

function diff(x: Tensor, axis: 1 | 2): Tensor {
  const n = x.shape[axis]!;
  if (n < 2) return tf.zerosLike(x);
  const size = firstN1(n, axis);
  const next = x.slice(axis === 2 ? [0, 0, 1, 0] : [0, 1, 0, 0], size); // x_1 … x_{n−1}
  const head = x.slice([0, 0, 0, 0], size); // x_0 … x_{n−2}
  const zshape = [...x.shape];
  zshape[axis] = 1;
  return next.sub(head).concat(tf.zeros(zshape), axis);
}

function diffAdjoint(q: Tensor, axis: 1 | 2): Tensor {
  const n = q.shape[axis]!;
  if (n < 2) return tf.zerosLike(q);
  const zshape = [...q.shape];
  zshape[axis] = 1;
  const inner = q.slice([0, 0, 0, 0], firstN1(n, axis)); // q_0 … q_{n−2}
  const z = tf.zeros(zshape);
  return tf.concat([z, inner], axis).sub(tf.concat([inner, z], axis));
}

/** [Dₓx, D_y x] */
export function gradient2d(x: Tensor): [Tensor, Tensor] {
  return [tf.tidy(() => diff(x, 2)), tf.tidy(() => diff(x, 1))];
}

/** ∇ᵀ(qx, qy) = −div(q) */
export function gradient2dAdjoint(qx: Tensor, qy: Tensor): Tensor {
  return tf.tidy(() => diffAdjoint(qx, 2).add(diffAdjoint(qy, 1)));
}

/** ∇ as a linear operator [H, W, C] → [H, W, 2C] (channels: C of Dₓ, then C of D_y). */
export class GradientOperator implements ForwardOperator {
  readonly name = 'gradient';
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise = new NoNoise();
  private readonly c: number;
  constructor(inputShape: number[]) {
    const [h, w, c] = checkImageShape(inputShape, 'gradient');
    this.c = c;
    this.inputShape = [h, w, c];
    this.outputShape = [h, w, 2 * c];
  }
  forward(x: Tensor): Tensor {
    checkInput(x, this);
    return tf.tidy(() => tf.concat(gradient2d(x), 3));
  }
  adjoint(q: Tensor): Tensor {
    checkOutput(q, this);
    return tf.tidy(() => {
      const [qx, qy] = tf.split(q, [this.c, this.c], 3) as [Tensor, Tensor];
      return gradient2dAdjoint(qx, qy);
    });
  }
}
