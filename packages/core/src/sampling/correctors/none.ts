/** The identity corrector (predictor-only sampling, score_sde_pytorch `NoneCorrector`). */
import { tf } from '../../tf.js';
import type { Corrector } from '../../contracts/sampler.js';

export function noneCorrector(): Corrector {
  return {
    name: 'none',
    nSteps: 0,
    step(x) {
      return { x: tf.clone(x), xMean: tf.clone(x) };
    },
  };
}
