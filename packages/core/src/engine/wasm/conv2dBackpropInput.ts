/**
 * Fast Conv2DBackpropInput for the wasm backend (NHWC, dilation 1): the input gradient
 *   dX[n,h,w,ci] = Σ_{oh,ow,kh,kw,co : oh·sH+kh−pT = h, ow·sW+kw−pL = w} dY[n,oh,ow,co] · W[kh,kw,ci,co]
 * computed with the backend's forward Conv2D (XNNPACK) — one correlation followed by a
 * depth-to-space rearrangement, or one per row phase when sH ∤ kH (rowPhaseSplit) — so it runs
 * near forward-convolution speed instead of the built-in kernel's scalar loop (~10× faster).
 *
 * Sub-pixel (polyphase) form: write u = h + pT = a·s + r with 0 ≤ r < s. Only taps kh ≡ r (mod s)
 * reach u, namely kh = r + s·j with oh = a − j, so with kq = ⌈k/s⌉
 *   dX[a·s + r − pT] = Σ_{m=0}^{kq−1} dYpad[a + m] · W[r + s·(kq−1−m)]   (zero where that tap is ≥ k)
 * which is a stride-1 correlation of dY (zero-padded by kq−1 before) with a kq×kq filter whose
 * output channels enumerate (rH, rW, ci). Depth-to-space with block (sH, sW) interleaves the
 * phases; a final crop drops the rows/columns that fall into the forward padding. For stride 1
 * this is the classic "convolve dY with the 180°-rotated, in/out-transposed filter". Unlike
 * dilating dY with zeros, no multiply is spent on inserted zeros (only on column taps ≥ kW when
 * sW ∤ kW).
 */
import { tf } from '../../tf.js';
import { assertNHWC, callKernel, heapView, release, sliceIfNeeded, type BackendWasm, type TensorInfo } from './kernelUtil.js';

/** How one spatial axis of dY maps onto the polyphase convolution. */
export interface AxisPlan {
  /** Filter taps per phase, ⌈k/s⌉. */
  kq: number;
  /** First dY index used and how many are used. */
  cropStart: number;
  cropLen: number;
  /** Explicit zero padding of the correlation. */
  padBefore: number;
  padAfter: number;
  /** Output positions a0..a0+outLen−1 of the correlation (before depth-to-space). */
  outLen: number;
  /** Offset of dX index 0 inside the interleaved (depth-to-space) axis. */
  offset: number;
}

/** Plan one axis: dY length `ny`, filter size `k`, stride `s`, forward pad before `p`, dX length `nx`. */
export function planAxis(ny: number, k: number, s: number, p: number, nx: number): AxisPlan {
  const kq = Math.ceil(k / s);
  const a0 = Math.floor(p / s);
  const aEnd = Math.floor((p + nx - 1) / s) + 1;
  const outLen = aEnd - a0;
  let padBefore = kq - 1 - a0;
  let cropStart = 0;
  if (padBefore < 0) {
    cropStart = -padBefore;
    padBefore = 0;
  }
  let cropLen = ny - cropStart;
  let padAfter = outLen - cropLen - padBefore + kq - 1;
  if (padAfter < 0) {
    cropLen += padAfter;
    padAfter = 0;
  }
  return { kq, cropStart, cropLen, padBefore, padAfter, outLen, offset: p - a0 * s };
}

/**
 * The polyphase filter Wq[mh, mw, co, (rh·sW + rw)·Ci + ci] = W[rh + sH(kqH−1−mh), rw + sW(kqW−1−mw), ci, co]
 * (zero where a tap index is ≥ the filter size). `w` is the [kH,kW,Ci,Co] filter in C order.
 */
export function polyphaseFilter(w: ArrayLike<number>, kH: number, kW: number, ci: number, co: number, sH: number, sW: number, rowPhase?: number): Float32Array {
  // With `rowPhase` = r: only that row phase, kqH = its tap count ⌈(kH − r)/sH⌉, channels (rw, ci).
  const kqH = rowPhase === undefined ? Math.ceil(kH / sH) : Math.ceil((kH - rowPhase) / sH);
  const kqW = Math.ceil(kW / sW);
  const phases = rowPhase === undefined ? sH : 1;
  const P = phases * sW * ci;
  const out = new Float32Array(kqH * kqW * co * P);
  for (let mh = 0; mh < kqH; mh++) {
    for (let mw = 0; mw < kqW; mw++) {
      for (let p = 0; p < phases; p++) {
        const rh = rowPhase ?? p;
        const kh = rh + sH * (kqH - 1 - mh);
        if (kh >= kH) continue;
        for (let rw = 0; rw < sW; rw++) {
          const kw = rw + sW * (kqW - 1 - mw);
          if (kw >= kW) continue;
          const dstBase = (mh * kqW + mw) * co * P + (p * sW + rw) * ci;
          const srcBase = (kh * kW + kw) * ci * co;
          for (let c = 0; c < ci; c++) {
            for (let o = 0; o < co; o++) out[dstBase + o * P + c] = w[srcBase + c * co + o]!;
          }
        }
      }
    }
  }
  return out;
}

