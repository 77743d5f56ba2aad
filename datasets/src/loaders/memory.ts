/** A Dataset over an in-memory NHWC float32 stack (optionally labelled). */
import { ScoresdeError, type DataBatch, type Dataset } from '@scoresde/core';

export class InMemoryDataset implements Dataset {
  readonly size: number;
  readonly numClasses?: number;

  constructor(
    readonly data: Float32Array,
    readonly shape: [number, number, number],
    readonly description: string,
    readonly labels?: Int32Array,
  ) {
    const per = shape[0] * shape[1] * shape[2];
    if (per === 0 || data.length % per !== 0) throw new ScoresdeError(`${description}: ${data.length} values are not a whole number of ${shape.join('×')} samples`);
    this.size = data.length / per;
    if (this.size === 0) throw new ScoresdeError(`${description}: no samples`);
    if (labels) {
      if (labels.length !== this.size) throw new ScoresdeError(`${description}: ${labels.length} labels for ${this.size} samples`);
      this.numClasses = Math.max(...labels) + 1;
    }
  }

  batch(indices: ArrayLike<number>): DataBatch {
    const per = this.shape[0] * this.shape[1] * this.shape[2];
    const x = new Float32Array(indices.length * per);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k]!;
      if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new ScoresdeError(`${this.description}: index ${i} is outside 0..${this.size - 1}`);
      x.set(this.data.subarray(i * per, (i + 1) * per), k * per);
    }
    if (!this.labels) return { x };
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) labels[k] = this.labels[indices[k]!]!;
    return { x, labels };
  }
}
