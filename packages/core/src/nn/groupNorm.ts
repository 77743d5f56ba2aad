/**
 * nn.GroupNorm on NHWC: per sample and group of C/G consecutive channels,
 * y = (x − mean) / √(var + eps) · γ + β with the biased variance. NCSN++ uses
 * G = min(C // 4, 32), DDPM G = 32; eps = 1e-6 throughout score_sde.
 */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { constInit } from './init.js';
import type { ParamStore } from './params.js';

export class GroupNorm {
  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
    readonly numGroups: number,
    readonly channels: number,
    readonly eps = 1e-6,
  ) {
    if (numGroups < 1 || channels % numGroups !== 0) {
      throw new ScoresdeError(`${prefix}: GroupNorm needs channels (${channels}) divisible by the number of groups (${numGroups})`);
    }
    store.declare({ key: `${prefix}.weight`, torchShape: [channels], layout: 'plain', trainable: true, init: constInit(channels, 1) });
    store.declare({ key: `${prefix}.bias`, torchShape: [channels], layout: 'plain', trainable: true, init: constInit(channels, 0) });
  }

  apply(x: Tensor): Tensor {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const g = this.numGroups;
    const xg = tf.reshape(x, [b, h, w, g, c / g]);
    // Two-pass moments sharing the centred tensor d (one full-size Sub instead of tf.moments' two).
    const d = tf.sub(xg, tf.mean(xg, [1, 2, 4], true));
    const variance = tf.mean(tf.square(d), [1, 2, 4], true);
    const y = tf.mul(d, tf.rsqrt(tf.add(variance, this.eps)));
    return tf.add(tf.mul(tf.reshape(y, [b, h, w, c]), this.store.get(`${this.prefix}.weight`)), this.store.get(`${this.prefix}.bias`));
  }
}

/** NCSN++'s group count: min(C // 4, 32). */
export function ncsnGroups(channels: number): number {
  return Math.min(Math.floor(channels / 4), 32);
}
