/**
 * Random-ellipse phantoms, CT-like (the Shepp–Logan family, Shepp & Logan 1974; the random
 * variants used in learned-CT papers). Coordinates on [−1, 1]² (see raster.ts). Per phantom:
 *   skull  ellipse, centre jitter ±0.03, semi-axes a ∈ [0.62, 0.74], b ∈ [0.82, 0.94],
 *          angle ±0.1 rad, value 1
 *   brain  the same ellipse shrunk by d ∈ [0.04, 0.07] on each axis, value set to
 *          w ∈ [0.15, 0.35] (added: w − 1)
 *   K ∈ {3, …, 9} inner ellipses with centres inside the brain ellipse scaled by 0.75,
 *          semi-axes in [0.03, 0.25], any angle, added values in ±[0.05, 0.45]
 * then the image is clipped to [0, 1]. 4×4 supersampling per pixel.
 * Phantom i of a data set with seed s is drawn from `new Rng(s).fork('ellipse:' + i)`, so any
 * phantom can be regenerated alone.
 */
import { Rng, ScoresdeError, type DataBatch, type Dataset } from '@scoresde/core';
import { addRegion, clamp01, ellipseTest, diskBox } from './raster.js';

/** One n×n phantom (row-major, values in [0, 1]). */
export function ellipsePhantom(rng: Rng, n: number): Float32Array {
  const img = new Float32Array(n * n);
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.uniform();
  const cx = u(-0.03, 0.03);
  const cy = u(-0.03, 0.03);
  const a = u(0.62, 0.74);
  const b = u(0.82, 0.94);
  const th = u(-0.1, 0.1);
  addRegion(img, n, ellipseTest(cx, cy, a, b, th), 1, 4, diskBox(cx, cy, Math.max(a, b)));
  const d = u(0.04, 0.07);
  const w = u(0.15, 0.35);
  addRegion(img, n, ellipseTest(cx, cy, a - d, b - d, th), w - 1, 4, diskBox(cx, cy, Math.max(a, b)));
  const k = 3 + rng.int(7);
  for (let e = 0; e < k; e++) {
    // A point uniformly inside the brain ellipse scaled by 0.75.
    const r = 0.75 * Math.sqrt(rng.uniform());
    const phi = u(0, 2 * Math.PI);
    const lx = r * (a - d) * Math.cos(phi);
    const ly = r * (b - d) * Math.sin(phi);
    const ex = cx + lx * Math.cos(th) - ly * Math.sin(th);
    const ey = cy + lx * Math.sin(th) + ly * Math.cos(th);
    const ea = u(0.03, 0.25);
    const eb = u(0.03, 0.25);
    const sign = rng.uniform() < 0.5 ? -1 : 1;
    const val = sign * u(0.05, 0.45);
    addRegion(img, n, ellipseTest(ex, ey, ea, eb, u(0, Math.PI)), val, 4, diskBox(ex, ey, Math.max(ea, eb)));
  }
  return clamp01(img);
}

export interface SyntheticOptions {
  /** Image side (pixels). */
  imageSize: number;
  /** Number of samples (default 100 000: generated on demand, nothing is stored). */
  count?: number;
  seed?: number;
}

function checkSynthetic(name: string, o: SyntheticOptions, minSize: number): Required<SyntheticOptions> {
  const count = o.count ?? 100_000;
  const seed = o.seed ?? 0;
  if (!Number.isInteger(o.imageSize) || o.imageSize < minSize || o.imageSize > 4096) throw new ScoresdeError(`${name}: image size must be an integer in [${minSize}, 4096], got ${o.imageSize}`);
  if (!Number.isInteger(count) || count < 1) throw new ScoresdeError(`${name}: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(seed)) throw new ScoresdeError(`${name}: seed must be an integer, got ${seed}`);
  return { imageSize: o.imageSize, count, seed };
}

/** Random-ellipse phantoms as a Dataset ([H, W, 1], values in [0, 1]). */
export class EllipsesDataset implements Dataset {
  readonly size: number;
  readonly shape: [number, number, number];
  readonly description: string;
  readonly seed: number;

  constructor(opts: SyntheticOptions) {
    const o = checkSynthetic('ellipses', opts, 8);
    this.size = o.count;
    this.seed = o.seed;
    this.shape = [o.imageSize, o.imageSize, 1];
    this.description = `ellipses(size=${o.imageSize},count=${o.count},seed=${o.seed})`;
  }

  /** Phantom number i. */
  sample(i: number): Float32Array {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new ScoresdeError(`ellipses: index ${i} is outside 0..${this.size - 1}`);
    return ellipsePhantom(new Rng(this.seed).fork(`ellipse:${i}`), this.shape[0]);
  }

  batch(indices: ArrayLike<number>): DataBatch {
    const per = this.shape[0] * this.shape[1];
    const x = new Float32Array(indices.length * per);
    for (let k = 0; k < indices.length; k++) x.set(this.sample(indices[k]!), k * per);
    return { x };
  }
}
