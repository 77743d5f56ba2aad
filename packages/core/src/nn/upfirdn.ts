/**
 * FIR resampling of StyleGAN2 / score_sde (models/up_or_down_sampling.py, op/upfirdn2d.py) on
 * NHWC tensors.
 *
 * upfirdn2d(x, k, up, down, pad0, pad1): insert up−1 zeros after every pixel (both axes), pad
 * pad0 before and pad1 after (negative = crop), convolve each channel with k (true
 * convolution: k flipped, then cross-correlated), keep every down-th pixel.
 * The kernel of `fir_kernel` [k0..kn] is the outer product normalised to sum 1 (setupKernel).
 */
import { tf, type Tensor } from '../tf.js';

/** 2-D FIR kernel from a separable 1-D one: outer(k, k) / sum, row-major [n·n]. */
export function setupKernel(k: number[]): Float32Array {
  const n = k.length;
  const out = new Float32Array(n * n);
  let sum = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sum += Math.fround(k[i]! * k[j]!);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = Math.fround(k[i]! * k[j]!) / sum;
  return out;
}

/** Zero-insertion upsampling: [B,H,W,C] → [B,H·f,W·f,C] with x at (i·f, j·f), zeros elsewhere. */
function zeroInsert(x: Tensor, f: number): Tensor {
  if (f === 1) return x;
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const x6 = tf.reshape(x, [b, h, 1, w, 1, c]);
  const p = tf.pad(x6, [[0, 0], [0, 0], [0, f - 1], [0, 0], [0, f - 1], [0, 0]]);
  return tf.reshape(p, [b, h * f, w * f, c]);
}

/** Pad (positive) or crop (negative) the two spatial axes. */
function padOrCrop(x: Tensor, p0: number, p1: number): Tensor {
  let y = x;
  if (p0 > 0 || p1 > 0) y = tf.pad(y, [[0, 0], [Math.max(p0, 0), Math.max(p1, 0)], [Math.max(p0, 0), Math.max(p1, 0)], [0, 0]]);
  if (p0 < 0 || p1 < 0) {
    const [, h, w] = y.shape as [number, number, number, number];
    const c0 = Math.max(-p0, 0);
    const c1 = Math.max(-p1, 0);
    y = tf.slice(y, [0, c0, c0, 0], [-1, h - c0 - c1, w - c0 - c1, -1]);
  }
  return y;
}

/**
 * upfirdn2d with a square kernel `k` (row-major n×n, already scaled). Runs as one depthwise
 * convolution with the flipped kernel and stride `down`.
 */
export function upfirdn2d(x: Tensor, k: Float32Array, up: number, down: number, pad0: number, pad1: number): Tensor {
  const n = Math.round(Math.sqrt(k.length));
  const y = padOrCrop(zeroInsert(x, up), pad0, pad1);
  return tf.depthwiseConv2d(y as tf.Tensor4D, depthwiseFilter(k, n, x.shape[3]!), down, 'valid');
}

const filterCache = new Map<string, tf.Tensor4D>();

/** Depthwise filter [n, n, C, 1] holding the flipped kernel for every channel; cached on the device. */
function depthwiseFilter(k: Float32Array, n: number, c: number): tf.Tensor4D {
  const key = `${Array.from(k).join(',')}|${c}`;
  const hit = filterCache.get(key);
  if (hit && !hit.isDisposed) return hit;
  const filt = new Float32Array(n * n * c);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) filt.fill(k[(n - 1 - i) * n + (n - 1 - j)]!, (i * n + j) * c, (i * n + j + 1) * c);
  const t = tf.keep(tf.tensor4d(filt, [n, n, c, 1]));
  filterCache.set(key, t);
  return t;
}

/** 1-D FIR taps normalised to sum 1 (setupKernel's outer product is their square). */
export function setupKernel1d(k: number[]): Float32Array {
  const sum = k.reduce((a, b) => a + b, 0);
  return Float32Array.from(k, (v) => v / sum);
}

/**
 * One axis (1 = H, 2 = W) of a separable upfirdn2d: zero insertion, pad/crop, true convolution
 * with the 1-D taps `k`, stride `down`. Rank-4 ops only.
 */
