/**
 * Peak signal-to-noise ratio and normalised MSE over all elements (float64):
 *   PSNR = 10·log10(R² / MSE), MSE = mean((ref − test)²), R = data range
 *   (default max(ref) − min(ref); skimage.metrics.peak_signal_noise_ratio with data_range=R);
 *   NMSE = ‖ref − test‖² / ‖ref‖²  (= skimage normalized_root_mse(…, 'euclidean')²).
 */
import { ScoresdeError } from '@scoresde/core';
import { checkPair, resolveRange, type ImageArray } from './image.js';

export function mse(ref: ImageArray, test: ImageArray): number {
  checkPair(ref, test, 'mse');
  let s = 0;
  for (let i = 0; i < ref.data.length; i++) s += (ref.data[i]! - test.data[i]!) ** 2;
  return s / ref.data.length;
}

export function psnr(ref: ImageArray, test: ImageArray, opts: { dataRange?: number } = {}): number {
  checkPair(ref, test, 'psnr');
  const r = resolveRange(ref, opts.dataRange, 'psnr');
  return 10 * Math.log10((r * r) / mse(ref, test));
}

export function nmse(ref: ImageArray, test: ImageArray): number {
  checkPair(ref, test, 'nmse');
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.data.length; i++) {
    num += (ref.data[i]! - test.data[i]!) ** 2;
    den += ref.data[i]! ** 2;
  }
  if (den === 0) throw new ScoresdeError('nmse: reference image is all zeros');
  return num / den;
}
