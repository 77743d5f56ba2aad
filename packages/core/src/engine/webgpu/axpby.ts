/**
 * a·u + b·v in one webgpu dispatch (scalars a and b as uniforms): the sampler updates'
 * x̄ = a·x + b·s and x = x̄ + c·z, which tfjs would run as four to six element-wise dispatches
 * with as many full-size intermediates.
 */
import type { Tensor } from '../../tf.js';
import { type GpuProgram, ceilDiv, floats, ints, runProgram } from './program.js';

const WG = 256;

function program(size: number, shape: number[]): GpuProgram {
  return {
    key: 'axpby',
    inputs: ['u', 'v'],
    outputShape: shape,
    workgroupSize: [WG, 1, 1],
    dispatch: [Math.min(ceilDiv(size, WG), 4096), 1, 1],
    uniforms: 'size : i32, a : f32, b : f32,',
    code: `
fn main() {
  let stride = i32(numWorkgroups.x) * ${WG};
  for (var i = i32(workgroupId.x) * ${WG} + i32(localId.x); i < uniforms.size; i = i + stride) {
    result[i] = uniforms.a * u[i] + uniforms.b * v[i];
  }
}
`,
  };
}

/** a·u + b·v (same shapes, float32) on the webgpu backend. */
export function axpby(a: number, u: Tensor, b: number, v: Tensor): Tensor {
  if (u.shape.join() !== v.shape.join()) throw new Error(`axpby: shapes differ, [${u.shape.join(', ')}] vs [${v.shape.join(', ')}]`);
  return runProgram(program(u.size, u.shape), [u, v], [...ints(u.size), ...floats(a, b)]);
}
