/**
 * 2-D convolution with DDPM initialisation (layers.ddpm_conv3x3 / ddpm_conv1x1): PyTorch
 * weight [O, I, k, k] stored HWIO, bias [O]. `padding` is symmetric zero padding as in
 * nn.Conv2d; NHWC in and out.
 */
import { tf, type Tensor } from '../tf.js';
import { defaultInit, constInit } from './init.js';
import type { ParamStore } from './params.js';

export interface Conv2dOptions {
  kernel?: number;
  stride?: number;
  /** Symmetric zero padding (default kernel // 2). */
  padding?: number;
  bias?: boolean;
  initScale?: number;
}

export class Conv2d {
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly bias: boolean;

  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
    readonly inCh: number,
    readonly outCh: number,
    opts: Conv2dOptions = {},
  ) {
    this.kernel = opts.kernel ?? 3;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? Math.floor(this.kernel / 2);
    this.bias = opts.bias ?? true;
    const shape = [outCh, inCh, this.kernel, this.kernel];
    store.declare({ key: `${prefix}.weight`, torchShape: shape, layout: 'conv', trainable: true, init: defaultInit(shape, opts.initScale ?? 1) });
    if (this.bias) store.declare({ key: `${prefix}.bias`, torchShape: [outCh], layout: 'plain', trainable: true, init: constInit(outCh, 0) });
  }

  apply(x: Tensor): Tensor {
    const w = this.store.get(`${this.prefix}.weight`) as tf.Tensor4D;
    const p = this.padding;
    const pad = p === 0 ? 'valid' : [[0, 0], [p, p], [p, p], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
    const h = tf.conv2d(x as tf.Tensor4D, w, this.stride, pad);
    return this.bias ? tf.add(h, this.store.get(`${this.prefix}.bias`)) : h;
  }
}

/** layers.ddpm_conv3x3: 3×3, padding 1. */
export function conv3x3(store: ParamStore, prefix: string, inCh: number, outCh: number, opts: Omit<Conv2dOptions, 'kernel'> = {}): Conv2d {
  return new Conv2d(store, prefix, inCh, outCh, { ...opts, kernel: 3 });
}

/** layers.ddpm_conv1x1: 1×1, no padding. */
export function conv1x1(store: ParamStore, prefix: string, inCh: number, outCh: number, opts: Omit<Conv2dOptions, 'kernel'> = {}): Conv2d {
  return new Conv2d(store, prefix, inCh, outCh, { padding: 0, ...opts, kernel: 1 });
}
