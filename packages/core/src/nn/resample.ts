/**
 * Stand-alone resampling layers.
 * - NCSN++ (layerspp.Upsample / Downsample): without FIR, nearest ×2 then optional Conv_0 (3×3),
 *   or optional Conv_0 (3×3, stride 2) after padding (0,1,0,1) / else 2×2 average pooling;
 *   with FIR, FirConv2d `Conv2d_0` (with_conv) or plain FIR up/down-sampling.
 * - DDPM (layers.Upsample / Downsample) are the non-FIR cases with in = out channels.
 */
import { tf, type Tensor } from '../tf.js';
import { Conv2d, conv3x3 } from './conv.js';
import { FirConv2d } from './firConv.js';
import type { ParamStore } from './params.js';
import { downsample2d, naiveDownsample2d, naiveUpsample2d, upsample2d } from './upfirdn.js';

export interface ResampleOptions {
  withConv: boolean;
  fir: boolean;
  firKernel: number[];
}

export class Upsample {
  private readonly conv?: Conv2d;
  private readonly firConv?: FirConv2d;

  constructor(
    store: ParamStore,
    readonly prefix: string,
    inCh: number,
    outCh: number,
    readonly opts: ResampleOptions,
  ) {
    if (opts.withConv && !opts.fir) this.conv = conv3x3(store, `${prefix}.Conv_0`, inCh, outCh);
    if (opts.withConv && opts.fir) this.firConv = new FirConv2d(store, `${prefix}.Conv2d_0`, inCh, outCh, 3, 'up', opts.firKernel);
  }

  apply(x: Tensor): Tensor {
    if (!this.opts.fir) {
      const h = naiveUpsample2d(x, 2);
      return this.conv ? this.conv.apply(h) : h;
    }
    return this.firConv ? this.firConv.apply(x) : upsample2d(x, this.opts.firKernel, 2);
  }
}

export class Downsample {
  private readonly conv?: Conv2d;
  private readonly firConv?: FirConv2d;

  constructor(
    store: ParamStore,
    readonly prefix: string,
    inCh: number,
    outCh: number,
    readonly opts: ResampleOptions,
  ) {
    if (opts.withConv && !opts.fir) this.conv = conv3x3(store, `${prefix}.Conv_0`, inCh, outCh, { stride: 2, padding: 0 });
    if (opts.withConv && opts.fir) this.firConv = new FirConv2d(store, `${prefix}.Conv2d_0`, inCh, outCh, 3, 'down', opts.firKernel);
  }

  apply(x: Tensor): Tensor {
    if (!this.opts.fir) {
      if (this.conv) return this.conv.apply(tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]]));
      return naiveDownsample2d(x, 2);
    }
    return this.firConv ? this.firConv.apply(x) : downsample2d(x, this.opts.firKernel, 2);
  }
}
