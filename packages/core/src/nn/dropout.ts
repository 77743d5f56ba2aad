/**
 * nn.Dropout: identity in eval mode; in training, zero each element with probability p and
 * scale the survivors by 1/(1 − p). Masks come from tfjs' seeded uniform generator; each layer
 * mixes its own name into the context seed so layers draw different masks.
 */
import { tf, type Tensor } from '../tf.js';
import type { ForwardContext } from './context.js';

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class Dropout {
  private readonly salt: number;
  constructor(
    readonly rate: number,
    name: string,
  ) {
    this.salt = hash(name);
  }

  apply(x: Tensor, ctx: ForwardContext): Tensor {
    if (!ctx.training || this.rate <= 0) return x;
    const seed = ctx.dropoutSeed === undefined ? undefined : ((ctx.dropoutSeed >>> 0) ^ this.salt) % 2147483647;
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.rate), 'float32');
    return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
  }
}
