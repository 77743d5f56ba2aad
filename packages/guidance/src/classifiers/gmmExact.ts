/**
 * `gmm-exact`: the exact noise-conditional classifier of an analytic Gaussian-mixture prior,
 *   log q(k | x, t) = log p_t(k | x) = log w_k + log N(x; alpha μ_k, alpha² C_k + std² I) − log p_t(x),
 * (GmmPrior.logResponsibilities: log-softmax over the components, differentiable by tfjs).
 * With guidance scale 1, ∇ log p_t(x) + ∇ log p_t(k | x) = ∇ log N_k: the sampler then samples
 * component k exactly.
 */
import { GmmPrior, ScoresdeError, type Classifier, type ScoreModel, type Tensor } from '@scoresde/core';

export class GmmExactClassifier implements Classifier {
  readonly name = 'gmm-exact';
  constructor(readonly prior: GmmPrior) {}

  get numClasses(): number {
    return this.prior.numComponents;
  }

  logProbs(x: Tensor, t: number): Tensor {
    return this.prior.logResponsibilities(x, t);
  }
}

export function gmmExactClassifier(model: ScoreModel): GmmExactClassifier {
  if (model instanceof GmmPrior) return new GmmExactClassifier(model);
  const m = model as Partial<GmmPrior>;
  if (typeof m.logResponsibilities === 'function' && typeof m.numComponents === 'number') return new GmmExactClassifier(model as GmmPrior);
  throw new ScoresdeError("classifier 'gmm-exact' needs an analytic Gaussian-mixture prior (model 'gmm:SPEC.json')");
}
