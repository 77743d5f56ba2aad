/**
 * nn.Linear (weight [out, in] in PyTorch, stored [in, out]; y = x·Wᵀ + b) and score_sde's
 * layers.NIN (W already [in, out]; y = x·W + b over the channel axis, i.e. a 1×1 conv).
 */
import { tf, type Tensor } from '../tf.js';
import { defaultInit, constInit } from './init.js';
import type { ParamStore } from './params.js';

export class Linear {
  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
    readonly inDim: number,
    readonly outDim: number,
  ) {
    const shape = [outDim, inDim];
    store.declare({ key: `${prefix}.weight`, torchShape: shape, layout: 'linear', trainable: true, init: defaultInit(shape) });
    store.declare({ key: `${prefix}.bias`, torchShape: [outDim], layout: 'plain', trainable: true, init: constInit(outDim, 0) });
  }

  /** x: [B, in] → [B, out]. */
  apply(x: Tensor): Tensor {
    return tf.add(tf.matMul(x as tf.Tensor2D, this.store.get(`${this.prefix}.weight`) as tf.Tensor2D), this.store.get(`${this.prefix}.bias`));
  }
}

export class NIN {
  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
    readonly inDim: number,
    readonly outDim: number,
    initScale = 0.1,
  ) {
    // variance_scaling on shape (in, out) with in_axis=1, out_axis=0, exactly as the reference.
    store.declare({ key: `${prefix}.W`, torchShape: [inDim, outDim], layout: 'plain', trainable: true, init: defaultInit([inDim, outDim], initScale) });
    store.declare({ key: `${prefix}.b`, torchShape: [outDim], layout: 'plain', trainable: true, init: constInit(outDim, 0) });
  }

  /** x: NHWC [B, H, W, in] → [B, H, W, out]. */
  apply(x: Tensor): Tensor {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    const y = tf.matMul(tf.reshape(x, [b * h * w, c]) as tf.Tensor2D, this.store.get(`${this.prefix}.W`) as tf.Tensor2D);
    return tf.reshape(tf.add(y, this.store.get(`${this.prefix}.b`)), [b, h, w, this.outDim]);
  }
}
