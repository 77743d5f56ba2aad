/**
 * Centred orthonormal 2-D DFT as two dense matrix products, for backends without the host
 * kernel (webgpu, tensorflow) — and forced on cpu in tests. Built from differentiable tfjs ops,
 * so autodiff needs nothing extra.
 *
 * C_n[k,j] = n^{-1/2} exp(s·2πi (k−h)(j−h)/n), h = ⌊n/2⌋, s = −1 forward / +1 inverse. C_n is
 * symmetric, so a row transform is `rows · C_n`. For x of shape [B, H, W, 2K] (K complex planes,
 * (re, im) channel pairs):  Y = C_H X C_W, each factor applied as ONE real matrix product on
 * rows kept interleaved (re, im) — see `realDftMatrix` — so no re/im slicing is needed.
 * Cost: 4·(BHK·W² + BWK·H²) multiply–adds per call, i.e. O(n³) for an n×n image.
 */
import { tf } from '@scoresde/core';

const cache = new Map<string, tf.Tensor2D>();

/** cos/sin of the centred DFT matrix (float64 angles, reduced exactly before the trig call). */
export function centeredDftMatrix(n: number, inverse: boolean): { re: Float32Array; im: Float32Array } {
  const h = n >> 1;
  const s = 1 / Math.sqrt(n);
  const sign = inverse ? 1 : -1;
  const re = new Float32Array(n * n);
  const im = new Float32Array(n * n);
  for (let k = 0; k < n; k++) {
    for (let j = 0; j < n; j++) {
      const q = ((((k - h) * (j - h)) % n) + n) % n;
      const ang = (2 * Math.PI * q) / n;
      re[k * n + j] = s * Math.cos(ang);
      im[k * n + j] = sign * s * Math.sin(ang);
    }
  }
  return { re, im };
}

/**
 * The real 2n×2n matrix R of z ↦ z·C on interleaved (re, im) rows: for row vectors
 * (…, x_j^re, x_j^im, …) · R = (…, y_k^re, y_k^im, …) with y_k = Σ_j x_j C[j,k]:
 *   R[2j, 2k] = Re C,  R[2j, 2k+1] = Im C,  R[2j+1, 2k] = −Im C,  R[2j+1, 2k+1] = Re C.
 */
export function realDftMatrix(n: number, inverse: boolean): Float32Array {
  const { re, im } = centeredDftMatrix(n, inverse);
  const R = new Float32Array(4 * n * n);
  const w = 2 * n;
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < n; k++) {
      const c = re[j * n + k]!;
      const d = im[j * n + k]!;
      R[2 * j * w + 2 * k] = c;
      R[2 * j * w + 2 * k + 1] = d;
      R[(2 * j + 1) * w + 2 * k] = -d;
      R[(2 * j + 1) * w + 2 * k + 1] = c;
    }
  }
  return R;
}

function mat(n: number, inverse: boolean): tf.Tensor2D {
  const key = `${tf.getBackend()}:${n}:${inverse ? 'i' : 'f'}`;
  const hit = cache.get(key);
  if (hit && !hit.isDisposed) return hit;
  const m = tf.keep(tf.tensor2d(realDftMatrix(n, inverse), [2 * n, 2 * n]));
  cache.set(key, m);
  return m;
}

export function matmulFft2c(x: tf.Tensor, inverse: boolean): tf.Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const K = C / 2;
  const mw = mat(W, inverse);
  const mh = mat(H, inverse);
  return tf.tidy(() => {
    // rows along W: [B,H,W,K,2] → [B,H,K,W,2] → [BHK, 2W]
    const a = tf.transpose(tf.reshape(x, [B, H, W, K, 2]), [0, 1, 3, 2, 4]);
    const ya = tf.matMul(tf.reshape(a, [B * H * K, 2 * W]), mw);
    // rows along H: [B,H,K,W,2] → [B,W,K,H,2] → [BWK, 2H]
    const b = tf.transpose(tf.reshape(ya, [B, H, K, W, 2]), [0, 3, 2, 1, 4]);
    const yb = tf.matMul(tf.reshape(b, [B * W * K, 2 * H]), mh);
    // back: [B,W,K,H,2] → [B,H,W,K,2]
    return tf.reshape(tf.transpose(tf.reshape(yb, [B, W, K, H, 2]), [0, 3, 1, 2, 4]), [B, H, W, C]);
  });
}
