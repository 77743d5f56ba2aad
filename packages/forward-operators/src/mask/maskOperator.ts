/**
 * Inpainting: y = m ⊙ x with a 0/1 mask m, per pixel ([H, W, 1], broadcast over channels) or per
 * channel ([H, W, C]). The measurement keeps the image shape (y is [B, H, W, C], zeros where
 * m = 0) so it can be viewed and saved like an image; A is then an orthogonal projection:
 * Aᵀ = A, A⁺ = A, ‖A‖ = 1.
 * Decomposition (Song et al. 2022): T = I, Λ = m broadcast to [1, H, W, C], embed(y) = m ⊙ y.
 */
import { ScoresdeError, tf, type Decomposition, type ForwardOperator, type NoiseModel, type Tensor } from '@scoresde/core';
import { NoNoise } from '../noise/none.js';
import { checkImageShape, checkInput, checkOutput, shapeStr } from '../util/shape.js';

export interface MaskArray {
  /** 0/1 values, C order. */
  data: Float32Array;
  /** [H, W, 1] (per pixel) or [H, W, C] (per channel). */
  shape: number[];
}

/** Throw one line unless every value is exactly 0 or 1. `where` names the source. */
export function checkBinary(data: ArrayLike<number>, shape: readonly number[], where: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== 0 && v !== 1) {
      const idx: number[] = [];
      let r = i;
      for (let d = shape.length - 1; d >= 0; d--) {
        idx.unshift(r % shape[d]!);
        r = Math.floor(r / shape[d]!);
      }
      throw new ScoresdeError(`${where}: mask is not 0/1 (value ${v} at index [${idx.join(', ')}])`);
    }
  }
}

export class MaskOperator implements ForwardOperator {
  readonly name: string;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise: NoiseModel;
  readonly decomposition: Decomposition;
  /** [1, H, W, 1 or C] */
  private readonly m: Tensor;
  /** Fraction of measured entries of the [H, W, C] image. */
  readonly observedFraction: number;

  constructor(mask: MaskArray, inputShape: number[], noise: NoiseModel = new NoNoise(), name = 'mask') {
    this.name = name;
    const [h, w, c] = checkImageShape(inputShape, name);
    const ms = mask.shape;
    if (ms.length !== 3 || ms[0] !== h || ms[1] !== w || (ms[2] !== 1 && ms[2] !== c)) {
      throw new ScoresdeError(`${name}: mask ${shapeStr(ms)} does not match image ${shapeStr(inputShape)} (want ${h}×${w}×1 or ${h}×${w}×${c})`);
    }
    if (mask.data.length !== h * w * ms[2]!) throw new ScoresdeError(`${name}: mask data length ${mask.data.length} does not match its shape ${shapeStr(ms)}`);
    checkBinary(mask.data, ms, name);
    this.inputShape = [h, w, c];
    this.outputShape = [h, w, c];
    this.noise = noise;
    this.m = tf.tensor(mask.data, [1, ...ms], 'float32');
    let ones = 0;
    for (const v of mask.data) ones += v;
    this.observedFraction = ones / mask.data.length;
    const full = this.inputShape;
    const m = this.m;
    this.decomposition = {
      transformShape: [...full],
      transform: (x: Tensor) => tf.clone(x),
      inverseTransform: (z: Tensor) => tf.clone(z),
      mask: () => tf.tidy(() => m.mul(tf.ones([1, ...full]))),
      embed: (y: Tensor) => {
        checkOutput(y, this);
        return y.mul(m);
      },
    };
  }

  /** The mask as stored ([1, H, W, 1] or [1, H, W, C]); owned by the operator. */
  get maskTensor(): Tensor {
    return this.m;
  }

  forward(x: Tensor): Tensor {
    checkInput(x, this);
    return x.mul(this.m);
  }

  adjoint(y: Tensor): Tensor {
    checkOutput(y, this);
    return y.mul(this.m);
  }

  /** A⁺ = A (orthogonal projection): zero-filled image. */
  pseudoInverse(y: Tensor): Tensor {
    checkOutput(y, this);
    return y.mul(this.m);
  }

  dispose(): void {
    this.m.dispose();
  }
}
