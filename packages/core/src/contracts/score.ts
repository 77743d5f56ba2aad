import type { Tensor } from '../tf.js';
import type { SDE } from './sde.js';

/**
 * Time argument for score functions: one number shared by the batch, or one per sample.
 */
export type TimeArg = number | Float32Array;

/** s(x, t) ≈ ∇ₓ log p_t(x); returns a tensor of x's shape. x is NHWC [B, H, W, C]. */
export type ScoreFn = (x: Tensor, t: TimeArg) => Tensor;

export interface ScoreModel {
  /** Shape of one sample, [H, W, C]. */
  readonly sampleShape: number[];
  /** The SDE the model's score is defined under. */
  readonly sde: SDE;
  score(x: Tensor, t: TimeArg): Tensor;
  dispose?(): void;
}

export function timeAt(t: TimeArg, i: number): number {
  return typeof t === 'number' ? t : t[i]!;
}
