export { GaussianPrior, fromEigen, type GaussianPriorOptions, type GaussianMoments } from './gaussian.js';
export { GmmPrior, type GmmPriorOptions, type GmmComponentInput } from './gmm.js';
export { GaussianComponent, type CovKind } from './gaussianComponent.js';
export { type CovTolerances } from './covariance.js';
export { loadGaussianPrior, loadGmmPrior, type GmmSpec } from './specFiles.js';