function firAxis(x: Tensor, k: Float32Array, axis: 1 | 2, up: number, down: number, p0: number, p1: number): Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  let y = x;
  if (up > 1) {
    y =
      axis === 1
        ? tf.reshape(tf.pad(tf.reshape(x, [b, h, 1, w * c]), [[0, 0], [0, 0], [0, up - 1], [0, 0]]), [b, h * up, w, c])
        : tf.reshape(tf.pad(tf.reshape(x, [b * h, w, 1, c]), [[0, 0], [0, 0], [0, up - 1], [0, 0]]), [b, h, w * up, c]);
  }
  if (p0 > 0 || p1 > 0) {
    const pp: [number, number] = [Math.max(p0, 0), Math.max(p1, 0)];
    y = tf.pad(y, axis === 1 ? [[0, 0], pp, [0, 0], [0, 0]] : [[0, 0], [0, 0], pp, [0, 0]]);
  }
  if (p0 < 0 || p1 < 0) {
    const len = y.shape[axis]!;
    const c0 = Math.max(-p0, 0);
    const size = len - c0 - Math.max(-p1, 0);
    y = axis === 1 ? tf.slice(y, [0, c0, 0, 0], [-1, size, -1, -1]) : tf.slice(y, [0, 0, c0, 0], [-1, -1, size, -1]);
  }
  const strides: [number, number] = axis === 1 ? [down, 1] : [1, down];
  return tf.depthwiseConv2d(y as tf.Tensor4D, axisFilter(k, axis, c), strides, 'valid');
}

/** Depthwise filter [n,1,C,1] (H) or [1,n,C,1] (W) holding the flipped taps; cached on the device. */
function axisFilter(k: Float32Array, axis: 1 | 2, c: number): tf.Tensor4D {
  const key = `${axis}|${Array.from(k).join(',')}|${c}`;
  const hit = filterCache.get(key);
  if (hit && !hit.isDisposed) return hit;
  const n = k.length;
  const filt = new Float32Array(n * c);
  for (let i = 0; i < n; i++) filt.fill(k[n - 1 - i]!, i * c, (i + 1) * c);
  const t = tf.keep(tf.tensor4d(filt, axis === 1 ? [n, 1, c, 1] : [1, n, c, 1]));
  filterCache.set(key, t);
  return t;
}

/**
 * upfirdn2d with the separable kernel outer(k, k) given by its 1-D taps `k` (already scaled per
 * axis): the H pass, then the W pass. Equal to upfirdn2d(x, outer(k, k), …) up to float rounding,
 * with 2n instead of n² multiplies per output and no work on the inserted zeros of the other axis.
 */
export function upfirdn2dSeparable(x: Tensor, k: Float32Array, up: number, down: number, pad0: number, pad1: number): Tensor {
  return firAxis(firAxis(x, k, 1, up, down, pad0, pad1), k, 2, up, down, pad0, pad1);
}

/** upsample_2d: FIR upsampling by `factor` (default kernel [1]*factor = nearest). */
export function upsample2d(x: Tensor, kernel: number[], factor = 2, gain = 1): Tensor {
  const k = setupKernel1d(kernel).map((v) => v * Math.sqrt(gain) * factor);
  const p = kernel.length - factor;
  return upfirdn2dSeparable(x, k, factor, 1, Math.floor((p + 1) / 2) + factor - 1, Math.floor(p / 2));
}

/** downsample_2d: FIR downsampling by `factor` (default kernel [1]*factor = average pooling). */
export function downsample2d(x: Tensor, kernel: number[], factor = 2, gain = 1): Tensor {
  const k = setupKernel1d(kernel).map((v) => v * Math.sqrt(gain));
  const p = kernel.length - factor;
  return upfirdn2dSeparable(x, k, 1, factor, Math.floor((p + 1) / 2), Math.floor(p / 2));
}

/**
 * naive_upsample_2d: nearest-neighbour repeat by `factor`. Built from rank-5 concatenations
 * (not a rank-6 tile, whose gradient tfjs lacks) so it trains on every backend.
 */
export function naiveUpsample2d(x: Tensor, factor = 2): Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const alongW = tf.reshape(tf.concat(new Array<Tensor>(factor).fill(tf.reshape(x, [b, h, w, 1, c])), 3), [b, h, w * factor, c]);
  const alongH = tf.concat(new Array<Tensor>(factor).fill(tf.reshape(alongW, [b, h, 1, w * factor, c])), 2);
  return tf.reshape(alongH, [b, h * factor, w * factor, c]);
}

/** naive_downsample_2d: mean over factor×factor blocks. */
export function naiveDownsample2d(x: Tensor, factor = 2): Tensor {
  const [b, h, w, c] = x.shape as [number, number, number, number];
  const x6 = tf.reshape(x, [b, h / factor, factor, w / factor, factor, c]);
  return tf.mean(x6, [2, 4]);
}
