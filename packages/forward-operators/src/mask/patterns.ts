/**
 * Mask patterns on an H×W grid (1 = observed, 0 = missing), as `MaskArray`s:
 *  - random: exactly round(ratio·H·W) observed pixels (per channel: per H·W plane), chosen by a
 *    partial Fisher–Yates shuffle driven by `new Rng(seed)` — the same seed gives the same mask
 *    on every machine and backend;
 *  - box: the rectangle x ≤ col < x+w, y ≤ row < y+h is missing (x = column, y = row, from the
 *    top-left corner);
 *  - half: the named half (left, right, top, bottom) is missing; for odd sizes the missing half
 *    is the floor(W/2) (or floor(H/2)) columns (rows) on that side.
 */
import { Rng, ScoresdeError } from '@scoresde/core';
import type { MaskArray } from './maskOperator.js';

export function randomMask(h: number, w: number, channels: number, ratio: number, seed: number): MaskArray {
  if (!(ratio > 0 && ratio <= 1)) throw new ScoresdeError(`mask: ratio must be in (0, 1], got ${ratio}`);
  const rng = new Rng(seed);
  const n = h * w;
  const keep = Math.round(ratio * n);
  const data = new Float32Array(n * channels);
  const idx = new Int32Array(n);
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < n; i++) idx[i] = i;
    for (let i = 0; i < keep; i++) {
      const j = i + rng.int(n - i);
      const t = idx[i]!;
      idx[i] = idx[j]!;
      idx[j] = t;
      data[idx[i]! * channels + c] = 1;
    }
  }
  return { data, shape: [h, w, channels] };
}

export function boxMask(h: number, w: number, box: readonly number[]): MaskArray {
  const [x, y, bw, bh] = box as [number, number, number, number];
  if (box.length !== 4 || !box.every((v) => Number.isInteger(v))) {
    throw new ScoresdeError(`mask: box must be [x, y, w, h] integers, got ${JSON.stringify(box)}`);
  }
  if (x < 0 || y < 0 || bw <= 0 || bh <= 0 || x + bw > w || y + bh > h) {
    throw new ScoresdeError(`mask: box [${box.join(', ')}] (x, y, w, h) does not fit in the ${h}×${w} image`);
  }
  const data = new Float32Array(h * w).fill(1);
  for (let r = y; r < y + bh; r++) for (let c = x; c < x + bw; c++) data[r * w + c] = 0;
  return { data, shape: [h, w, 1] };
}

export const HALF_SIDES = ['left', 'right', 'top', 'bottom'] as const;
export type HalfSide = (typeof HALF_SIDES)[number];

export function halfMask(h: number, w: number, side: HalfSide): MaskArray {
  const data = new Float32Array(h * w).fill(1);
  const hw = Math.floor(w / 2);
  const hh = Math.floor(h / 2);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const missing =
        (side === 'left' && c < hw) || (side === 'right' && c >= w - hw) || (side === 'top' && r < hh) || (side === 'bottom' && r >= h - hh);
      if (missing) data[r * w + c] = 0;
    }
  }
  return { data, shape: [h, w, 1] };
}
