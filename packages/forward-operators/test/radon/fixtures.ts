/** Loading the skimage fixtures made by fixtures/make_radon_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNpy, type NdArrayF32 } from '@scoresde/core';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface RadonCase {
  n: number;
  theta: number[];
  circle: boolean;
  detectors: number;
  phantom: string;
  sino: string;
  fbp?: string;
}

export interface RadonFixtures {
  skimage: string;
  cases: Record<string, RadonCase>;
  fbp256_ramp_psnr: number;
  psnr_data_range: number;
  timing_256_180: { radon_s: number; iradon_s: number; total_s: number };
}

export const fixtures = JSON.parse(readFileSync(dir + 'radon_fixtures.json', 'utf8')) as RadonFixtures;

export function npy(name: string): NdArrayF32 {
  return parseNpy(readFileSync(dir + name), { name });
}

/** ‖a − b‖ / ‖b‖ in float64. */
export function relL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** PSNR in dB of `test` against `ref` with the given data range. */
export function psnr(ref: ArrayLike<number>, test: ArrayLike<number>, range: number): number {
  let mse = 0;
  for (let i = 0; i < ref.length; i++) mse += (ref[i]! - test[i]!) ** 2;
  mse /= ref.length;
  return 10 * Math.log10((range * range) / mse);
}
