/**
 * Build a k-space mask from operator parameters (see `MRI_MASK_KINDS`), or read one from .npy.
 *
 * .npy masks: float32 (or any numeric dtype) 0/1 values, shape [H, W], [H, W, 1], [1, H, W] or [1, H, W, 1]
 * (2-D, centred layout like fft2c), or [n] (1-D line mask along the phase-encode axis).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ScoresdeError, parseNpy } from '@scoresde/core';
import { lineMaskTo2d, makeMask, checkAcceleration, type KspaceMask, type PhaseAxis } from './kspaceMask.js';
import { randomLineMask, equispacedLineMask, equispacedFractionLineMask } from './cartesian.js';
import { gaussianVariableDensityMask } from './variableDensity.js';
import { poissonDiscMask } from './poissonDisc.js';
import { radialMask } from './radial.js';

export const MRI_MASK_KINDS = ['random', 'equispaced', 'equispaced-fraction', 'gaussian', 'poisson', 'radial', 'full', 'file'] as const;
export type MriMaskKind = (typeof MRI_MASK_KINDS)[number];

export interface MaskSpec {
  kind: MriMaskKind;
  acceleration: number;
  centerFraction: number;
  seed: number;
  axis: PhaseAxis;
  /** equispaced masks: first sampled line (default random). */
  offset?: number;
  /** radial: number of spokes (default: enough to reach the acceleration). */
  spokes?: number;
  golden?: boolean;
  /** gaussian: density width; poisson: variable-density strength. */
  vdSigma?: number;
  vdStrength?: number;
  /** file: path of the .npy (resolved against `cwd`). */
  file?: string;
}

export function buildMask(h: number, w: number, spec: MaskSpec): KspaceMask {
  const base = { acceleration: spec.acceleration, centerFraction: spec.centerFraction, seed: spec.seed, offset: spec.offset };
  const n = spec.axis === 'w' ? w : h;
  checkAcceleration(spec.acceleration);
  switch (spec.kind) {
    case 'random':
      return makeMask(h, w, lineMaskTo2d(randomLineMask({ ...base, n }), h, w, spec.axis));
    case 'equispaced':
      return makeMask(h, w, lineMaskTo2d(equispacedLineMask({ ...base, n }), h, w, spec.axis));
    case 'equispaced-fraction':
      return makeMask(h, w, lineMaskTo2d(equispacedFractionLineMask({ ...base, n }), h, w, spec.axis));
    case 'gaussian':
      return makeMask(h, w, gaussianVariableDensityMask({ ...base, h, w, sigma: spec.vdSigma }));
    case 'poisson':
      return makeMask(h, w, poissonDiscMask({ ...base, h, w, density: spec.vdStrength }));
    case 'radial':
      return makeMask(h, w, radialMask({ h, w, spokes: spec.spokes, acceleration: spec.acceleration, golden: spec.golden }));
    case 'full':
      return makeMask(h, w, new Float32Array(h * w).fill(1));
    case 'file':
      throw new ScoresdeError("mri: mask 'file' is read with loadMaskFile (asynchronous)");
    default:
      throw new ScoresdeError(`mri: unknown mask '${String(spec.kind)}' (choose from ${MRI_MASK_KINDS.join(', ')})`);
  }
}

/** Turn parsed .npy data into a mask for an H×W grid. */
export function maskFromArray(data: Float32Array, shape: number[], h: number, w: number, axis: PhaseAxis, name: string): KspaceMask {
  const s =
    shape.length === 4 && shape[0] === 1 && shape[3] === 1
      ? [shape[1]!, shape[2]!]
      : shape.length === 3 && shape[2] === 1
        ? [shape[0]!, shape[1]!]
        : shape.length === 3 && shape[0] === 1
          ? [shape[1]!, shape[2]!]
          : shape;
  if (s.length === 1) return makeMask(h, w, lineMaskTo2d(checked01(data, name), h, w, axis), name);
  if (s.length === 2 && s[0] === h && s[1] === w) return makeMask(h, w, Float32Array.from(data), name);
  throw new ScoresdeError(`${name}: mask shape [${shape.join(', ')}] does not fit the ${h}×${w} image (want [${h}, ${w}] or a 1-D line mask of ${axis === 'w' ? w : h})`);
}

function checked01(d: Float32Array, name: string): Float32Array {
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== 0 && d[i] !== 1) throw new ScoresdeError(`${name}: values must be 0 or 1 (found ${d[i]} at flat index ${i})`);
  }
  return d;
}

export async function loadMaskFile(path: string, cwd: string, h: number, w: number, axis: PhaseAxis): Promise<KspaceMask> {
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  let buf: Buffer;
  try {
    buf = await readFile(full);
  } catch (e) {
    throw new ScoresdeError(`mri: cannot read mask ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const arr = parseNpy(buf, { allowCast: true, name: `mri mask ${path}` });
  return maskFromArray(arr.data, arr.shape, h, w, axis, `mri mask ${path}`);
}
