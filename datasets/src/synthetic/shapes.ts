/**
 * "Shapes": one filled shape on a black background, labelled
 *   0 disk, 1 square, 2 triangle (equilateral), 3 ring (annulus).
 * On [−1, 1]² (see raster.ts): circumradius r ∈ [0.3, 0.6] (square: half-diagonal; triangle:
 * circumradius), centre uniform with |cx|, |cy| ≤ 0.95 − r, random rotation (square, triangle),
 * ring inner radius ∈ [0.45, 0.7]·r, intensity ∈ [0.4, 1]. 4×4 supersampling, values in [0, 1].
 * Sample i has label i mod 4 (so any 4 consecutive indices are balanced) and is drawn from
 * `new Rng(seed).fork('shape:' + i)`.
 */
import { Rng, ScoresdeError, type DataBatch, type Dataset } from '@scoresde/core';
import { addRegion, diskBox } from './raster.js';

export const SHAPE_CLASSES = ['disk', 'square', 'triangle', 'ring'] as const;

/** One n×n image of class `label`. */
export function shapeImage(rng: Rng, n: number, label: number): Float32Array {
  if (!Number.isInteger(label) || label < 0 || label > 3) throw new ScoresdeError(`shapes: label must be 0..3, got ${label}`);
  const img = new Float32Array(n * n);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const r = u(0.3, 0.6);
  const cx = u(-(0.95 - r), 0.95 - r);
  const cy = u(-(0.95 - r), 0.95 - r);
  const th = u(0, 2 * Math.PI);
  const value = u(0.4, 1);
  const inner = u(0.45, 0.7) * r;
  const box = diskBox(cx, cy, r);
  let inside: (x: number, y: number) => boolean;
  if (label === 0) inside = (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  else if (label === 3) inside = (x, y) => {
    const d2 = (x - cx) ** 2 + (y - cy) ** 2;
    return d2 <= r * r && d2 >= inner * inner;
  };
  else if (label === 1) {
    const h = r / Math.SQRT2;
    const c = Math.cos(th);
    const s = Math.sin(th);
    inside = (x, y) => {
      const dx = x - cx;
      const dy = y - cy;
      return Math.abs(dx * c + dy * s) <= h && Math.abs(-dx * s + dy * c) <= h;
    };
  } else {
    // Equilateral triangle: inside when on the inner side of the three edges (inradius r/2).
    const normals = [0, 1, 2].map((k) => th + (2 * Math.PI * k) / 3);
    inside = (x, y) => normals.every((a) => (x - cx) * Math.cos(a) + (y - cy) * Math.sin(a) <= r / 2);
  }
  addRegion(img, n, inside, value, 4, box);
  return img;
}

export interface ShapesOptions {
  imageSize: number;
  /** Number of samples (default 100 000, generated on demand). */
  count?: number;
  seed?: number;
}

/** Labelled shapes as a Dataset ([H, W, 1], values in [0, 1], labels 0..3). */
export class ShapesDataset implements Dataset {
  readonly size: number;
  readonly shape: [number, number, number];
  readonly numClasses = 4;
  readonly description: string;
  readonly seed: number;

  constructor(opts: ShapesOptions) {
    const count = opts.count ?? 100_000;
    const seed = opts.seed ?? 0;
    if (!Number.isInteger(opts.imageSize) || opts.imageSize < 8 || opts.imageSize > 4096) throw new ScoresdeError(`shapes: image size must be an integer in [8, 4096], got ${opts.imageSize}`);
    if (!Number.isInteger(count) || count < 1) throw new ScoresdeError(`shapes: count must be a positive integer, got ${count}`);
    if (!Number.isInteger(seed)) throw new ScoresdeError(`shapes: seed must be an integer, got ${seed}`);
    this.size = count;
    this.seed = seed;
    this.shape = [opts.imageSize, opts.imageSize, 1];
    this.description = `shapes(size=${opts.imageSize},count=${count},seed=${seed})`;
  }

  label(i: number): number {
    return i % 4;
  }

  sample(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new ScoresdeError(`shapes: index ${i} is outside 0..${this.size - 1}`);
    return shapeImage(new Rng(this.seed).fork(`shape:${i}`), this.shape[0], this.label(i));
  }

  batch(indices: ArrayLike<number>): DataBatch {
    const per = this.shape[0] * this.shape[1];
    const x = new Float32Array(indices.length * per);
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      x.set(this.sample(indices[k]!), k * per);
      labels[k] = this.label(indices[k]!);
    }
    return { x, labels };
  }
}
