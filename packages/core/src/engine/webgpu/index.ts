export { type GpuProgram, type UniformValue, type WebGPUBackendLike, ceilDiv, floats, ints, runProgram, runProgramInfo, toWebgpuProgram, webgpuBackend, disposeInfo } from './program.js';
export { GEMM_TILES, type GemmSpec, type GemmTile, gemmF16Active, gemmProgram, gemmUniforms, pickSplitK, pickTile, setGemmF16 } from './gemm.js';
export { deviceHasF16, takeDeviceError, throwIfDeviceError } from './device.js';
export { projectGemmActive, projectKernelsActive, registerWebgpuKernels, setProjectGemm, setProjectKernels } from './register.js';
export { groupNormSilu, groupNormSiluForward, groupNormSiluBackward } from './groupNormSilu.js';
export { axpby } from './axpby.js';
