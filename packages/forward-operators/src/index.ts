export { shapeStr, sameShape, checkBatch, checkInput, checkOutput, checkImageShape, numel } from './util/shape.js';
export { adjointCheck, adjointCheckDetailed, dot64, type AdjointCheckOptions, type AdjointCheckResult } from './testing/adjointCheck.js';
export { NoNoise } from './noise/none.js';
export { GaussianNoise } from './noise/gaussian.js';
export { PoissonNoise } from './noise/poisson.js';
export { poisson as samplePoisson, logGamma } from './noise/poissonSampler.js';
export { noiseShape, noiseSchema, noiseFromParams, NOISE_KINDS, type NoiseParams } from './noise/schema.js';
export { compose, type ComposeOptions } from './compose.js';
export { registerOperators } from './register.js';
