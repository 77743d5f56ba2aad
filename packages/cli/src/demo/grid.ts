/**
 * PNG grids of the demo. Reconstruction grid: one row per phantom, columns
 *   truth | naive baseline | TV | ours (posterior mean) | |ours − truth| | posterior std,
 * gray levels 0…1 → black…white for the images; the error and std columns are shown ×4
 * (0…0.25 → black…white) so that small values stay visible.
 */
import { writeFile } from 'node:fs/promises';
import { renderPng } from '../io/png.js';
import type { TaskResult } from './inverse.js';

export const GRID_COLUMNS = ['truth', 'naive', 'TV', 'ours (mean)', '|error| ×4', 'std ×4'] as const;
/** Display gain of the error and std columns. */
export const DETAIL_GAIN = 4;

export async function writeTaskGrid(path: string, r: TaskResult, P: number, H: number, W: number): Promise<void> {
  const d = H * W;
  const cols = GRID_COLUMNS.length;
  const stack = new Float32Array(P * cols * d);
  const { truth, naive, tv, ours, error, std } = r.images;
  const columns = [truth, naive, tv, ours, error.map((v) => v * DETAIL_GAIN), std.map((v) => v * DETAIL_GAIN)];
  for (let p = 0; p < P; p++) {
    columns.forEach((img, c) => stack.set(img.subarray(p * d, (p + 1) * d), (p * cols + c) * d));
  }
  await writeFile(path, await renderPng({ data: stack, shape: [P * cols, H, W, 1] }, { range: [0, 1], cols }));
}

/** Class-conditional grid: one row per class, `n` samples per row (rows are class-major). */
export async function writeClassGrid(path: string, samples: Float32Array, classes: number, n: number, H: number, W: number): Promise<void> {
  await writeFile(path, await renderPng({ data: samples, shape: [classes * n, H, W, 1] }, { range: [0, 1], cols: n }));
}
