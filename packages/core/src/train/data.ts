/**
 * What training reads: a finite, indexable set of images and a data order that is a pure
 * function of (seed, epoch), so a resumed run sees exactly the batches an uninterrupted one
 * would (no iterator state to save).
 *
 * Order: the stream of sample positions p = 0, 1, 2, … is cut into batches of `batchSize`
 * (batches may straddle epochs); position p is sample perm_e[p mod size] of epoch e = ⌊p/size⌋,
 * where perm_e is a Fisher–Yates shuffle driven by `new Rng(seed).fork('epoch:' + e)`.
 */
import { ScoresdeError } from '../errors.js';
import { Rng } from '../rng/rng.js';

export interface DataBatch {
  /** Images, NHWC float32, [indices.length, H, W, C] flattened. */
  x: Float32Array;
  /** Class labels, when the data set has them. */
  labels?: Int32Array;
}

export interface Dataset {
  /** Number of samples. */
  readonly size: number;
  /** One sample's shape [H, W, C]. */
  readonly shape: [number, number, number];
  /** Number of classes when the samples are labelled. */
  readonly numClasses?: number;
  /** A short description (kept in checkpoints; resume checks it). */
  readonly description: string;
  /** The samples at these indices (0 ≤ i < size), stacked. */
  batch(indices: ArrayLike<number>): Promise<DataBatch> | DataBatch;
}

/** A permutation of 0..size−1 for one epoch (Fisher–Yates on a seeded stream). */
export function epochPermutation(seed: number, epoch: number, size: number): Uint32Array {
  if (!Number.isInteger(size) || size < 1) throw new ScoresdeError(`data: a data set needs at least one sample, got size ${size}`);
  const rng = new Rng(seed).fork(`epoch:${epoch}`);
  const p = new Uint32Array(size);
  for (let i = 0; i < size; i++) p[i] = i;
  for (let i = size - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = p[i]!;
    p[i] = p[j]!;
    p[j] = tmp;
  }
  return p;
}

/** Seeded shuffling order: the sample indices of any batch number, cached per epoch. */
export class ShuffledOrder {
  private cache = new Map<number, Uint32Array>();
  constructor(
    readonly seed: number,
    readonly size: number,
    readonly batchSize: number,
  ) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ScoresdeError(`data: batch size must be a positive integer, got ${batchSize}`);
  }

  private perm(epoch: number): Uint32Array {
    let p = this.cache.get(epoch);
    if (!p) {
      p = epochPermutation(this.seed, epoch, this.size);
      this.cache.set(epoch, p);
      for (const k of this.cache.keys()) if (k < epoch - 1) this.cache.delete(k);
    }
    return p;
  }

  /** Indices of batch number `step` (0-based). */
  indices(step: number): Uint32Array {
    const out = new Uint32Array(this.batchSize);
    for (let i = 0; i < this.batchSize; i++) {
      const pos = step * this.batchSize + i;
      const epoch = Math.floor(pos / this.size);
      out[i] = this.perm(epoch)[pos - epoch * this.size]!;
    }
    return out;
  }

  /** Iterate batches' indices from `start` on (endless). */
  *from(start = 0): Generator<Uint32Array> {
    for (let s = start; ; s++) yield this.indices(s);
  }
}
