/**
 * nn.GroupNorm on NHWC: per sample and group of C/G consecutive channels,
 * y = (x − mean) / √(var + eps) · γ + β with the biased variance. NCSN++ uses
 * G = min(C // 4, 32), DDPM G = 32; eps = 1e-6 throughout score_sde.
 */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import { constInit } from './init.js';
import type { ParamStore } from './params.js';
import type { Activation } from './activation.js';
import { groupNormSilu } from '../engine/webgpu/groupNormSilu.js';

let fusedOnWebgpu = true;

/** Use the fused GroupNorm + SiLU kernel on webgpu (default) or the composite ops (comparisons). */
export function setFusedGroupNormAct(on: boolean): void {
  fusedOnWebgpu = on;
}

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

  /**
   * act(GroupNorm(x)). On webgpu with SiLU (swish) one fused kernel (engine/webgpu/groupNormSilu.ts)
   * replaces the composite's ten-odd dispatches; elsewhere the two ops run in turn.
   */
  applyAct(x: Tensor, act: Activation): Tensor {
    if (fusedOnWebgpu && act.kind === 'swish' && tf.getBackend() === 'webgpu' && x.shape.length === 4) {
      return groupNormSilu(x, this.store.get(`${this.prefix}.weight`), this.store.get(`${this.prefix}.bias`), this.numGroups, this.eps);
    }
    return act(this.apply(x));
  }

  apply(x: Tensor): Tensor {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const g = this.numGroups;
    const cg = c / g;
    const n = h * w * cg;
    // [B, HW, G, C/G]: reduce the contiguous channel axis first, then the (now small) spatial axis,
    // so no full-size transpose is needed; two passes (mean, then variance of the centred d); the
    // affine γ is folded into the per-group scale.
    const xg = tf.reshape(x, [b, h * w, g, cg]);
    const groupMean = (t: Tensor) => tf.div(tf.sum(tf.sum(t, 3, true), 1, true), n);
    const d = tf.sub(xg, groupMean(xg));
    const inv = tf.rsqrt(tf.add(groupMean(tf.square(d)), this.eps)); // [B, 1, G, 1]
    const scale = tf.mul(inv, tf.reshape(this.store.get(`${this.prefix}.weight`), [1, 1, g, cg]));
    const y = tf.add(tf.mul(d, scale), tf.reshape(this.store.get(`${this.prefix}.bias`), [1, 1, g, cg]));
    return tf.reshape(y, [b, h, w, c]);
  }
}

/** NCSN++'s group count: min(C // 4, 32). */
export function ncsnGroups(channels: number): number {
  return Math.min(Math.floor(channels / 4), 32);
}
