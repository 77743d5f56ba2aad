/**
 * Residual blocks with time conditioning (NHWC).
 *
 * Common body: h = Conv_0(act(GN_0(x))) [+ Dense_0(act(temb)) per channel];
 * h = Conv_1(Dropout(act(GN_1(h)))); out = shortcut(x) + h.
 * - ResnetBlockDDPM (layers, DDPM): GN with 32 groups; shortcut NIN_0 (or Conv_2 3×3 with
 *   conv_shortcut) when in ≠ out; no rescale.
 * - ResnetBlockDDPMpp (layerspp): GN groups min(C//4, 32); same shortcut; out/√2 with skip_rescale.
 * - ResnetBlockBigGANpp (layerspp): optional up/down of both h (after act(GN_0)) and x, by FIR
 *   (upsample_2d / downsample_2d) or naive (nearest / 2×2 mean); shortcut Conv_2 (1×1) when
 *   in ≠ out or resampling; out/√2 with skip_rescale.
 */
import { tf, type Tensor } from '../tf.js';
import type { Activation } from './activation.js';
import { Conv2d, conv1x1, conv3x3 } from './conv.js';
import type { ForwardContext } from './context.js';
import { Dropout } from './dropout.js';
import { GroupNorm, ncsnGroups } from './groupNorm.js';
import { Linear, NIN } from './linear.js';
import type { ParamStore } from './params.js';
import { downsample2d, naiveDownsample2d, naiveUpsample2d, upsample2d } from './upfirdn.js';

export interface ResBlockOptions {
  act: Activation;
  inCh: number;
  outCh?: number;
  /** Width of the time embedding; undefined for unconditional networks. */
  tembDim?: number;
  dropout: number;
}

export type ResBlockKind = 'ddpm' | 'ddpmpp' | 'biggan';

export class ResnetBlock {
  private readonly gn0: GroupNorm;
  private readonly conv0: Conv2d;
  private readonly dense0?: Linear;
  private readonly gn1: GroupNorm;
  private readonly drop: Dropout;
  private readonly conv1: Conv2d;
  private readonly nin?: NIN;
  private readonly convSkip?: Conv2d;
  readonly outCh: number;
  private readonly act: Activation;
  private readonly skipRescale: boolean;
  private readonly up: boolean;
  private readonly down: boolean;
  private readonly fir: boolean;
  private readonly firKernel: number[];

  constructor(
    store: ParamStore,
    readonly prefix: string,
    readonly kind: ResBlockKind,
    o: ResBlockOptions & {
      skipRescale?: boolean;
      initScale?: number;
      convShortcut?: boolean;
      up?: boolean;
      down?: boolean;
      fir?: boolean;
      firKernel?: number[];
    },
  ) {
    const inCh = o.inCh;
    const outCh = (this.outCh = o.outCh ?? inCh);
    this.act = o.act;
    this.skipRescale = kind === 'ddpm' ? false : (o.skipRescale ?? kind === 'biggan');
    this.up = !!o.up;
    this.down = !!o.down;
    this.fir = !!o.fir;
    this.firKernel = o.firKernel ?? [1, 3, 3, 1];
    const groups = (c: number) => (kind === 'ddpm' ? 32 : ncsnGroups(c));
    const initScale = kind === 'ddpm' ? 0 : (o.initScale ?? 0);
    this.gn0 = new GroupNorm(store, `${prefix}.GroupNorm_0`, groups(inCh), inCh);
    this.conv0 = conv3x3(store, `${prefix}.Conv_0`, inCh, outCh);
    if (o.tembDim !== undefined) this.dense0 = new Linear(store, `${prefix}.Dense_0`, o.tembDim, outCh);
    this.gn1 = new GroupNorm(store, `${prefix}.GroupNorm_1`, groups(outCh), outCh);
    this.drop = new Dropout(o.dropout, `${prefix}.Dropout_0`);
    this.conv1 = conv3x3(store, `${prefix}.Conv_1`, outCh, outCh, { initScale });
    if (kind === 'biggan') {
      if (inCh !== outCh || this.up || this.down) this.convSkip = conv1x1(store, `${prefix}.Conv_2`, inCh, outCh);
    } else if (inCh !== outCh) {
      if (o.convShortcut) this.convSkip = conv3x3(store, `${prefix}.Conv_2`, inCh, outCh);
      else this.nin = new NIN(store, `${prefix}.NIN_0`, inCh, outCh);
    }
  }

  private resample(x: Tensor): Tensor {
    if (this.up) return this.fir ? upsample2d(x, this.firKernel, 2) : naiveUpsample2d(x, 2);
    if (this.down) return this.fir ? downsample2d(x, this.firKernel, 2) : naiveDownsample2d(x, 2);
    return x;
  }

  apply(x: Tensor, temb: Tensor | undefined, ctx: ForwardContext): Tensor {
    let h = this.gn0.applyAct(x, this.act);
    let skip = x;
    if (this.kind === 'biggan') {
      h = this.resample(h);
      skip = this.resample(x);
    }
    h = this.conv0.apply(h);
    if (temb && this.dense0) {
      const d = this.dense0.apply(this.act(temb));
      h = tf.add(h, tf.reshape(d, [d.shape[0]!, 1, 1, this.outCh]));
    }
    h = this.gn1.applyAct(h, this.act);
    h = this.drop.apply(h, ctx);
    h = this.conv1.apply(h);
    if (this.convSkip) skip = this.convSkip.apply(skip);
    else if (this.nin) skip = this.nin.apply(skip);
    const s = tf.add(skip, h);
    return this.skipRescale ? tf.div(s, Math.SQRT2) : s;
  }
}
