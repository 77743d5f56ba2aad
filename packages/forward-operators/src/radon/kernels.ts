/**
 * Custom tfjs kernels for the cpu and wasm backends (and W, Wᵀ, P on webgpu: webgpuRadon.ts): they read the input from the backend's
 * host memory (cpu: `readSync`; wasm: a view of the heap), run the plain-JS loops of
 * projector.ts / fbpBackproject.ts and hand back a new tensor (cpu: `makeTensorInfo`; wasm:
 * `makeOutput` with the values). Gradients are registered too, so autodiff works:
 * d(W x) = Wᵀ dy and d(Wᵀ y) = W dx; likewise for the FBP back-projection P and Pᵀ.
 *
 * Kernels find their geometry through the attribute `geometry` (RadonGeometry.id).
 */
import { tf, ScoresdeError, type WebGPUBackendLike } from '@scoresde/core';
import type { RadonGeometry } from './geometry.js';
import { projectHost, backprojectHost } from './projector.js';
import { fbpBackprojectHost, fbpBackprojectTHost } from './fbpBackproject.js';
import { fbpLayout } from './fbpFilter.js';
import { gpuRadon, type GpuRadonMap } from './webgpuRadon.js';
import { fbpBackprojectTOps } from './fallback.js';

export const RADON_PROJECT = 'ScoresdeRadonProject';
export const RADON_BACKPROJECT = 'ScoresdeRadonBackproject';
export const FBP_BACKPROJECT = 'ScoresdeFbpBackproject';
export const FBP_BACKPROJECT_T = 'ScoresdeFbpBackprojectT';
/** P on webgpu (webgpuRadon.ts); its gradient Pᵀ runs as tfjs ops. */
export const FBP_BACKPROJECT_GPU = 'ScoresdeFbpBackprojectGpu';

/** Backends with device kernels for W, Wᵀ and P (webgpuRadon.ts). */
export const GPU_KERNEL_BACKENDS = ['webgpu'] as const;

/** Backends that get the host kernels. */
export const HOST_KERNEL_BACKENDS = ['cpu', 'wasm'] as const;

const geometries = new Map<number, RadonGeometry>();

/** Make a geometry reachable from kernels (idempotent). */
export function trackGeometry(g: RadonGeometry): void {
  geometries.set(g.id, g);
}

export function untrackGeometry(g: RadonGeometry): void {
  geometries.delete(g.id);
}

function lookup(attrs: unknown): RadonGeometry {
  const id = (attrs as { geometry?: number } | undefined)?.geometry;
  const g = id === undefined ? undefined : geometries.get(id);
  if (!g) throw new ScoresdeError(`radon: geometry ${id} is not available (operator disposed?)`);
  return g;
}

interface CpuBackend {
  readSync(dataId: unknown): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): tf.TensorInfo;
}

interface WasmBackend {
  /** A view of the tensor in the wasm heap (no copy). */
  typedArrayFromHeap(t: tf.TensorInfo): ArrayLike<number>;
  makeOutput(shape: number[], dtype: 'float32', memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
}

type HostLoop = (g: RadonGeometry, input: ArrayLike<number>, batch: number) => Float32Array;

function hostKernel(loop: HostLoop, outShape: (g: RadonGeometry, batch: number) => number[], backendName: string): tf.KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const x = (inputs as { x: tf.TensorInfo }).x;
    const g = lookup(attrs);
    const batch = x.shape[0]!;
    if (backendName === 'wasm') {
      const wb = backend as unknown as WasmBackend;
      const values = loop(g, wb.typedArrayFromHeap(x), batch);
      return wb.makeOutput(outShape(g, batch), 'float32', undefined, values);
    }
    const cb = backend as unknown as CpuBackend;
    return cb.makeTensorInfo(outShape(g, batch), 'float32', loop(g, cb.readSync(x.dataId), batch));
  };
}

let registered = false;

/** Register the four kernels for cpu and wasm and their gradients (idempotent). */
export function registerRadonKernels(): void {
  if (registered) return;
  registered = true;
  const sino = (g: RadonGeometry, b: number) => [b, g.numAngles, g.detectors, 1];
  const image = (g: RadonGeometry, b: number) => [b, g.size, g.size, 1];
  const bins = (g: RadonGeometry, b: number) => [b, g.numAngles, fbpLayout(g).bins, 1];
  const loops: [string, HostLoop, (g: RadonGeometry, b: number) => number[]][] = [
    [RADON_PROJECT, projectHost, sino],
    [RADON_BACKPROJECT, backprojectHost, image],
    [FBP_BACKPROJECT, fbpBackprojectHost, image],
    [FBP_BACKPROJECT_T, fbpBackprojectTHost, bins],
  ];
  for (const backendName of HOST_KERNEL_BACKENDS) {
    for (const [kernelName, loop, shape] of loops) {
      if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc: hostKernel(loop, shape, backendName) });
    }
  }
  const gpu: [string, GpuRadonMap][] = [
    [RADON_PROJECT, 'project'],
    [RADON_BACKPROJECT, 'backproject'],
    [FBP_BACKPROJECT_GPU, 'fbp'],
  ];
  for (const backendName of GPU_KERNEL_BACKENDS) {
    for (const [kernelName, map] of gpu) {
      if (tf.getKernel(kernelName, backendName)) continue;
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc: ({ inputs, backend, attrs }) => gpuRadon(backend as unknown as WebGPUBackendLike, map, lookup(attrs), (inputs as { x: tf.TensorInfo }).x),
      });
    }
  }
  if (!tf.getGradient(FBP_BACKPROJECT_GPU)) {
    tf.registerGradient({ kernelName: FBP_BACKPROJECT_GPU, gradFunc: (dy, _saved, attrs) => ({ x: () => fbpBackprojectTOps(lookup(attrs), dy as tf.Tensor) }) });
  }
  const pairs: [string, string][] = [
    [RADON_PROJECT, RADON_BACKPROJECT],
    [RADON_BACKPROJECT, RADON_PROJECT],
    [FBP_BACKPROJECT, FBP_BACKPROJECT_T],
    [FBP_BACKPROJECT_T, FBP_BACKPROJECT],
  ];
  for (const [kernelName, transpose] of pairs) {
    if (tf.getGradient(kernelName)) continue;
    tf.registerGradient({
      kernelName,
      gradFunc: (dy, _saved, attrs) => ({
        x: () => runHostKernel(transpose, dy as tf.Tensor, attrs as unknown as { geometry: number }),
      }),
    });
  }
}

export function runHostKernel(name: string, x: tf.Tensor, attrs: { geometry: number }): tf.Tensor {
  return tf.engine().runKernel(name, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** True when the active backend has the device kernels. */
export function gpuKernelsActive(): boolean {
  return (GPU_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/** True when the active backend has the host kernels. */
export function hostKernelsActive(): boolean {
  return (HOST_KERNEL_BACKENDS as readonly string[]).includes(tf.getBackend());
}
