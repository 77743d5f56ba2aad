/**
 * The seeded test problems of the sampler acceptance (issue 2):
 *  - a 16-dimensional Gaussian, sample shape [4, 4, 1], covariance Q diag(λ) Qᵀ with λ spread
 *    geometrically from 0.05 to 4 and Q a seeded random orthogonal matrix, mean ~ N(0, I);
 *  - a 3-component 2-dimensional GMM (sample shape [1, 2, 1]) with weights 0.5/0.3/0.2, means
 *    7.8 to 10 apart and distinct full / diagonal / isotropic covariances.
 */
import { GaussianPrior, GmmPrior, Rng, SubVPSDE, VESDE, VPSDE, type SDE } from '@scoresde/core';
import { covFromEig, logSpaced, randomOrthogonal } from './helpers.js';

export const SDES: Record<'ve' | 'vp' | 'subvp', () => SDE> = {
  ve: () => new VESDE(),
  vp: () => new VPSDE(),
  subvp: () => new SubVPSDE(),
};

export interface GaussianProblem {
  prior: GaussianPrior;
  d: number;
  shape: number[];
  mean: number[];
  cov: Float64Array;
  /** √(largest eigenvalue). */
  sigmaMax: number;
}

export function gaussian16(sde: SDE): GaussianProblem {
  const d = 16;
  const rng = new Rng(20260101);
  const q = randomOrthogonal(d, rng);
  const lambda = logSpaced(0.05, 4, d);
  const mean = Array.from({ length: d }, () => rng.normal());
  const cov = covFromEig(q, lambda);
  const shape = [4, 4, 1];
  return { prior: new GaussianPrior({ shape, mean, cov, sde }), d, shape, mean, cov, sigmaMax: 2 };
}

export interface GmmProblem {
  prior: GmmPrior;
  d: number;
  shape: number[];
  weights: number[];
  means: number[][];
  /** Dense d×d covariances, row-major. */
  covs: Float64Array[];
  sigmaMax: number[];
}

export function gmm3(sde: SDE, weights = [0.5, 0.3, 0.2]): GmmProblem {
  const means = [[-5, 0], [5, 0], [0, 6]];
  const covs = [Float64Array.of(1, 0.5, 0.5, 0.6), Float64Array.of(0.3, 0, 0, 1.2), Float64Array.of(0.5, 0, 0, 0.5)];
  const shape = [1, 2, 1];
  const prior = new GmmPrior({
    shape,
    sde,
    components: [
      { weight: weights[0]!, mean: means[0]!, cov: covs[0]!, kind: 'full' },
      { weight: weights[1]!, mean: means[1]!, cov: [0.3, 1.2], kind: 'diagonal' },
      { weight: weights[2]!, mean: means[2]!, cov: 0.5, kind: 'isotropic' },
    ],
  });
  // largest eigenvalues: (1.6 + √(0.16 + 1))/2 for the full one, 1.2, 0.5
  const sigmaMax = [Math.sqrt((1.6 + Math.sqrt(0.16 + 1)) / 2), Math.sqrt(1.2), Math.sqrt(0.5)];
  return { prior, d: 2, shape, weights: [0.5, 0.3, 0.2], means, covs, sigmaMax };
}
