/**
 * A term may offer a noise-free consistency step at t = 0, applied once to the final samples
 * (score_sde's inpainter sets the observed part of x̄ to the clean data mean, not to a noisy
 * draw; `reconstruct` calls `finalize` for every term that has it).
 */
import type { LikelihoodTerm, Tensor } from '@scoresde/core';

export interface FinalizingTerm extends LikelihoodTerm {
  finalize(x: Tensor): Tensor;
}

export function hasFinalize(term: LikelihoodTerm): term is FinalizingTerm {
  return typeof (term as Partial<FinalizingTerm>).finalize === 'function';
}
