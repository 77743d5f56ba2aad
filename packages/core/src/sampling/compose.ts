/**
 * The score the samplers follow: the prior's plus every weighted likelihood term,
 *   s(x, t) = ∇ₓ log p_t(x) + Σ_k w_k ∇ₓ log p_t(y_k | x),
 * so the conditional reverse SDE is dx = [f − g² s] dt + g dw̄ (Song et al. 2021, eq. 14).
 */
import { tf, type Tensor } from '../tf.js';
import type { ScoreFn, TimeArg } from '../contracts/score.js';
import type { GuidanceContext, LikelihoodTerm } from '../contracts/guidance.js';
import { ScoresdeError } from '../errors.js';

/**
 * Compose the prior score with the `grad` of every term (terms without `grad` are skipped; their
 * `project` is the sampler's business). Without such terms the prior score is returned as is.
 * Likelihood gradients take one time for the whole batch: a per-sample time then is an error.
 */
export function composeScore(priorScore: ScoreFn, terms: readonly LikelihoodTerm[], ctx: GuidanceContext): ScoreFn {
  const withGrad = terms.filter((term) => typeof term.grad === 'function');
  for (const term of withGrad) {
    if (!Number.isFinite(term.weight)) throw new ScoresdeError(`guidance '${term.name}': weight must be finite, got ${term.weight}`);
  }
  if (withGrad.length === 0) return priorScore;
  return (x: Tensor, t: TimeArg): Tensor => {
    if (typeof t !== 'number') {
      throw new ScoresdeError(`guidance '${withGrad[0]!.name}': likelihood terms need one time for the whole batch, got per-sample times`);
    }
    return tf.tidy(() => {
      let s = priorScore(x, t);
      for (const term of withGrad) {
        if (term.weight === 0) continue;
        const g = term.grad!(x, t, ctx);
        s = tf.add(s, term.weight === 1 ? g : tf.mul(g, term.weight));
      }
      return s;
    });
  };
}

/** Apply every term's `project` in order (a consistency update at the state's time t). */
export function applyProjections(x: Tensor, t: number, terms: readonly LikelihoodTerm[], ctx: GuidanceContext): Tensor {
  return tf.tidy(() => {
    let y = x;
    for (const term of terms) {
      if (typeof term.project === 'function') y = term.project(y, t, ctx);
    }
    return y === x ? tf.clone(x) : y;
  });
}

/** Whether any term has a `project` step. */
export function hasProjections(terms: readonly LikelihoodTerm[]): boolean {
  return terms.some((term) => typeof term.project === 'function');
}
