export * from './config.js';
export * from './context.js';
export * from './params.js';
export * from './network.js';
export * from './build.js';
export { NCSNpp } from './ncsnpp.js';
export { DDPM } from './ddpm.js';
export { setupKernel, setupKernel1d, upfirdn2d, upfirdn2dSeparable, upsample2d, downsample2d, naiveUpsample2d, naiveDownsample2d } from './upfirdn.js';
export { timestepEmbedding, timestepFrequencies } from './embedding.js';
