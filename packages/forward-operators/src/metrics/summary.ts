/** PSNR, SSIM and NMSE of one reference/test pair with one data range (what `scoresde metrics` prints). */
import type { ImageArray } from './image.js';
import { resolveRange } from './image.js';
import { nmse, psnr } from './psnr.js';
import { ssim } from './ssim.js';

export interface ImageMetrics {
  psnr: number;
  ssim: number;
  nmse: number;
  dataRange: number;
}

export function imageMetrics(ref: ImageArray, test: ImageArray, opts: { dataRange?: number } = {}): ImageMetrics {
  const dataRange = resolveRange(ref, opts.dataRange, 'metrics');
  return { psnr: psnr(ref, test, { dataRange }), ssim: ssim(ref, test, { dataRange }), nmse: nmse(ref, test), dataRange };
}
