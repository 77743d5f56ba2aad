/**
 * Rendering arrays as 8-bit PNG: one image [H,W] / [H,W,C] or a stack [N,H,W,C] tiled in a grid.
 * Intensities map linearly from [lo, hi] to [0, 255] and are clipped: `range` gives lo/hi,
 * `window` gives a CT window as centre/width (lo = c − w/2, hi = c + w/2); by default lo/hi are the
 * array's min/max. Complex images (C = 2) are shown as magnitude.
 */
import sharp from 'sharp';
import { ScoresdeError, type NdArrayF32 } from '@scoresde/core';

export interface PngOptions {
  range?: [number, number];
  window?: [number, number];
  /** Grid columns for stacks (default ⌈√N⌉). */
  cols?: number;
  /** Gap between tiles in pixels (default 2). */
  gap?: number;
}

export async function renderPng(a: NdArrayF32, opts: PngOptions = {}): Promise<Buffer> {
  let s = a.shape;
  if (s.length === 2) s = [1, s[0]!, s[1]!, 1];
  else if (s.length === 3) s = [1, ...s];
  if (s.length !== 4) throw new ScoresdeError(`png: expected [H,W], [H,W,C] or [N,H,W,C], got [${a.shape.join(', ')}]`);
  const [N, H, W, C] = s as [number, number, number, number];
  if (![1, 2, 3].includes(C)) throw new ScoresdeError(`png: ${C} channels cannot be shown (1 gray, 2 complex magnitude, 3 RGB)`);
  const outC = C === 3 ? 3 : 1;
  const value = (n: number, y: number, x: number, c: number): number => {
    const base = ((n * H + y) * W + x) * C;
    if (C === 2) return Math.hypot(a.data[base]!, a.data[base + 1]!);
    return a.data[base + c]!;
  };
  let lo: number;
  let hi: number;
  if (opts.window) [lo, hi] = [opts.window[0] - opts.window[1] / 2, opts.window[0] + opts.window[1] / 2];
  else if (opts.range) [lo, hi] = opts.range;
  else {
    lo = Infinity;
    hi = -Infinity;
    for (let n = 0; n < N; n++) for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < outC; c++) {
      const v = value(n, y, x, c);
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(hi > lo)) hi = lo + 1;
  const cols = Math.max(1, Math.min(N, opts.cols ?? Math.ceil(Math.sqrt(N))));
  const rows = Math.ceil(N / cols);
  const gap = N > 1 ? (opts.gap ?? 2) : 0;
  const GW = cols * W + (cols - 1) * gap;
  const GH = rows * H + (rows - 1) * gap;
  const buf = Buffer.alloc(GW * GH * outC);
  for (let n = 0; n < N; n++) {
    const oy = Math.floor(n / cols) * (H + gap);
    const ox = (n % cols) * (W + gap);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < outC; c++) {
      const v = (value(n, y, x, c) - lo) / (hi - lo);
      buf[((oy + y) * GW + ox + x) * outC + c] = Math.round(255 * Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0)));
    }
  }
  const img = sharp(buf, { raw: { width: GW, height: GH, channels: outC as 1 | 3 } });
  return (outC === 1 ? img.toColourspace('b-w') : img).png().toBuffer();
}
