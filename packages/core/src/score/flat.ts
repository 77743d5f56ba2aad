/** Batch reshaping between NHWC [B, H, W, C] and flat [B, d] with shape checks. */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';

export function flatten(x: Tensor, sampleShape: readonly number[], who: string): Tensor {
  const ok = x.rank === sampleShape.length + 1 && sampleShape.every((s, i) => x.shape[i + 1] === s);
  if (!ok) throw new ScoresdeError(`${who}: expected x of shape [B, ${sampleShape.join(', ')}], got [${x.shape.join(', ')}]`);
  const d = sampleShape.reduce((a, b) => a * b, 1);
  return tf.reshape(x, [x.shape[0]!, d]);
}

export function unflatten(x: Tensor, sampleShape: readonly number[]): Tensor {
  return tf.reshape(x, [x.shape[0]!, ...sampleShape]);
}
