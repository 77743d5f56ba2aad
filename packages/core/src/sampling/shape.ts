/** Shape checks shared by the samplers. */
import type { Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';

/** A batch shape [B, ...] with positive integer sizes. */
export function checkShape(shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.length < 2 || !shape.every((n) => Number.isInteger(n) && n > 0)) {
    throw new ScoresdeError(`sample shape must be [batch, ...] with positive integer sizes, got [${String(shape)}]`);
  }
}

/** `init` must have the requested shape. */
export function checkInit(init: Tensor, shape: readonly number[]): void {
  if (init.shape.length !== shape.length || init.shape.some((n, i) => n !== shape[i])) {
    throw new ScoresdeError(`initial state has shape [${init.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
}
