/**
 * Colorization: y = gray(x) = (r + g + b)/3, the channel mean (equal weights, not Rec. 601
 * luma, so the gray axis is orthogonal to the colour plane of the decoupling transform).
 * x is [B, H, W, 3], y is [B, H, W, 1].
 *   A  = (1/3)·1ᵀ per pixel, Aᵀy = (y, y, y)/3, AAᵀ = 1/3, A⁺y = 3·Aᵀy = (y, y, y), ‖A‖ = 1/√3.
 * Decomposition A = P(Λ)·T up to the fixed scale of y: T = Q (orthonormal, colorTransform.ts),
 * Λ = channel 0 of transform space, and since (Tx)₀ = √3·gray(x),
 *   embed(y) = (√3·y, 0, 0),  so embed(A x) = Λ ⊙ T x exactly.
 */
import { ScoresdeError, tf, type Decomposition, type ForwardOperator, type NoiseModel, type Tensor } from '@scoresde/core';
import { NoNoise } from '../noise/none.js';
import { checkImageShape, checkInput, checkOutput, shapeStr } from '../util/shape.js';
import { coupleColor, decoupleColor } from './colorTransform.js';

export class GrayscaleOperator implements ForwardOperator {
  readonly name = 'grayscale';
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise: NoiseModel;
  readonly decomposition: Decomposition;

  constructor(inputShape: number[], noise: NoiseModel = new NoNoise()) {
    const [h, w, c] = checkImageShape(inputShape, 'grayscale');
    if (c !== 3) throw new ScoresdeError(`grayscale: needs a 3-channel (RGB) image, got ${shapeStr(inputShape)}`);
    this.inputShape = [h, w, 3];
    this.outputShape = [h, w, 1];
    this.noise = noise;
    const full = this.inputShape;
    this.decomposition = {
      transformShape: [...full],
      transform: (x: Tensor) => {
        checkInput(x, this);
        return decoupleColor(x);
      },
      inverseTransform: (z: Tensor) => coupleColor(z),
      mask: () => tf.tidy(() => tf.ones([1, h, w, 1]).concat(tf.zeros([1, h, w, 2]), 3)),
      embed: (y: Tensor) =>
        tf.tidy(() => {
          checkOutput(y, this);
          const [b] = y.shape as [number];
          return y.mul(Math.sqrt(3)).concat(tf.zeros([b, h, w, 2]), 3);
        }),
    };
  }

  forward(x: Tensor): Tensor {
    checkInput(x, this);
    return tf.tidy(() => x.mean(3, true));
  }

  adjoint(y: Tensor): Tensor {
    checkOutput(y, this);
    return tf.tidy(() => y.div(3).tile([1, 1, 1, 3]));
  }

  /** A⁺y = Aᵀ(AAᵀ)⁻¹y = (y, y, y): the gray image in all three channels. */
  pseudoInverse(y: Tensor): Tensor {
    checkOutput(y, this);
    return tf.tidy(() => y.tile([1, 1, 1, 3]));
  }
}
