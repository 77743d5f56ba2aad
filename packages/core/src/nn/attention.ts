/**
 * Self-attention over the H·W positions (layers.AttnBlock of DDPM, layerspp.AttnBlockpp):
 * h = GroupNorm(x); q, k, v = NIN(h); w = softmax(q·kᵀ / √C) over positions; out = NIN_3(w·v);
 * return x + out, or (x + out)/√2 with skip_rescale (NCSN++).
 */
import { tf, type Tensor } from '../tf.js';
import { GroupNorm } from './groupNorm.js';
import { NIN } from './linear.js';
import type { ParamStore } from './params.js';

export class AttnBlock {
  private readonly norm: GroupNorm;
  private readonly q: NIN;
  private readonly k: NIN;
  private readonly v: NIN;
  private readonly out: NIN;
  private readonly skipRescale: boolean;

  constructor(
    store: ParamStore,
    readonly prefix: string,
    readonly channels: number,
    opts: { groups: number; skipRescale: boolean; initScale: number },
  ) {
    this.norm = new GroupNorm(store, `${prefix}.GroupNorm_0`, opts.groups, channels);
    this.q = new NIN(store, `${prefix}.NIN_0`, channels, channels);
    this.k = new NIN(store, `${prefix}.NIN_1`, channels, channels);
    this.v = new NIN(store, `${prefix}.NIN_2`, channels, channels);
    this.out = new NIN(store, `${prefix}.NIN_3`, channels, channels, opts.initScale);
    this.skipRescale = opts.skipRescale;
  }

  apply(x: Tensor): Tensor {
    const [b, hh, ww, c] = x.shape as [number, number, number, number];
    const h = this.norm.apply(x);
    const q = tf.reshape(this.q.apply(h), [b, hh * ww, c]) as tf.Tensor3D;
    const k = tf.reshape(this.k.apply(h), [b, hh * ww, c]) as tf.Tensor3D;
    const v = tf.reshape(this.v.apply(h), [b, hh * ww, c]) as tf.Tensor3D;
    const w = tf.softmax(tf.mul(tf.matMul(q, k, false, true), Math.fround(c ** -0.5)));
    const o = this.out.apply(tf.reshape(tf.matMul(w as tf.Tensor3D, v), [b, hh, ww, c]));
    const s = tf.add(x, o);
    return this.skipRescale ? tf.div(s, Math.SQRT2) : s;
  }
}
