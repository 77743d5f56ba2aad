/**
 * ResizeBilinearGrad as the exact adjoint of tfjs's ResizeBilinear forward. The forward reads,
 * per output row r (columns alike), f = ρ·(r + ½) − ½ with halfPixelCenters else ρ·r,
 * r0 = max(0, ⌊f⌋), r1 = min(in−1, ⌈f⌉), α = f − r0, and blends
 *   y = (1−α)(1−β)·x[r0,c0] + (1−α)β·x[r0,c1] + α(1−β)·x[r1,c0] + αβ·x[r1,c1],
 * with ρ = (in − a)/(out − a), a = 1 if alignCorners and out > 1 else 0. The gradient scatters
 * dy with those four weights. Registered on wasm and cpu because the built-ins are wrong in tfjs
 * 4.22: both ignore halfPixelCenters (silently wrong gradients), and the cpu one fails for
 * non-square images.
 */
import { tf } from '../../tf.js';

type Backend = {
  readSync(dataId: tf.DataId): unknown;
  makeTensorInfo?(shape: number[], dtype: tf.DataType, values?: Float32Array): tf.TensorInfo;
  makeOutput?(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: Float32Array): tf.TensorInfo;
};

interface Taps {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float64Array;
}

/** The forward interpolation taps for `outSize` output positions. */
export function bilinearTaps(inSize: number, outSize: number, alignCorners: boolean, halfPixelCenters: boolean): Taps {
  const a = alignCorners && outSize > 1 ? 1 : 0;
  const ratio = (inSize - a) / (outSize - a);
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float64Array(outSize);
  for (let r = 0; r < outSize; r++) {
    // Same float32-free arithmetic as the forward kernels (JS doubles).
    const f = halfPixelCenters ? ratio * (r + 0.5) - 0.5 : ratio * r;
    lo[r] = Math.max(0, Math.floor(f));
    hi[r] = Math.min(inSize - 1, Math.ceil(f));
    frac[r] = f - lo[r]!;
  }
  return { lo, hi, frac };
}

function resizeBilinearGrad(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as Backend;
  const images = args.inputs.images!;
  const dy = args.inputs.dy!;
  const alignCorners = Boolean(args.attrs.alignCorners);
  const halfPixelCenters = Boolean(args.attrs.halfPixelCenters);
  const [batch, xh, xw, depth] = images.shape as [number, number, number, number];
  const [, yh, yw] = dy.shape as [number, number, number, number];
  const R = bilinearTaps(xh, yh, alignCorners, halfPixelCenters);
  const C = bilinearTaps(xw, yw, alignCorners, halfPixelCenters);
  const dyv = backend.readSync(dy.dataId) as Float32Array;
  const acc = new Float64Array(batch * xh * xw * depth);
  for (let b = 0; b < batch; b++) {
    for (let r = 0; r < yh; r++) {
      const a = R.frac[r]!;
      const top = (b * xh + R.lo[r]!) * xw;
      const bot = (b * xh + R.hi[r]!) * xw;
      for (let c = 0; c < yw; c++) {
        const be = C.frac[c]!;
        const wTL = (1 - a) * (1 - be);
        const wTR = (1 - a) * be;
        const wBL = a * (1 - be);
        const wBR = a * be;
        const tl = (top + C.lo[c]!) * depth;
        const tr = (top + C.hi[c]!) * depth;
        const bl = (bot + C.lo[c]!) * depth;
        const br = (bot + C.hi[c]!) * depth;
        const src = ((b * yh + r) * yw + c) * depth;
        for (let d = 0; d < depth; d++) {
          const g = dyv[src + d]!;
          acc[tl + d]! += wTL * g;
          acc[tr + d]! += wTR * g;
          acc[bl + d]! += wBL * g;
          acc[br + d]! += wBR * g;
        }
      }
    }
  }
  const shape = [batch, xh, xw, depth];
  const values = Float32Array.from(acc);
  if (backend.makeTensorInfo) return backend.makeTensorInfo(shape, 'float32', values);
  return backend.makeOutput!(shape, 'float32', undefined, values);
}

export function resizeBilinearGradConfig(backendName: 'wasm' | 'cpu'): tf.KernelConfig {
  return { kernelName: 'ResizeBilinearGrad', backendName, kernelFunc: resizeBilinearGrad as unknown as tf.KernelFunc };
}
