/**
 * Coil sensitivity maps S_c for multi-coil MRI.
 *
 * Layout (host and .npy): float32 [coils, H, W, 2] — coil-major, (re, im) last — in the image
 * domain, the same pixel grid as the image. `CoilMaps.data` is that array in C order.
 *
 * Sources:
 * - a .npy file of that shape;
 * - `syntheticCoilMaps`: smooth maps for tests and demos (see there);
 * - `estimateCoilMaps`: from the fully sampled calibration (ACS) region of multi-coil k-space:
 *   each coil's ACS block, tapered by a separable Hann window, is zero-padded to H×W and inverse
 *   transformed (ifft2c) to a low-resolution coil image I_c; then
 *       S_c = I_c / sqrt(Σ_c |I_c|² + ε),   ε = 1e-6 · max_pixel Σ_c |I_c|²,
 *   i.e. the coil images normalised by their root-sum-of-squares (Σ_c |S_c|² ≈ 1 wherever there is
 *   signal). This is the classic low-resolution / "ACS RSS" estimate;
 * - `espiritMaps` (espirit.ts): ESPIRiT, sigpy's EspiritCalib steps and defaults.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ScoresdeError, parseNpy } from '@scoresde/core';
import { hostFft2c } from '../fft/hostFft2c.js';
import { espiritMaps, type EspiritOptions } from './espirit.js';

export interface CoilMaps {
  readonly coils: number;
  readonly h: number;
  readonly w: number;
  /** [coils, H, W, 2] float32, C order. */
  readonly data: Float32Array;
}

export function coilMapsFromArray(data: Float32Array, shape: readonly number[], h: number, w: number, name = 'coil maps'): CoilMaps {
  if (shape.length !== 4 || shape[1] !== h || shape[2] !== w || shape[3] !== 2 || shape[0]! < 1) {
    throw new ScoresdeError(`mri: ${name} have shape [${shape.join(', ')}], expected [coils, ${h}, ${w}, 2] for a ${h}×${w} image`);
  }
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) throw new ScoresdeError(`mri: ${name} contain a non-finite value at flat index ${i}`);
  }
  return { coils: shape[0]!, h, w, data };
}

