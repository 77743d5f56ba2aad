/**
 * The fully sampled calibration (ACS) region of a mask, centred on the DC point (⌊H/2⌋, ⌊W/2⌋):
 * the largest of
 * - the run of fully sampled columns around column ⌊W/2⌋ (all rows) — 1-D masks along W;
 * - the run of fully sampled rows around row ⌊H/2⌋ (all columns) — 1-D masks along H;
 * - the largest centred fully sampled box (2-D masks).
 */
import { ScoresdeError } from '@scoresde/core';
import type { KspaceMask } from './masks/kspaceMask.js';
import type { AcsRegion } from './coilMaps.js';

function run(full: (i: number) => boolean, n: number, c: number): [number, number] {
  if (!full(c)) return [c, 0];
  let a = c;
  let b = c;
  while (a > 0 && full(a - 1)) a--;
  while (b < n - 1 && full(b + 1)) b++;
  return [a, b - a + 1];
}

export function acsRegionFromMask(m: KspaceMask): AcsRegion {
  const { h, w, data } = m;
  const ci = h >> 1;
  const cj = w >> 1;
  const colFull = (j: number) => {
    for (let i = 0; i < h; i++) if (data[i * w + j] === 0) return false;
    return true;
  };
  const rowFull = (i: number) => {
    for (let j = 0; j < w; j++) if (data[i * w + j] === 0) return false;
    return true;
  };
  const cols = run(colFull, w, cj);
  const rows = run(rowFull, h, ci);
  // centred box: grow the half-widths one step at a time while the new border is sampled
  let up = 0;
  let down = 0;
  let left = 0;
  let right = 0;
  const ok = (i0: number, i1: number, j0: number, j1: number) => {
    if (i0 < 0 || j0 < 0 || i1 >= h || j1 >= w) return false;
    for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) if (data[i * w + j] === 0) return false;
    return true;
  };
  let boxArea = 0;
  if (data[ci * w + cj] !== 0) {
    boxArea = 1;
    for (let grew = true; grew; ) {
      grew = false;
      if (ok(ci - up - 1, ci - up - 1, cj - left, cj + right)) {
        up++;
        grew = true;
      }
      if (ok(ci + down + 1, ci + down + 1, cj - left, cj + right)) {
        down++;
        grew = true;
      }
      if (ok(ci - up, ci + down, cj - left - 1, cj - left - 1)) {
        left++;
        grew = true;
      }
      if (ok(ci - up, ci + down, cj + right + 1, cj + right + 1)) {
        right++;
        grew = true;
      }
    }
    boxArea = (up + down + 1) * (left + right + 1);
  }
  const candidates: [number, AcsRegion][] = [
    [cols[1] * h, { rows: [0, h], cols }],
    [rows[1] * w, { rows, cols: [0, w] }],
    [boxArea, { rows: [ci - up, up + down + 1], cols: [cj - left, left + right + 1] }],
  ];
  candidates.sort((a, b) => b[0] - a[0]);
  if (candidates[0]![0] === 0) throw new ScoresdeError('mri: the mask has no fully sampled calibration region at the k-space centre');
  return candidates[0]![1];
}
