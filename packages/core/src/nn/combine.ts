/** layerspp.Combine: 1×1 conv of the pyramid input x, then concatenate with y (channels) or add. */
import { tf, type Tensor } from '../tf.js';
import { Conv2d, conv1x1 } from './conv.js';
import type { ParamStore } from './params.js';

export class Combine {
  private readonly conv: Conv2d;
  constructor(
    store: ParamStore,
    readonly prefix: string,
    dim1: number,
    dim2: number,
    readonly method: 'cat' | 'sum',
  ) {
    this.conv = conv1x1(store, `${prefix}.Conv_0`, dim1, dim2);
  }

  apply(x: Tensor, y: Tensor): Tensor {
    const h = this.conv.apply(x);
    return this.method === 'cat' ? tf.concat([h, y], 3) : tf.add(h, y);
  }
}
