export { fft2c, ifft2c, maskedFft2c, embedReal, realPart, fft2cMethodFor, type Fft2cMethod, type Fft2cOptions, type MaskedFft2cOptions } from './fft2c.js';
export { centeredDft1d, isPowerOfTwo, type CenteredDft1d } from './centeredDft1d.js';
export { centeredDftMatrix, realDftMatrix, matmulFft2c } from './matmulFft2c.js';
export { registerFftKernels, runSenseFft2cKernel, FFT2C_KERNEL, MASKED_FFT2C_KERNEL, SENSE_FFT2C_KERNEL } from './kernels.js';
export { hostSenseFft2c } from './hostSenseFft2c.js';
export { hostFft2c, PlaneFft } from './hostFft2c.js';
