/**
 * Structural similarity with a Gaussian window, matching
 *   skimage.metrics.structural_similarity(ref, test, gaussian_weights=True,
 *     use_sample_covariance=False, data_range=R[, channel_axis=-1])
 * (Wang et al. 2004): σ = 1.5, truncate 3.5 → radius r = ⌊3.5σ + 0.5⌋ = 5 (11 taps), weights
 * exp(−k²/2σ²) normalised to sum 1, separable correlation with scipy.ndimage 'reflect' borders
 * (… c b a | a b c …); population (co)variances; K1 = 0.01, K2 = 0.03, C1 = (K1·R)², C2 = (K2·R)²;
 *   S = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
 * averaged over the image cropped by r on every side, then over channels (and batch images).
 * All arithmetic in float64. R defaults to max(ref) − min(ref).
 */
import { ScoresdeError } from '@scoresde/core';
import { checkPair, resolveRange, type ImageArray } from './image.js';

export interface SsimOptions {
  dataRange?: number;
  sigma?: number;
  k1?: number;
  k2?: number;
}

/** scipy.ndimage 'reflect' index for i in any range. */
function reflectIndex(i: number, n: number): number {
  const p = 2 * n;
  let j = ((i % p) + p) % p;
  if (j >= n) j = p - 1 - j;
  return j;
}

export function gaussianWeights(sigma: number, truncate: number): Float64Array {
  const r = Math.floor(truncate * sigma + 0.5);
  const w = new Float64Array(2 * r + 1);
  let s = 0;
  for (let k = -r; k <= r; k++) s += w[k + r] = Math.exp((-0.5 * k * k) / (sigma * sigma));
  for (let k = 0; k < w.length; k++) w[k]! /= s;
  return w;
}

/** Separable Gaussian filter of an H×W plane (row-major), reflect borders. */
function filter2(src: Float64Array, h: number, w: number, wt: Float64Array): Float64Array {
  const r = (wt.length - 1) / 2;
  const tmp = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += wt[k + r]! * src[y * w + reflectIndex(x + k, w)]!;
      tmp[y * w + x] = s;
    }
  }
  const out = new Float64Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += wt[k + r]! * tmp[reflectIndex(y + k, h) * w + x]!;
      out[y * w + x] = s;
    }
  }
  return out;
}

/** Mean SSIM of one H×W plane pair. */
export function ssimPlane(a: Float64Array, b: Float64Array, h: number, w: number, range: number, opts: SsimOptions = {}): number {
  const wt = gaussianWeights(opts.sigma ?? 1.5, 3.5);
  const r = (wt.length - 1) / 2;
  if (h < wt.length || w < wt.length) throw new ScoresdeError(`ssim: image ${h}×${w} is smaller than the ${wt.length}×${wt.length} window`);
  const n = h * w;
  const aa = new Float64Array(n);
  const bb = new Float64Array(n);
  const ab = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    aa[i] = a[i]! * a[i]!;
    bb[i] = b[i]! * b[i]!;
    ab[i] = a[i]! * b[i]!;
  }
  const ux = filter2(a, h, w, wt);
  const uy = filter2(b, h, w, wt);
  const uxx = filter2(aa, h, w, wt);
  const uyy = filter2(bb, h, w, wt);
  const uxy = filter2(ab, h, w, wt);
  const c1 = ((opts.k1 ?? 0.01) * range) ** 2;
  const c2 = ((opts.k2 ?? 0.03) * range) ** 2;
  let sum = 0;
  let count = 0;
  for (let y = r; y < h - r; y++) {
    for (let x = r; x < w - r; x++) {
      const i = y * w + x;
      const mx = ux[i]!;
      const my = uy[i]!;
      const vx = uxx[i]! - mx * mx;
      const vy = uyy[i]! - my * my;
      const vxy = uxy[i]! - mx * my;
      sum += ((2 * mx * my + c1) * (2 * vxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2));
      count++;
    }
  }
  return sum / count;
}

/** Mean SSIM of [H, W], [H, W, C] (mean over channels) or [N, H, W, C] (mean over N and C). */
export function ssim(ref: ImageArray, test: ImageArray, opts: SsimOptions = {}): number {
  checkPair(ref, test, 'ssim');
  const s = ref.shape;
  let n: number, h: number, w: number, c: number;
  if (s.length === 2) [n, h, w, c] = [1, s[0]!, s[1]!, 1];
  else if (s.length === 3) [n, h, w, c] = [1, s[0]!, s[1]!, s[2]!];
  else if (s.length === 4) [n, h, w, c] = [s[0]!, s[1]!, s[2]!, s[3]!];
  else throw new ScoresdeError(`ssim: images must be H×W, H×W×C or N×H×W×C, got ${s.join('×')}`);
  const range = resolveRange(ref, opts.dataRange, 'ssim');
  let total = 0;
  const a = new Float64Array(h * w);
  const b = new Float64Array(h * w);
  for (let img = 0; img < n; img++) {
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < h * w; p++) {
        const idx = (img * h * w + p) * c + ch;
        a[p] = ref.data[idx]!;
        b[p] = test.data[idx]!;
      }
      total += ssimPlane(a, b, h, w, range, opts);
    }
  }
  return total / (n * c);
}