/** Stride-1 correlation of dY (cropped/padded as planned) with a polyphase filter. */
function correlate(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, ph: AxisPlan, pw: AxisPlan): TensorInfo {
  const [n, , , co] = dy.shape as [number, number, number, number];
  const dyc = sliceIfNeeded(backend, dy, [0, ph.cropStart, pw.cropStart, 0], [n, ph.cropLen, pw.cropLen, co]);
  const conv = callKernel('Conv2D', backend, { x: dyc ?? dy, filter }, {
    strides: [1, 1],
    dilations: [1, 1],
    pad: [[0, 0], [ph.padBefore, ph.padAfter], [pw.padBefore, pw.padAfter], [0, 0]],
    dataFormat: 'NHWC',
  });
  if (dyc) release(backend, dyc);
  return conv;
}

/**
 * When sH ∤ kH the merged polyphase filter wastes taps (e.g. 16 for 9 at 3×3 / stride 2). Here
 * each row phase rh gets its own correlation with only its ⌈(kH − rh)/sH⌉ rows of taps (columns
 * stay merged, channels (rw, ci)); the phase results are stacked on a new axis after the rows,
 * which IS the row interleave, so no transpose is needed: [n, A, sH, B·sW·ci] ≅ [n, A·sH, B·sW, ci].
 */
function rowPhaseSplit(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  ph: AxisPlan,
  pw: AxisPlan,
  inputShape: [number, number, number, number],
): TensorInfo {
  const [n, h, w, ci] = inputShape;
  const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW, outChannels: co } = info;
  const [, ho] = dy.shape as [number, number, number, number];
  const P = sW * ci;
  const parts: TensorInfo[] = [];
  for (let rh = 0; rh < sH; rh++) {
    const taps = Math.ceil((kH - rh) / sH);
    let part: TensorInfo;
    const plan = taps > 0 ? planAxis(ho, taps * sH, sH, info.padInfo.top, h) : ph;
    if (taps <= 0 || plan.cropLen <= 0) {
      part = backend.makeOutput([n, ph.outLen, pw.outLen, P], 'float32');
      heapView(backend, part).fill(0);
    } else {
      const wr = backend.makeOutput([taps, pw.kq, co, P], 'float32');
      heapView(backend, wr).set(polyphaseFilter(heapView(backend, filter), kH, kW, ci, co, sH, sW, rh));
      part = correlate(backend, dy, wr, plan, pw);
      release(backend, wr);
    }
    const flat = callKernel('Reshape', backend, { x: part }, { shape: [n, ph.outLen, 1, pw.outLen * P] });
    release(backend, part);
    parts.push(flat);
  }
  const stacked = callKernel('Concat', backend, parts as unknown as Record<string, TensorInfo>, { axis: 2 });
  release(backend, ...parts);
  const full = callKernel('Reshape', backend, { x: stacked }, { shape: [n, ph.outLen * sH, pw.outLen * sW, ci] });
  release(backend, stacked);
  const out = sliceIfNeeded(backend, full, [0, ph.offset, pw.offset, 0], [n, h, w, ci]);
  if (!out) return full;
  release(backend, full);
  return out;
}

function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as {
    strides: number | [number, number];
    pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
    dataFormat?: string;
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    inputShape: [number, number, number, number];
  };
  assertNHWC('Conv2DBackpropInput', dataFormat);
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [n, h, w, ci] = inputShape;
  const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW, outChannels: co } = info;
  const [, ho, wo] = dy.shape as [number, number, number, number];
  const ph = planAxis(ho, kH, sH, info.padInfo.top, h);
  const pw = planAxis(wo, kW, sW, info.padInfo.left, w);
  if (ph.cropLen <= 0 || pw.cropLen <= 0) {
    // No dY entry reaches dX (degenerate padding): the gradient is zero.
    const z = backend.makeOutput([n, h, w, ci], 'float32');
    heapView(backend, z).fill(0);
    return z;
  }
  if (sH > 1 && kH % sH !== 0) return rowPhaseSplit(backend, dy, filter, info, ph, pw, inputShape);
  const P = sH * sW * ci;
  const wq = backend.makeOutput([ph.kq, pw.kq, co, P], 'float32');
  heapView(backend, wq).set(polyphaseFilter(heapView(backend, filter), kH, kW, ci, co, sH, sW));
  const conv = correlate(backend, dy, wq, ph, pw);
  release(backend, wq);
  if (sH === 1 && sW === 1) return conv; // offsets are 0 and outLen equals the dX size

  // Depth-to-space with block (sH, sW): [n, A, B, sH, sW, ci] → [n, A, sH, B, sW, ci].
  const r6 = callKernel('Reshape', backend, { x: conv }, { shape: [n, ph.outLen, pw.outLen, sH, sW, ci] });
  const t6 = callKernel('Transpose', backend, { x: r6 }, { perm: [0, 1, 3, 2, 4, 5] });
  release(backend, r6, conv);
  const full = callKernel('Reshape', backend, { x: t6 }, { shape: [n, ph.outLen * sH, pw.outLen * sW, ci] });
  release(backend, t6);
  const out = sliceIfNeeded(backend, full, [0, ph.offset, pw.offset, 0], [n, h, w, ci]);
  if (!out) return full;
  release(backend, full);
  return out;
}

export const conv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as tf.KernelFunc,
};
