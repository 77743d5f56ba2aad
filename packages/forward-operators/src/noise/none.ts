/** No measurement noise: y = A(x). */
import { tf, type NoiseModel, type Tensor } from '@scoresde/core';

export class NoNoise implements NoiseModel {
  readonly kind = 'none' as const;
  readonly sigma = 0;
  /** Returns a copy of `clean` (the caller owns and disposes the result). */
  sample(clean: Tensor): Tensor {
    return tf.clone(clean);
  }
}
