/**
 * Gaussian blur y = h ∗ x (2-D convolution per channel, NHWC), the forward model of deblurring:
 *   y[i, j] = Σ_{a,b=−r..r} h[a, b]·x̃[i − a, j − b]
 * where x̃ extends x past its border by zeros (`boundary: 'zero'`) or by repeating the edge pixel
 * (`boundary: 'replicate'`). Written as A = C∘E with E the extension by r pixels (zero pad or edge
 * replication) and C the 'valid' convolution, the exact adjoint is Aᵀ = Eᵀ∘Cᵀ: Cᵀ is the 'full'
 * correlation of y (zero-padded by 2r) with h (convolution with the flipped kernel), Eᵀ crops (zero)
 * or folds the r border rows/columns back onto the edge pixel they copied (replicate).
 * Channels are folded into the batch so a single-channel conv2d does the work (its gradient,
 * Conv2DBackpropInput, exists on every backend).
 */
import type { ForwardOperator, NoiseModel, PluginApi, Tensor } from '@scoresde/core';
import { ScoresdeError } from '@scoresde/core';
import { gaussianKernel2d } from './kernel.js';

type TF = PluginApi['tf'];
export type Boundary = 'zero' | 'replicate';

export interface BlurOptions {
  sigma: number;
  size: number;
  boundary: Boundary;
  noise: NoiseModel;
}

export class BlurOperator implements ForwardOperator {
  readonly name = 'blur';
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise: NoiseModel;
  private readonly r: number;
  /** kernel for conv2d (a correlation): flipped h, so that conv2d computes h ∗ x */
  private readonly kConv: Tensor;
  /** h itself: correlation with h is the adjoint of convolution with h */
  private readonly kCorr: Tensor;

  constructor(
    private readonly tf: TF,
    inputShape: number[],
    readonly opts: BlurOptions,
  ) {
    if (inputShape.length !== 3 || !inputShape.every((v) => Number.isInteger(v) && v > 0)) {
      throw new ScoresdeError(`blur: input shape must be [H, W, C], got [${inputShape.join(', ')}]`);
    }
    const h = gaussianKernel2d(opts.sigma, opts.size);
    const n = opts.size;
    const flipped = new Float32Array(n * n);
    for (let i = 0; i < n * n; i++) flipped[i] = h[n * n - 1 - i]!;
    this.kConv = tf.tensor4d(flipped, [n, n, 1, 1]);
    this.kCorr = tf.tensor4d(Float32Array.from(h), [n, n, 1, 1]);
    this.r = (n - 1) / 2;
    this.inputShape = [...inputShape];
    this.outputShape = [...inputShape];
    this.noise = opts.noise;
  }

  private check(t: Tensor, what: string, role: string): void {
    const s = t.shape;
    const e = this.inputShape;
    if (s.length !== 4 || s[1] !== e[0] || s[2] !== e[1] || s[3] !== e[2]) {
      throw new ScoresdeError(`blur: ${what} ${s.slice(s.length === 4 ? 1 : 0).join('×')} does not match operator ${role} ${e.join('×')}`);
    }
  }

  /** [B, H, W, C] → [B·C, H, W, 1] */
  private toPlanes(x: Tensor): Tensor {
    const [b, h, w, c] = x.shape as [number, number, number, number];
    return x.transpose([0, 3, 1, 2]).reshape([b * c, h, w, 1]);
  }

  /** [B·C, H, W, 1] → [B, H, W, C] */
  private fromPlanes(p: Tensor, b: number): Tensor {
    const [, h, w] = p.shape as [number, number, number, number];
    const c = this.inputShape[2]!;
    return p.reshape([b, c, h, w]).transpose([0, 2, 3, 1]);
  }

  /** E: extend by r on each side of axes 1 and 2 (zero or edge replication). */
  private extend(p: Tensor): Tensor {
    const { tf, r } = this;
    if (r === 0) return p;
    if (this.opts.boundary === 'zero') return tf.pad(p, [[0, 0], [r, r], [r, r], [0, 0]]);
    const [, h, w] = p.shape as [number, number, number, number];
    const rows = tf.concat([tf.tile(p.slice([0, 0, 0, 0], [-1, 1, -1, -1]), [1, r, 1, 1]), p, tf.tile(p.slice([0, h - 1, 0, 0], [-1, 1, -1, -1]), [1, r, 1, 1])], 1);
    return tf.concat([tf.tile(rows.slice([0, 0, 0, 0], [-1, -1, 1, -1]), [1, 1, r, 1]), rows, tf.tile(rows.slice([0, 0, w - 1, 0], [-1, -1, 1, -1]), [1, 1, r, 1])], 2);
  }

  /** Eᵀ along one axis: keep the middle n entries, add the r entries on each side onto the edge. */
  private foldAxis(z: Tensor, axis: 1 | 2, n: number): Tensor {
    const { tf, r } = this;
    const begin = (i: number) => (axis === 1 ? [0, i, 0, 0] : [0, 0, i, 0]);
    const size = (k: number) => (axis === 1 ? [-1, k, -1, -1] : [-1, -1, k, -1]);
    const pads = (before: number, after: number): [number, number][] =>
      axis === 1 ? [[0, 0], [before, after], [0, 0], [0, 0]] : [[0, 0], [0, 0], [before, after], [0, 0]];
    const mid = z.slice(begin(r), size(n));
    const top = z.slice(begin(0), size(r)).sum(axis, true);
    const bottom = z.slice(begin(r + n), size(r)).sum(axis, true);
    return mid.add(tf.pad(top, pads(0, n - 1))).add(tf.pad(bottom, pads(n - 1, 0)));
  }

  /** Eᵀ */
  private unextend(z: Tensor, h: number, w: number): Tensor {
    const r = this.r;
    if (r === 0) return z;
    if (this.opts.boundary === 'zero') return z.slice([0, r, r, 0], [-1, h, w, -1]);
    return this.foldAxis(this.foldAxis(z, 2, w), 1, h);
  }

  forward(x: Tensor): Tensor {
    this.check(x, 'image', 'input');
    return this.tf.tidy(() => {
      const p = this.extend(this.toPlanes(x)) as Parameters<TF['conv2d']>[0];
      const y = this.tf.conv2d(p, this.kConv as Parameters<TF['conv2d']>[1], 1, 'valid');
      return this.fromPlanes(y, x.shape[0]!);
    });
  }

  adjoint(y: Tensor): Tensor {
    this.check(y, 'measurement', 'output');
    const { tf, r } = this;
    return tf.tidy(() => {
      const [h, w] = this.inputShape as [number, number, number];
      const p = tf.pad(this.toPlanes(y), [[0, 0], [2 * r, 2 * r], [2 * r, 2 * r], [0, 0]]) as Parameters<TF['conv2d']>[0];
      const z = tf.conv2d(p, this.kCorr as Parameters<TF['conv2d']>[1], 1, 'valid');
      return this.fromPlanes(this.unextend(z, h, w), y.shape[0]!);
    });
  }

  dispose(): void {
    this.kConv.dispose();
    this.kCorr.dispose();
  }
}
