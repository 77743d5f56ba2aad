export { type GpuProgram, type UniformValue, type WebGPUBackendLike, ceilDiv, floats, ints, runProgram, runProgramInfo, toWebgpuProgram, webgpuBackend, disposeInfo } from './program.js';
export { GEMM_TILES, type GemmSpec, type GemmTile, gemmProgram, gemmUniforms, pickSplitK, pickTile } from './gemm.js';
export { projectGemmActive, projectKernelsActive, registerWebgpuKernels, setProjectGemm, setProjectKernels } from './register.js';
