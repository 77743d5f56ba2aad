/**
 * Helpers for kernels the project registers on the wasm backend. A kernel here calls the
 * backend's own kernels (Conv2D, Transpose, Slice, Reshape, ...) directly through the kernel
 * registry, exactly as tfjs backends compose kernels internally, and frees its intermediates with
 * `backend.disposeData`. Nothing here touches the engine's tape or scopes.
 *
 * Heap views (`heapView`) alias the wasm memory: any allocation (makeOutput, a kernel call) may
 * grow that memory and detach earlier views, so allocate first, then take views.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { tf } from '../../tf.js';

export type TensorInfo = tf.TensorInfo;
export type { BackendWasm };

/** Run the wasm backend's registered kernel `name` and return its (single) output. */
export function callKernel(
  name: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown> = {},
): TensorInfo {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm backend has no '${name}' kernel`);
  const out = k.kernelFunc({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
  return (Array.isArray(out) ? out[0] : out) as TensorInfo;
}

/** Free intermediate results (each one reference). */
export function release(backend: BackendWasm, ...infos: TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** A typed-array view of a tensor's data on the wasm heap (see the note above on detaching). */
export function heapView(backend: BackendWasm, t: TensorInfo): Float32Array | Int32Array {
  return backend.typedArrayFromHeap(t) as Float32Array | Int32Array;
}

/** Slice `t` (rank 4) to [begin, begin+size) unless that is the whole tensor (then null). */
export function sliceIfNeeded(backend: BackendWasm, t: TensorInfo, begin: number[], size: number[]): TensorInfo | null {
  if (begin.every((b) => b === 0) && size.every((s, i) => s === t.shape[i])) return null;
  return callKernel('Slice', backend, { x: t }, { begin, size });
}

/** The NHWC dataFormat check shared by the conv kernels (wasm's Conv2D is NHWC only). */
export function assertNHWC(kernel: string, dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') {
    throw new Error(`${kernel} on wasm supports dataFormat 'NHWC' only, got '${String(dataFormat)}'`);
  }
}
