/** One-line refusal of non-finite input before an ODE solve. */
import type { Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';

export async function assertFiniteTensor(x: Tensor, what: string): Promise<void> {
  const v = await x.data();
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new ScoresdeError(`${what} has a non-finite value (${v[i]}) at element ${i}`);
  }
}
