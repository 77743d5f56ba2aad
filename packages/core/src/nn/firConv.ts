/**
 * up_or_down_sampling.Conv2d: a k×k convolution fused with FIR up- or down-sampling by 2
 * (StyleGAN2). PyTorch keys `<prefix>.weight` [O, I, k, k] and `<prefix>.bias` [O].
 *
 * up:   upsample_conv_2d = conv_transpose2d(x, flip(w), stride 2) (output 2H+k−2) followed by
 *       upfirdn2d(K·4, pad ((p+1)//2 + 1, p//2 + 1)), p = len(fir) − 2 − (k − 1).
 *       (K = outer(k, k)/sum², applied separably: k/sum per axis.)
 *       A stride-2 transposed convolution with the spatially flipped, I/O-swapped kernel is the
 *       full cross-correlation of the zero-inserted input with w, which is what we compute.
 * down: conv_downsample_2d = upfirdn2d(K, pad ((p+1)//2, p//2)), p = len(fir) − 2 + (k − 1),
 *       then conv2d(w, stride 2, no padding).
 * none: conv2d with padding k // 2.
 */
import { tf, type Tensor } from '../tf.js';
import { defaultInit, constInit } from './init.js';
import type { ParamStore } from './params.js';
import { setupKernel1d, upfirdn2dSeparable } from './upfirdn.js';

export class FirConv2d {
  private readonly k1d: Float32Array;

  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
    readonly inCh: number,
    readonly outCh: number,
    readonly kernel: number,
    readonly mode: 'up' | 'down' | 'none',
    readonly firKernel: number[],
    readonly useBias = true,
  ) {
    const shape = [outCh, inCh, kernel, kernel];
    store.declare({ key: `${prefix}.weight`, torchShape: shape, layout: 'conv', trainable: true, init: defaultInit(shape) });
    if (useBias) store.declare({ key: `${prefix}.bias`, torchShape: [outCh], layout: 'plain', trainable: true, init: constInit(outCh, 0) });
    this.k1d = setupKernel1d(firKernel);
  }

  apply(x: Tensor): Tensor {
    const w = this.store.get(`${this.prefix}.weight`) as tf.Tensor4D; // HWIO
    const kw = this.kernel;
    const nf = this.firKernel.length;
    let h: Tensor;
    if (this.mode === 'up') {
      const [b, hh, ww] = x.shape as [number, number, number, number];
      // conv2dTranspose(x, f) with f[ky,kx,o,i] = w[o,i,k−1−ky,k−1−kx]: tfjs filter layout [h, w, out, in].
      const f = tf.reverse(tf.transpose(w, [0, 1, 3, 2]), [0, 1]) as tf.Tensor4D;
      const t = tf.conv2dTranspose(x as tf.Tensor4D, f, [b, (hh - 1) * 2 + kw, (ww - 1) * 2 + kw, this.outCh], 2, 'valid');
      const p = nf - 2 - (kw - 1);
      h = upfirdn2dSeparable(t, this.k1d.map((v) => v * 2), 1, 1, Math.floor((p + 1) / 2) + 1, Math.floor(p / 2) + 1);
    } else if (this.mode === 'down') {
      const p = nf - 2 + (kw - 1);
      const y = upfirdn2dSeparable(x, this.k1d, 1, 1, Math.floor((p + 1) / 2), Math.floor(p / 2));
      h = tf.conv2d(y as tf.Tensor4D, w, 2, 'valid');
    } else {
      const p = Math.floor(kw / 2);
      h = tf.conv2d(x as tf.Tensor4D, w, 1, [[0, 0], [p, p], [p, p], [0, 0]]);
    }
    return this.useBias ? tf.add(h, this.store.get(`${this.prefix}.bias`)) : h;
  }
}
