/** The identity predictor (corrector-only sampling, score_sde_pytorch `NonePredictor`). */
import { tf } from '../../tf.js';
import type { Predictor } from '../../contracts/sampler.js';

export function nonePredictor(): Predictor {
  return {
    name: 'none',
    step(x) {
      return { x: tf.clone(x), xMean: tf.clone(x) };
    },
  };
}