async function readNpyFile(path: string, cwd: string, what: string): Promise<{ data: Float32Array; shape: number[] }> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  let buf: Buffer;
  try {
    buf = await readFile(full);
  } catch (e) {
    throw new ScoresdeError(`mri: cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseNpy(buf, { allowCast: true, name: `mri ${what} ${path}` });
}

export async function loadCoilMaps(path: string, cwd: string, h: number, w: number): Promise<CoilMaps> {
  const a = await readNpyFile(path, cwd, 'coil maps');
  return coilMapsFromArray(a.data, a.shape, h, w, `coil maps ${path}`);
}

/**
 * Smooth synthetic maps: coil c sits at angle α_c = 2πc/C on a circle of radius 1.5 around the
 * image (image coordinates u, v ∈ [−1, 1]); its raw sensitivity is a Biot–Savart-like fall-off
 *     m_c = 1 / (1 + |r − r_c|² / d²)^{3/2},  d = 1,
 * with a smooth phase φ_c = α_c + 0.5·π·(u·cos α_c + v·sin α_c); the maps are then normalised so
 * Σ_c |S_c|² = 1 at every pixel (as ESPIRiT-style maps are inside the object).
 */
export function syntheticCoilMaps(h: number, w: number, coils: number): CoilMaps {
  if (!Number.isInteger(coils) || coils < 1) throw new ScoresdeError(`mri: coils must be a positive integer, got ${coils}`);
  const data = new Float32Array(coils * h * w * 2);
  const raw = new Float64Array(coils * 2);
  for (let i = 0; i < h; i++) {
    for (let j = 0; j < w; j++) {
      const v = h > 1 ? (2 * i) / (h - 1) - 1 : 0;
      const u = w > 1 ? (2 * j) / (w - 1) - 1 : 0;
      let ss = 0;
      for (let c = 0; c < coils; c++) {
        const a = (2 * Math.PI * c) / coils;
        const du = u - 1.5 * Math.cos(a);
        const dv = v - 1.5 * Math.sin(a);
        const mag = 1 / Math.pow(1 + du * du + dv * dv, 1.5);
        const ph = a + 0.5 * Math.PI * (u * Math.cos(a) + v * Math.sin(a));
        raw[2 * c] = mag * Math.cos(ph);
        raw[2 * c + 1] = mag * Math.sin(ph);
        ss += mag * mag;
      }
      const norm = 1 / Math.sqrt(ss);
      for (let c = 0; c < coils; c++) {
        const o = ((c * h + i) * w + j) * 2;
        data[o] = raw[2 * c]! * norm;
        data[o + 1] = raw[2 * c + 1]! * norm;
      }
    }
  }
  return { coils, h, w, data };
}

export interface AcsRegion {
  /** First row and number of rows of the calibration block (centred layout). */
  rows: [number, number];
  cols: [number, number];
}

function hann(n: number): Float64Array {
  const out = new Float64Array(n);
  // periodic-free symmetric Hann that is > 0 at both ends: 0.5 − 0.5 cos(2π(k+1)/(n+1))
  for (let k = 0; k < n; k++) out[k] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (k + 1)) / (n + 1));
  return out;
}

/**
 * Estimate maps from multi-coil k-space `kspace` ([coils, H, W, 2], centred layout) whose block
 * `acs` is fully sampled (see the module comment for the formula).
 */
export function estimateCoilMaps(kspace: Float32Array, shape: readonly number[], acs: AcsRegion): CoilMaps {
  if (shape.length !== 4 || shape[3] !== 2) {
    throw new ScoresdeError(`mri: calibration k-space has shape [${shape.join(', ')}], expected [coils, H, W, 2]`);
  }
  const [C, H, W] = shape as [number, number, number, number];
  const [r0, nr] = acs.rows;
  const [c0, nc] = acs.cols;
  if (nr < 1 || nc < 1 || r0 < 0 || c0 < 0 || r0 + nr > H || c0 + nc > W) {
    throw new ScoresdeError(`mri: calibration region rows ${r0}+${nr}, cols ${c0}+${nc} does not fit ${H}×${W} k-space`);
  }
  const wr = hann(nr);
  const wc = hann(nc);
  // [1, H, W, 2C] interleaved coil planes, ACS block only
  const low = new Float64Array(H * W * 2 * C);
  for (let c = 0; c < C; c++) {
    for (let i = r0; i < r0 + nr; i++) {
      for (let j = c0; j < c0 + nc; j++) {
        const win = wr[i - r0]! * wc[j - c0]!;
        const s = ((c * H + i) * W + j) * 2;
        const d = (i * W + j) * 2 * C + 2 * c;
        low[d] = kspace[s]! * win;
        low[d + 1] = kspace[s + 1]! * win;
      }
    }
  }
  const img = new Float64Array(low.length);
  hostFft2c(low, img, [1, H, W, 2 * C], true);
  const rss2 = new Float64Array(H * W);
  let maxRss2 = 0;
  for (let p = 0; p < H * W; p++) {
    let s = 0;
    for (let k = 0; k < 2 * C; k++) s += img[p * 2 * C + k]! ** 2;
    rss2[p] = s;
    if (s > maxRss2) maxRss2 = s;
  }
  const eps = 1e-6 * maxRss2;
  const data = new Float32Array(C * H * W * 2);
  for (let p = 0; p < H * W; p++) {
    const inv = maxRss2 > 0 ? 1 / Math.sqrt(rss2[p]! + eps) : 0;
    for (let c = 0; c < C; c++) {
      data[(c * H * W + p) * 2] = img[p * 2 * C + 2 * c]! * inv;
      data[(c * H * W + p) * 2 + 1] = img[p * 2 * C + 2 * c + 1]! * inv;
    }
  }
  return { coils: C, h: H, w: W, data };
}

/** Read calibration k-space ([coils, H, W, 2] .npy) and estimate maps from its ACS block. */
export async function estimateCoilMapsFromFile(path: string, cwd: string, h: number, w: number, acs: AcsRegion): Promise<CoilMaps> {
  const a = await readNpyFile(path, cwd, 'calibration k-space');
  if (a.shape.length !== 4 || a.shape[1] !== h || a.shape[2] !== w || a.shape[3] !== 2) {
    throw new ScoresdeError(`mri: calibration k-space ${path} has shape [${a.shape.join(', ')}], expected [coils, ${h}, ${w}, 2]`);
  }
  return estimateCoilMaps(a.data, a.shape, acs);
}

/** Read calibration k-space ([coils, H, W, 2] .npy) and estimate ESPIRiT maps from its ACS block. */
export async function espiritMapsFromFile(path: string, cwd: string, h: number, w: number, acs: AcsRegion, o: EspiritOptions = {}): Promise<CoilMaps> {
  const a = await readNpyFile(path, cwd, 'calibration k-space');
  if (a.shape.length !== 4 || a.shape[1] !== h || a.shape[2] !== w || a.shape[3] !== 2) {
    throw new ScoresdeError(`mri: calibration k-space ${path} has shape [${a.shape.join(', ')}], expected [coils, ${h}, ${w}, 2]`);
  }
  return espiritMaps(a.data, a.shape, acs, o);
}
