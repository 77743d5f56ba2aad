/**
 * Runs a project-written WGSL compute shader through the tfjs webgpu backend, so its output is an
 * ordinary tfjs tensor, its dispatch joins the backend's command encoder (no extra submit), and
 * its pipeline is compiled once per shader key.
 *
 * tfjs generates the shader's prologue: `result` (output, array<f32>), one read-only array per
 * input named as in `inputs`, and `uniforms` holding each input's and the output's shape and
 * strides followed by the fields declared in `uniforms` (`name : i32,` / `name : f32,`), whose
 * values are passed in `values`, in order. The project code indexes those arrays directly and
 * defines `fn main()`; `localId`, `workgroupId` and `numWorkgroups` are set before it runs.
 */
import type { WebGPUProgram } from '@tensorflow/tfjs-backend-webgpu';
import { tf } from '../../tf.js';

export interface UniformValue {
  type: 'int32' | 'float32';
  data: number[];
}

export interface GpuProgram {
  /** Distinguishes compiled pipelines: everything the WGSL text depends on. */
  key: string;
  inputs: string[];
  outputShape: number[];
  workgroupSize: [number, number, number];
  dispatch: [number, number, number];
  /** WGSL struct fields, e.g. `M : i32, alpha : f32,`. */
  uniforms?: string;
  /** WGSL defining `fn main()` (and any helpers / workgroup arrays). */
  code: string;
}

export interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgram, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms?: UniformValue[]): tf.TensorInfo;
  device: { limits: { maxComputeWorkgroupsPerDimension: number; maxComputeWorkgroupStorageSize: number; maxComputeInvocationsPerWorkgroup: number } };
}

/** The active webgpu backend, or an error saying the kernel needs one. */
export function webgpuBackend(what: string): WebGPUBackendLike {
  if (tf.getBackend() !== 'webgpu') throw new Error(`${what} runs only on the webgpu backend (active: ${tf.getBackend()})`);
  return tf.backend() as unknown as WebGPUBackendLike;
}

/** Build the tfjs program object for a spec (exported for kernels registered with tf.registerKernel). */
export function toWebgpuProgram(p: GpuProgram): WebGPUProgram {
  return {
    shaderKey: `scoresde_${p.key}`,
    variableNames: p.inputs,
    outputShape: p.outputShape,
    workgroupSize: p.workgroupSize,
    dispatch: p.dispatch,
    // A non-flat layout makes tfjs call `main()` without an index argument.
    dispatchLayout: { x: [], y: [0] },
    uniforms: p.uniforms,
    getUserCode: () => p.code,
  };
}

/** Run on tensor infos (inside a kernelFunc). */
export function runProgramInfo(backend: WebGPUBackendLike, p: GpuProgram, inputs: tf.TensorInfo[], values: UniformValue[] = []): tf.TensorInfo {
  const lim = backend.device.limits.maxComputeWorkgroupsPerDimension;
  if (p.dispatch.some((d) => d > lim)) throw new Error(`${p.key}: dispatch ${p.dispatch.join('×')} exceeds the adapter's ${lim} workgroups per dimension`);
  return backend.runWebGPUProgram(toWebgpuProgram(p), inputs, 'float32', values);
}

/** Run on tensors (outside a kernel): returns a tensor owned by the caller. */
export function runProgram(p: GpuProgram, inputs: tf.Tensor[], values: UniformValue[] = []): tf.Tensor {
  const backend = webgpuBackend(p.key);
  for (const t of inputs) if (t.dtype !== 'float32') throw new Error(`${p.key}: inputs must be float32, got ${t.dtype}`);
  const info = runProgramInfo(backend, p, inputs, values);
  return tf.engine().makeTensorFromTensorInfo(info);
}

/** Scalar uniforms, one entry each (tfjs aligns an entry of n values as a vecN). */
export const ints = (...v: number[]): UniformValue[] => v.map((x) => ({ type: 'int32', data: [x] }));
export const floats = (...v: number[]): UniformValue[] => v.map((x) => ({ type: 'float32', data: [x] }));

export const ceilDiv = (a: number, b: number): number => Math.ceil(a / b);

/** Release an intermediate result made by runProgramInfo inside a kernel. */
export function disposeInfo(backend: WebGPUBackendLike, info: tf.TensorInfo): void {
  (backend as unknown as { disposeData(id: object): boolean }).disposeData(info.dataId);
}
