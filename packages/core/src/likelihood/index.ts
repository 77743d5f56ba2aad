export { odeLikelihood, type LikelihoodOptions, type LikelihoodResult } from './likelihood.js';
export { DIVERGENCE_ESTIMATORS, EXACT_MAX_DIM, checkEstimator, driftAndDivergence, makeProbes, type DivergenceEstimator, type Probes } from './divergence.js';
export { DATA_SCALES, bitsOffset, checkDataScale, dequantize, type DataScale } from './dataScale.js';
export { odeInterpolate, slerp, slerpCoefficients, type InterpolationResult } from './latents.js';
