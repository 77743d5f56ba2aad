/**
 * 2-D variable-density random mask with a Gaussian density (each k-space point independently):
 *
 *   P(sample (i, j)) = min(1, c · exp(−ρ²/(2 s²))),   ρ² = ((i−⌊H/2⌋)/(H/2))² + ((j−⌊W/2⌋)/(W/2))²
 *
 * (ρ = 1 at the edge midpoints), s = `sigma` (default 0.3), plus a fully sampled central
 * calibration box of round(H·cf) × round(W·cf) points. The scale c is found by bisection so
 * the expected number of samples, centre included, is H·W/R.
 */
import { Rng } from '@scoresde/core';
import { checkAcceleration } from './kspaceMask.js';
import { centerLines } from './cartesian.js';

export interface VariableDensityParams {
  h: number;
  w: number;
  acceleration: number;
  centerFraction: number;
  seed: number;
  /** Width s of the Gaussian density in normalised k-space radius (default 0.3). */
  sigma?: number;
}

/** 1 inside the fully sampled central box (round(n·cf) lines per axis, fastMRI placement). */
export function centerBox(h: number, w: number, cf: number): Uint8Array {
  const r = centerLines(h, cf);
  const c = centerLines(w, cf);
  const box = new Uint8Array(h * w);
  for (let i = r.start; i < r.start + r.count; i++) for (let j = c.start; j < c.start + c.count; j++) box[i * w + j] = 1;
  return box;
}

export function gaussianDensity(h: number, w: number, sigma: number): Float64Array {
  const d = new Float64Array(h * w);
  const ch = h >> 1;
  const cw = w >> 1;
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const u = (i - ch) / (h / 2);
      const v = (j - cw) / (w / 2);
      d[i * w + j] = Math.exp(-(u * u + v * v) / (2 * sigma * sigma));
    }
  }
  return d;
}

export function gaussianVariableDensityMask(p: VariableDensityParams): Float32Array {
  checkAcceleration(p.acceleration);
  const { h, w } = p;
  const n = h * w;
  const box = centerBox(h, w, p.centerFraction);
  const dens = gaussianDensity(h, w, p.sigma ?? 0.3);
  const target = n / p.acceleration;
  const expected = (c: number) => {
    let e = 0;
    for (let k = 0; k < n; k++) e += box[k] ? 1 : Math.min(1, c * dens[k]!);
    return e;
  };
  let lo = 0;
  let hi = 1;
  while (expected(hi) < target && hi < 1e12) hi *= 2;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    if (expected(mid) < target) lo = mid;
    else hi = mid;
  }
  const c = 0.5 * (lo + hi);
  const rng = new Rng(p.seed);
  const mask = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const u = rng.uniform();
    mask[k] = box[k] || u < Math.min(1, c * dens[k]!) ? 1 : 0;
  }
  return mask;
}

