/**
 * DepthwiseConv2dNativeBackpropInput for the wasm backend (missing there), NHWC, filter
 * [kH, kW, C, M] (channel multiplier M, output channel c·M + q):
 *   dX[n,h,w,c] = Σ_{oh,ow,kh,kw,q : oh·sH + kh·dH − pT = h, ow·sW + kw·dW − pL = w} dY[n,oh,ow,c·M+q] · W[kh,kw,c,q]
 * Multiplier 1, dilation 1 (FIR resampling, the common case): forward depthwise convs (XNNPACK)
 * of dY with the 180°-rotated filter, one per stride phase (viaForwardConv) — ~10× faster than
 * a loop at stride 1. Otherwise a direct scatter loop on the wasm heap with float64 accumulation.
 */
import { tf } from '../../tf.js';
import { planAxis } from './conv2dBackpropInput.js';
import { callKernel, heapView, release, sliceIfNeeded, type BackendWasm, type TensorInfo } from './kernelUtil.js';
import { depthwiseGeometry, type DepthwiseAttrs } from './depthwiseGeometry.js';

/** A zero-filled float32 tensor. */
function zeros(backend: BackendWasm, shape: number[]): TensorInfo {
  const z = backend.makeOutput(shape, 'float32');
  heapView(backend, z).fill(0);
  return z;
}

/**
 * dX for channel multiplier 1 and dilation 1 through the backend's forward depthwise conv, by
 * phases: output phase (rh, rw) only sees taps kh ≡ rh (mod sH), kw ≡ rw (mod sW), a stride-1
 * correlation of dY with that sub-filter rotated by 180° (planned by planAxis). The phases are
 * interleaved by stacking on new axes after the columns and rows (two Concats, no transpose);
 * stride 1 is the single phase with the whole rotated filter.
 */
function viaForwardConv(backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo, inputShape: number[]): TensorInfo {
  const [n, h, w, c] = inputShape as [number, number, number, number];
  const { filterHeight: kH, filterWidth: kW, strideHeight: sH, strideWidth: sW } = info;
  const [, ho, wo] = dy.shape as [number, number, number, number];
  const pT = info.padInfo.top;
  const pL = info.padInfo.left;
  const ph = planAxis(ho, kH, sH, pT, h);
  const pw = planAxis(wo, kW, sW, pL, w);
  if (ph.cropLen <= 0 || pw.cropLen <= 0) return zeros(backend, [n, h, w, c]);
  const fv = Float32Array.from(heapView(backend, filter)); // copy: later allocations may move the heap
  const A = ph.outLen;
  const B = pw.outLen;
  const rows: TensorInfo[] = [];
  for (let rh = 0; rh < sH; rh++) {
    const cols: TensorInfo[] = [];
    for (let rw = 0; rw < sW; rw++) {
      const jh = Math.ceil((kH - rh) / sH);
      const jw = Math.ceil((kW - rw) / sW);
      const planH = jh > 0 ? planAxis(ho, jh * sH, sH, pT, h) : undefined;
      const planW = jw > 0 ? planAxis(wo, jw * sW, sW, pL, w) : undefined;
      let part: TensorInfo;
      if (!planH || !planW || planH.cropLen <= 0 || planW.cropLen <= 0) {
        part = zeros(backend, [n, A, B, c]);
      } else {
        const sub = backend.makeOutput([jh, jw, c, 1], 'float32');
        const sv = heapView(backend, sub);
        for (let a = 0; a < jh; a++) {
          for (let b = 0; b < jw; b++) {
            const src = ((rh + sH * (jh - 1 - a)) * kW + (rw + sW * (jw - 1 - b))) * c;
            sv.set(fv.subarray(src, src + c), (a * jw + b) * c);
          }
        }
        const dyc = sliceIfNeeded(backend, dy, [0, planH.cropStart, planW.cropStart, 0], [n, planH.cropLen, planW.cropLen, c]);
        part = callKernel('DepthwiseConv2dNative', backend, { x: dyc ?? dy, filter: sub }, {
          strides: [1, 1],
          dilations: [1, 1],
          pad: [[0, 0], [planH.padBefore, planH.padAfter], [planW.padBefore, planW.padAfter], [0, 0]],
        });
        release(backend, sub);
        if (dyc) release(backend, dyc);
      }
      cols.push(part);
    }
    if (sW === 1) {
      rows.push(cols[0]!);
    } else {
      const cols5 = cols.map((t) => callKernel('Reshape', backend, { x: t }, { shape: [n, A, B, 1, c] }));
      const row = callKernel('Concat', backend, cols5 as unknown as Record<string, TensorInfo>, { axis: 3 });
      release(backend, ...cols5, ...cols);
      rows.push(row);
    }
  }
  let full: TensorInfo;
  if (sH === 1) {
    full = callKernel('Reshape', backend, { x: rows[0]! }, { shape: [n, A, B * sW, c] });
    release(backend, rows[0]!);
  } else {
    const flat = rows.map((t) => callKernel('Reshape', backend, { x: t }, { shape: [n, A, 1, B * sW * c] }));
    const stacked = callKernel('Concat', backend, flat as unknown as Record<string, TensorInfo>, { axis: 2 });
    release(backend, ...flat, ...rows);
    full = callKernel('Reshape', backend, { x: stacked }, { shape: [n, A * sH, B * sW, c] });
    release(backend, stacked);
  }
  const out = sliceIfNeeded(backend, full, [0, ph.offset, pw.offset, 0], [n, h, w, c]);
  if (!out) return full;
  release(backend, full);
  return out;
}

function depthwiseConv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const dy = args.inputs.dy!;
  const filter = args.inputs.filter!;
  const attrs = args.attrs as unknown as DepthwiseAttrs & { inputShape: [number, number, number, number] };
  const { inputShape } = attrs;
  const { info, n, h, w, c, kH, kW, m, sH, sW, dH, dW, ho, wo, pT, pL, co } = depthwiseGeometry(inputShape, filter.shape as [number, number, number, number], attrs);
  if (m === 1 && dH === 1 && dW === 1) return viaForwardConv(backend, dy, filter, info, inputShape);
  const out = backend.makeOutput([n, h, w, c], 'float32');
  const acc = new Float64Array(n * h * w * c);
  const dv = heapView(backend, dy);
  const fv = heapView(backend, filter);
  for (let b = 0; b < n; b++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        const dBase = ((b * ho + oh) * wo + ow) * co;
        for (let kh = 0; kh < kH; kh++) {
          const y = oh * sH + kh * dH - pT;
          if (y < 0 || y >= h) continue;
          for (let kw = 0; kw < kW; kw++) {
            const x = ow * sW + kw * dW - pL;
            if (x < 0 || x >= w) continue;
            const xBase = ((b * h + y) * w + x) * c;
            const fBase = (kh * kW + kw) * co;
            if (m === 1) {
              for (let ch = 0; ch < c; ch++) acc[xBase + ch]! += dv[dBase + ch]! * fv[fBase + ch]!;
              continue;
            }
            for (let ch = 0; ch < c; ch++) {
              let s = 0;
              for (let q = 0; q < m; q++) s += dv[dBase + ch * m + q]! * fv[fBase + ch * m + q]!;
              acc[xBase + ch]! += s;
            }
          }
        }
      }
    }
  }
  heapView(backend, out).set(acc);
  return out;
}

export const depthwiseConv2dBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as tf.KernelFunc,
};
