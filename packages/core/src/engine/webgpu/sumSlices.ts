/** Sums S equal slices of a buffer: out[i] = Σ_s in[s·size + i] (the split-K GEMM epilogue). */
import { type GpuProgram, ceilDiv, ints } from './program.js';

export function sumSlicesProgram(slices: number, outputShape: number[]): GpuProgram {
  const size = outputShape.reduce((a, b) => a * b, 1);
  return {
    key: `sumSlices_${slices}`,
    inputs: ['parts'],
    outputShape,
    workgroupSize: [256, 1, 1],
    dispatch: [Math.min(ceilDiv(size, 256), 65535), 1, 1],
    uniforms: 'size : i32, slices : i32,',
    code: `
fn main() {
  let stride = i32(numWorkgroups.x) * 256;
  for (var i = i32(workgroupId.x) * 256 + i32(localId.x); i < uniforms.size; i = i + stride) {
    var s = 0.0;
    for (var k = 0; k < uniforms.slices; k = k + 1) { s = s + parts[k * uniforms.size + i]; }
    result[i] = s;
  }
}
`,
  };
}

export const sumSlicesUniforms = (slices: number, size: number) => ints(size, slices);
