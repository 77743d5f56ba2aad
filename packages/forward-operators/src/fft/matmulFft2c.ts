/**
 * Centred orthonormal 2-D DFT as two dense matrix products, for backends without the host
 * kernel (webgpu, tensorflow) — and forced on cpu in tests. Built from differentiable tfjs ops,
 * so autodiff needs nothing extra.
 *
 * C_n[k,j] = n^{-1/2} exp(s·2πi (k−h)(j−h)/n), h = ⌊n/2⌋, s = −1 forward / +1 inverse. C_n is
 * symmetric, so a row transform is `rows · C_n`. For x of shape [B, H, W, 2K] (K complex planes,
 * (re, im) channel pairs):  Y = C_H X C_W, with
 *   (A + iB)(P + iQ) = (AP − BQ) + i(AQ + BP).
 * Cost: 4·(BHK·W² + BWK·H²) multiply–adds per call, i.e. O(n³) for an n×n image.
 */
import { tf } from '@scoresde/core';

interface DftMats {
  re: tf.Tensor2D;
  im: tf.Tensor2D;
}

const cache = new Map<string, DftMats>();

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

function mats(n: number, inverse: boolean): DftMats {
  const key = `${tf.getBackend()}:${n}:${inverse ? 'i' : 'f'}`;
  const hit = cache.get(key);
  if (hit && !hit.re.isDisposed && !hit.im.isDisposed) return hit;
  const { re, im } = centeredDftMatrix(n, inverse);
  const m = { re: tf.keep(tf.tensor2d(re, [n, n])), im: tf.keep(tf.tensor2d(im, [n, n])) };
  cache.set(key, m);
  return m;
}

function complexRowMatmul(xr: tf.Tensor2D, xi: tf.Tensor2D, m: DftMats): [tf.Tensor2D, tf.Tensor2D] {
  const yr = tf.sub<tf.Tensor2D>(tf.matMul(xr, m.re), tf.matMul(xi, m.im));
  const yi = tf.add<tf.Tensor2D>(tf.matMul(xr, m.im), tf.matMul(xi, m.re));
  return [yr, yi];
}

export function matmulFft2c(x: tf.Tensor, inverse: boolean): tf.Tensor {
  const [B, H, W, C] = x.shape as [number, number, number, number];
  const K = C / 2;
  const mw = mats(W, inverse);
  const mh = mats(H, inverse);
  return tf.tidy(() => {
    const x5 = tf.reshape(x, [B, H, W, K, 2]);
    const [re, im] = tf.unstack(x5, 4) as [tf.Tensor4D, tf.Tensor4D];
    // along W: [B,H,K,W] rows
    const toRowsW = (t: tf.Tensor4D) => tf.reshape(tf.transpose(t, [0, 1, 3, 2]), [B * H * K, W]) as tf.Tensor2D;
    const [ar, ai] = complexRowMatmul(toRowsW(re), toRowsW(im), mw);
    // [B,H,K,W] → [B,W,K,H] rows along H
    const toRowsH = (t: tf.Tensor2D) => tf.reshape(tf.transpose(tf.reshape(t, [B, H, K, W]), [0, 3, 2, 1]), [B * W * K, H]) as tf.Tensor2D;
    const [br, bi] = complexRowMatmul(toRowsH(ar), toRowsH(ai), mh);
    // [B,W,K,H] → [B,H,W,K]
    const back = (t: tf.Tensor2D) => tf.transpose(tf.reshape(t, [B, W, K, H]), [0, 3, 1, 2]);
    return tf.reshape(tf.stack([back(br), back(bi)], 4), [B, H, W, C]);
  });
}
