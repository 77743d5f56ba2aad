/**
 * 1-D Cartesian line masks following fastmri.data.subsample, drawn from NumPy's legacy MT19937
 * stream (`NumpyRandomState`) exactly as fastMRI draws them: `mask_func(shape, seed=S)` with a
 * single (center_fraction, acceleration) gives the same mask as these functions with seed S.
 *
 * n lines, n_low = round(n·center_fraction) (half to even); the centre block is lines
 * [pad, pad + n_low) with pad = ⌊(n − n_low + 1)/2⌋, always sampled.
 *
 * - random (RandomMaskFunc): each other line with probability
 *     p = (n/R − n_low) / (n − n_low),
 *   so the expected number of lines is n/R (p ≤ 0 → centre only; R = 1 → every line).
 * - equispaced (EquispacedMaskFunc): lines offset, offset + R, offset + 2R, … with a random
 *   offset in [0, R) and integer R, plus the centre (achieved acceleration a little below R).
 * - equispaced-fraction (EquispacedMaskFractionFunc): spacing adjusted so the total including the
 *   centre is ≈ n/R:  a = R(n_low − n)/(n_low·R − n); lines round(offset + k·a) for
 *   offset + k·a < n − 1, offset random in [0, round(a)).
 * Equispaced masks accept a fixed `offset`; score_inverse_problems' `get_cartesian_mask(shape,
 * n_keep)` is equispaced-fraction with center_fraction = n_keep/1000, R = W/n_keep and
 * offset = ⌊round(a)/2⌋.
 */
import { ScoresdeError } from '@scoresde/core';
import { NumpyRandomState } from './mt19937.js';
import { checkAcceleration, checkCenterFraction, roundHalfEven } from './kspaceMask.js';

export interface LineMaskParams {
  n: number;
  acceleration: number;
  centerFraction: number;
  seed: number;
  /** Equispaced masks: the first line (default: random in [0, R) or [0, round(a))). */
  offset?: number;
}

function checkOffset(offset: number | undefined, n: number): void {
  if (offset !== undefined && (!Number.isInteger(offset) || offset < 0 || offset >= n)) {
    throw new ScoresdeError(`mri: offset must be an integer in [0, ${n}), got ${offset}`);
  }
}

export function centerLines(n: number, centerFraction: number): { start: number; count: number } {
  checkCenterFraction(centerFraction);
  const count = Math.min(n, roundHalfEven(n * centerFraction));
  return { start: Math.floor((n - count + 1) / 2), count };
}

function addCenter(mask: Float32Array, n: number, cf: number): void {
  const { start, count } = centerLines(n, cf);
  for (let i = start; i < start + count; i++) mask[i] = 1;
}

export function randomLineMask(p: LineMaskParams): Float32Array {
  checkAcceleration(p.acceleration);
  const { n } = p;
  const mask = new Float32Array(n);
  const nLow = centerLines(n, p.centerFraction).count;
  const prob = nLow >= n ? 1 : (n / p.acceleration - nLow) / (n - nLow);
  const rng = new NumpyRandomState(p.seed);
  for (let i = 0; i < n; i++) mask[i] = rng.randomSample() < prob ? 1 : 0;
  addCenter(mask, n, p.centerFraction);
  return mask;
}

export function equispacedLineMask(p: LineMaskParams): Float32Array {
  checkAcceleration(p.acceleration);
  if (!Number.isInteger(p.acceleration)) {
    throw new ScoresdeError(`mri: equispaced masks need an integer acceleration, got ${p.acceleration} (use equispaced-fraction)`);
  }
  const { n } = p;
  const mask = new Float32Array(n);
  checkOffset(p.offset, n);
  const offset = p.offset ?? new NumpyRandomState(p.seed).randint(p.acceleration);
  for (let i = offset; i < n; i += p.acceleration) mask[i] = 1;
  addCenter(mask, n, p.centerFraction);
  return mask;
}

export function equispacedFractionLineMask(p: LineMaskParams): Float32Array {
  checkAcceleration(p.acceleration);
  const { n, acceleration: R } = p;
  const mask = new Float32Array(n);
  const nLow = centerLines(n, p.centerFraction).count;
  const denom = nLow * R - n;
  const adjusted = denom === 0 ? Infinity : (R * (nLow - n)) / denom;
  checkOffset(p.offset, n);
  if (adjusted > 0 && Number.isFinite(adjusted)) {
    const offset = p.offset ?? new NumpyRandomState(p.seed).randint(Math.max(1, roundHalfEven(adjusted)));
    // np.around(np.arange(offset, n − 1, a)): ceil((n − 1 − offset)/a) samples offset + i·a
    const count = Math.max(0, Math.ceil((n - 1 - offset) / adjusted));
    for (let i = 0; i < count; i++) mask[Math.min(n - 1, roundHalfEven(offset + i * adjusted))] = 1;
  }
  addCenter(mask, n, p.centerFraction);
  return mask;
}
