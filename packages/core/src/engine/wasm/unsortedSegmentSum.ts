/**
 * UnsortedSegmentSum for the wasm backend (tfjs-backend-wasm lacks it; gather's gradient needs it):
 *   out[j, ...] = Σ_{i : ids[i] = j} x[i, ...],   out shape [numSegments, ...x.shape[rank(ids):]]
 * where i runs over the leading rank(ids) axes of x (TensorFlow semantics). Ids outside
 * [0, numSegments) contribute nothing, as on the cpu backend. Sums are accumulated in float64
 * in index order and rounded once, so results match the cpu backend to float32 rounding.
 */
import { tf } from '../../tf.js';
import { heapView, type BackendWasm, type TensorInfo } from './kernelUtil.js';

function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const x = args.inputs.x!;
  const ids = args.inputs.segmentIds!;
  const numSegments = Number(args.attrs.numSegments);
  const idRank = ids.shape.length;
  for (let i = 0; i < idRank; i++) {
    if (ids.shape[i] !== x.shape[i]) {
      throw new Error(`UnsortedSegmentSum: segmentIds shape ${JSON.stringify(ids.shape)} is not a prefix of x shape ${JSON.stringify(x.shape)}`);
    }
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: unsupported dtype ${x.dtype}`);
  const inner = x.shape.slice(idRank).reduce((a, b) => a * b, 1);
  const outShape = [numSegments, ...x.shape.slice(idRank)];
  const out = backend.makeOutput(outShape, x.dtype);
  const acc = new Float64Array(numSegments * inner);
  const xv = heapView(backend, x);
  const iv = heapView(backend, ids);
  const count = iv.length;
  for (let i = 0; i < count; i++) {
    const j = iv[i]!;
    if (j < 0 || j >= numSegments) continue;
    const src = i * inner;
    const dst = j * inner;
    for (let k = 0; k < inner; k++) acc[dst + k]! += xv[src + k]!;
  }
  heapView(backend, out).set(acc);
  return out;
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum as unknown as tf.KernelFunc,
};
