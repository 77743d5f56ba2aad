/**
 * Host (plain JS) ray-driven projector W and its exact transpose Wᵀ for a RadonGeometry.
 *
 * (W x)[a, d] = Σ_k bilinear(x; row_k, col_k) with the sample points of geometry.ts (parallel
 * or fan beam: only the ray direction differs). Both loops
 * visit the same samples with the same float64 arithmetic, so Wᵀ is the transpose of W up to
 * float32 rounding of the result. Images are read through a copy padded by PAD zeros on every
 * side, so no sample needs a bounds test: a ray is clipped once, analytically, to the samples
 * whose bilinear footprint can touch the image.
 *
 * Sample positions are recomputed per call rather than read from a stored table: at 256²×180
 * a table would hold ≈ 9 M samples (≈ 110 MB) and make the loop memory-bound; recomputing costs
 * two multiply-adds per sample. Per geometry only the cos/sin table is precomputed.
 */
import type { RadonGeometry } from './geometry.js';

export const PAD = 2;

/**
 * Samples k ∈ [kmin, kmax] of ray (a, d), and the padded-image coordinates of sample k:
 * row = r0 + k·dr, col = c0 + k·dc. Written into `out` = [r0, c0, dr, dc, kmin, kmax].
 */
export function rayRange(g: RadonGeometry, a: number, d: number, out: Float64Array): void {
  const cs = g.cos[a]!;
  const sn = g.sin[a]!;
  const s = d - g.detCenter;
  const t0 = -Math.floor(g.raySamples / 2);
  let dr = cs;
  let dc = sn;
  if (g.beam === 'fan') {
    // direction from the source C − R·e through the detector point C + s·a
    const r = g.sourceDistance;
    const norm = Math.sqrt(r * r + s * s);
    dr = (r * cs - s * sn) / norm;
    dc = (r * sn + s * cs) / norm;
  }
  const r0 = g.center + PAD - s * sn + t0 * dr;
  const c0 = g.center + PAD + s * cs + t0 * dc;
  // bilinear weights can be non-zero only for padded coordinates in (PAD-1, N+PAD); keep a
  // 0.5 margin (still inside the zero border) so float rounding never drops a sample.
  const lo = PAD - 1.5;
  const hi = g.size + PAD + 0.5;
  let kmin = 0;
  let kmax = g.raySamples - 1;
  for (const [base, step] of [
    [r0, dr],
    [c0, dc],
  ] as const) {
    if (Math.abs(step) < 1e-12) {
      if (base < lo || base > hi) kmax = -1;
    } else {
      const k1 = (lo - base) / step;
      const k2 = (hi - base) / step;
      kmin = Math.max(kmin, Math.ceil(Math.min(k1, k2)));
      kmax = Math.min(kmax, Math.floor(Math.max(k1, k2)));
    }
  }
  out[0] = r0;
  out[1] = c0;
  out[2] = dr;
  out[3] = dc;
  out[4] = kmin;
  out[5] = kmax;
}

/** Sinogram [B, A, D] (flat) = W applied to images [B, N, N] (flat). */
export function projectHost(g: RadonGeometry, x: ArrayLike<number>, batch: number): Float32Array {
  const n = g.size;
  const w = n + 2 * PAD;
  const na = g.numAngles;
  const nd = g.detectors;
  const out = new Float32Array(batch * na * nd);
  const img = new Float64Array(w * w);
  const ray = new Float64Array(6);
  for (let b = 0; b < batch; b++) {
    const off = b * n * n;
    for (let i = 0; i < n; i++) {
      const row = (i + PAD) * w + PAD;
      for (let j = 0; j < n; j++) img[row + j] = x[off + i * n + j]!;
    }
    for (let a = 0; a < na; a++) {
      for (let d = 0; d < nd; d++) {
        rayRange(g, a, d, ray);
        const r0 = ray[0]!;
        const c0 = ray[1]!;
        const dr = ray[2]!;
        const dc = ray[3]!;
        const kmax = ray[5]!;
        let sum = 0;
        for (let k = ray[4]!; k <= kmax; k++) {
          const r = r0 + k * dr;
          const c = c0 + k * dc;
          const ri = r | 0;
          const ci = c | 0;
          const fr = r - ri;
          const fc = c - ci;
          const p = ri * w + ci;
          const top = img[p]! + fc * (img[p + 1]! - img[p]!);
          const bot = img[p + w]! + fc * (img[p + w + 1]! - img[p + w]!);
          sum += top + fr * (bot - top);
        }
        out[(b * na + a) * nd + d] = sum;
      }
    }
  }
  return out;
}

/** Images [B, N, N] (flat) = Wᵀ applied to sinograms [B, A, D] (flat). */
export function backprojectHost(g: RadonGeometry, y: ArrayLike<number>, batch: number): Float32Array {
  const n = g.size;
  const w = n + 2 * PAD;
  const na = g.numAngles;
  const nd = g.detectors;
  const out = new Float32Array(batch * n * n);
  const acc = new Float64Array(w * w);
  const ray = new Float64Array(6);
  for (let b = 0; b < batch; b++) {
    acc.fill(0);
    for (let a = 0; a < na; a++) {
      for (let d = 0; d < nd; d++) {
        const v = y[(b * na + a) * nd + d]!;
        if (v === 0) continue;
        rayRange(g, a, d, ray);
        const r0 = ray[0]!;
        const c0 = ray[1]!;
        const dr = ray[2]!;
        const dc = ray[3]!;
        const kmax = ray[5]!;
        for (let k = ray[4]!; k <= kmax; k++) {
          const r = r0 + k * dr;
          const c = c0 + k * dc;
          const ri = r | 0;
          const ci = c | 0;
          const fr = r - ri;
          const fc = c - ci;
          const p = ri * w + ci;
          const vb = v * fr;
          const vt = v - vb;
          const tr = vt * fc;
          const br = vb * fc;
          acc[p] += vt - tr;
          acc[p + 1] += tr;
          acc[p + w] += vb - br;
          acc[p + w + 1] += br;
        }
      }
    }
    const off = b * n * n;
    for (let i = 0; i < n; i++) {
      const row = (i + PAD) * w + PAD;
      for (let j = 0; j < n; j++) out[off + i * n + j] = acc[row + j]!;
    }
  }
  return out;
}
