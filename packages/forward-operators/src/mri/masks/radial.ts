/**
 * Radial mask: k spokes through the k-space centre (⌊H/2⌋, ⌊W/2⌋) at angles θ_s = π·s/k
 * (s = 0..k−1, uniform over [0, π)) or, with `golden`, θ_s = s·111.246…° (golden angle mod π).
 * Each spoke is rasterised to the Cartesian grid by marking the nearest grid point at steps of
 * half a pixel along the full line through the grid, clipped to the grid (spokes reach the
 * corners). When `spokes` is not given, the smallest k whose mask reaches H·W/R points is used.
 */
import { ScoresdeError } from '@scoresde/core';
import { checkAcceleration } from './kspaceMask.js';

export interface RadialParams {
  h: number;
  w: number;
  spokes?: number;
  acceleration: number;
  golden?: boolean;
}

/** Golden angle for radial MRI: π/φ ≈ 111.246°. */
export const GOLDEN_ANGLE = Math.PI / ((1 + Math.sqrt(5)) / 2);

export function radialSpokesMask(h: number, w: number, spokes: number, golden = false): Float32Array {
  if (!Number.isInteger(spokes) || spokes < 1) throw new ScoresdeError(`mri: spokes must be a positive integer, got ${spokes}`);
  const m = new Float32Array(h * w);
  const ci = h >> 1;
  const cj = w >> 1;
  const L = Math.hypot(h, w) / 2 + 1;
  for (let s = 0; s < spokes; s++) {
    const th = golden ? (s * GOLDEN_ANGLE) % Math.PI : (Math.PI * s) / spokes;
    const di = Math.sin(th);
    const dj = Math.cos(th);
    for (let t = -L; t <= L; t += 0.5) {
      const i = Math.round(ci + t * di);
      const j = Math.round(cj + t * dj);
      if (i >= 0 && i < h && j >= 0 && j < w) m[i * w + j] = 1;
    }
  }
  return m;
}

export function radialMask(p: RadialParams): Float32Array {
  if (p.spokes !== undefined) return radialSpokesMask(p.h, p.w, p.spokes, p.golden);
  checkAcceleration(p.acceleration);
  const target = (p.h * p.w) / p.acceleration;
  const count = (m: Float32Array) => m.reduce((a, b) => a + b, 0);
  let lo = 1;
  let hi = 1;
  const maxSpokes = 4 * Math.max(p.h, p.w);
  while (count(radialSpokesMask(p.h, p.w, hi, p.golden)) < target && hi < maxSpokes) hi *= 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (count(radialSpokesMask(p.h, p.w, mid, p.golden)) >= target) hi = mid;
    else lo = mid + 1;
  }
  return radialSpokesMask(p.h, p.w, lo, p.golden);
}
