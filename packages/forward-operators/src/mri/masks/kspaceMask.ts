/**
 * A k-space sampling mask: 0/1 values on the full H×W Cartesian grid, in the centred layout of
 * `fft2c` (zero frequency at (⌊H/2⌋, ⌊W/2⌋)). Row-major Float32Array of length H·W.
 *
 * 1-D (Cartesian line) masks choose phase-encode lines along one axis and are constant along the
 * other (readout) axis. `axis: 'w'` (default, as fastMRI masks the last spatial axis) picks
 * columns: M[i, j] = m[j]; `axis: 'h'` picks rows: M[i, j] = m[i].
 */
import { ScoresdeError } from '@scoresde/core';

export interface KspaceMask {
  readonly h: number;
  readonly w: number;
  readonly data: Float32Array;
}

export type PhaseAxis = 'h' | 'w';

/** Check sizes and that every value is exactly 0 or 1. */
export function makeMask(h: number, w: number, data: Float32Array, what = 'mri mask'): KspaceMask {
  if (data.length !== h * w) throw new ScoresdeError(`${what}: has ${data.length} values, expected ${h}×${w}`);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== 0 && v !== 1) {
      throw new ScoresdeError(`${what}: values must be 0 or 1 (found ${v} at flat index ${i})`);
    }
  }
  return { h, w, data };
}

/** Broadcast a 1-D line mask (length H for axis 'h', W for axis 'w') to the H×W grid. */
export function lineMaskTo2d(line: ArrayLike<number>, h: number, w: number, axis: PhaseAxis): Float32Array {
  const n = axis === 'w' ? w : h;
  if (line.length !== n) throw new ScoresdeError(`mri mask: 1-D mask has ${line.length} entries, the phase-encode axis '${axis}' has ${n}`);
  const out = new Float32Array(h * w);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) out[i * w + j] = axis === 'w' ? line[j]! : line[i]!;
  }
  return out;
}

/** Number of sampled k-space points. */
export function maskCount(m: KspaceMask): number {
  let c = 0;
  for (let i = 0; i < m.data.length; i++) c += m.data[i]!;
  return c;
}

/** Achieved acceleration H·W / (number sampled); Infinity for an empty mask. */
export function maskAcceleration(m: KspaceMask): number {
  const c = maskCount(m);
  return c === 0 ? Infinity : (m.h * m.w) / c;
}

/** Python's round(): half to even (fastMRI uses it for the number of centre lines). */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

export function checkAcceleration(acceleration: number): void {
  if (!Number.isFinite(acceleration) || acceleration < 1) {
    throw new ScoresdeError(`mri: acceleration must be ≥ 1, got ${acceleration}`);
  }
}

export function checkCenterFraction(cf: number): void {
  if (!Number.isFinite(cf) || cf < 0 || cf > 1) throw new ScoresdeError(`mri: center_fraction must be in [0, 1], got ${cf}`);
}
