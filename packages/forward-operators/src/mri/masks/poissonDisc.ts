/**
 * 2-D variable-density Poisson-disc mask: points kept at least r(p) apart, with
 *
 *   r(p) = r0 · (1 + vd · ρ(p)),   ρ² = ((i−⌊H/2⌋)/(H/2))² + ((j−⌊W/2⌋)/(W/2))²
 *
 * so the sampling density falls off like (1 + vd·ρ)⁻² away from the centre (vd = `density`,
 * default 2). Points are proposed in a seeded random order over the whole grid (dart throwing on
 * the grid); a candidate is kept when no kept point lies strictly closer than its r(p). The scale
 * r0 is found by bisection so the count, including the fully sampled centre box
 * (round(H·cf) × round(W·cf)), is as close as possible to H·W/R.
 */
import { Rng } from '@scoresde/core';
import { checkAcceleration } from './kspaceMask.js';
import { centerBox } from './variableDensity.js';

export interface PoissonDiscParams {
  h: number;
  w: number;
  acceleration: number;
  centerFraction: number;
  seed: number;
  /** Variable-density strength vd ≥ 0 (0: uniform Poisson disc). Default 2. */
  density?: number;
}

function shuffled(n: number, rng: Rng): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function dartThrow(h: number, w: number, order: Int32Array, radius: Float64Array, box: Uint8Array): Uint8Array {
  const taken = new Uint8Array(h * w);
  for (let k = 0; k < box.length; k++) taken[k] = box[k]!;
  for (const p of order) {
    if (taken[p]) continue;
    const r = radius[p]!;
    const i0 = Math.floor(p / w);
    const j0 = p - i0 * w;
    const R = Math.ceil(r) - 1;
    const r2 = r * r;
    let ok = true;
    for (let di = -R; di <= R && ok; di++) {
      const i = i0 + di;
      if (i < 0 || i >= h) continue;
      for (let dj = -R; dj <= R; dj++) {
        const j = j0 + dj;
        if (j < 0 || j >= w) continue;
        if (taken[i * w + j] && di * di + dj * dj < r2) {
          ok = false;
          break;
        }
      }
    }
    if (ok) taken[p] = 1;
  }
  return taken;
}

export function poissonDiscMask(p: PoissonDiscParams): Float32Array {
  return poissonDiscMaskDetailed(p).mask;
}

/** The mask, the chosen scale r0 and the per-point radius r(p) (row-major). */
export function poissonDiscMaskDetailed(p: PoissonDiscParams): { mask: Float32Array; r0: number; radius: Float64Array } {
  checkAcceleration(p.acceleration);
  const { h, w } = p;
  const n = h * w;
  const vd = p.density ?? 2;
  const box = centerBox(h, w, p.centerFraction);
  const rho = new Float64Array(n);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const u = (i - (h >> 1)) / (h / 2);
      const v = (j - (w >> 1)) / (w / 2);
      rho[i * w + j] = Math.sqrt(u * u + v * v);
    }
  }
  const order = shuffled(n, new Rng(p.seed));
  const target = n / p.acceleration;
  const radiusFor = (r0: number) => {
    const radius = new Float64Array(n);
    for (let k = 0; k < n; k++) radius[k] = r0 * (1 + vd * rho[k]!);
    return radius;
  };
  const count = (m: Uint8Array) => m.reduce((a, b) => a + b, 0);
  // r(p) ≤ 1 everywhere keeps every point; the count falls as r0 grows. Bisection on r0.
  let lo = 1 / (1 + vd * Math.SQRT2);
  let hi = Math.max(2, Math.sqrt(p.acceleration) * 2);
  while (count(dartThrow(h, w, order, radiusFor(hi), box)) > target && hi < Math.max(h, w)) hi *= 2;
  let best = { r0: lo, taken: dartThrow(h, w, order, radiusFor(lo), box) };
  let bestErr = Math.abs(count(best.taken) - target);
  for (let it = 0; it < 20; it++) {
    const mid = 0.5 * (lo + hi);
    const m = dartThrow(h, w, order, radiusFor(mid), box);
    const c = count(m);
    if (Math.abs(c - target) < bestErr) {
      best = { r0: mid, taken: m };
      bestErr = Math.abs(c - target);
    }
    if (c > target) lo = mid;
    else hi = mid;
  }
  return { mask: Float32Array.from(best.taken), r0: best.r0, radius: radiusFor(best.r0) };
}
