export { RadonGeometry, evenAngles, anglePeriod, BEAMS, type Beam, type RadonGeometryInit } from './geometry.js';
export { RadonOperator, type RadonOperatorOptions } from './radonOperator.js';
export { RadonOps, RADON_IMPLEMENTATIONS, type RadonImplementation } from './radonOps.js';
export { FBP_FILTERS, fourierFilter, filterMatrix, fbpLayout, type FbpFilter, type FbpLayout } from './fbpFilter.js';
export { DenseRadonDecomposition, denseRowMap, defaultDenseAngles } from './denseDecomposition.js';
export { radonSchema, createRadon, registerRadon, anglesFromParams, type RadonParams } from './register.js';
export { registerRadonKernels } from './kernels.js';
