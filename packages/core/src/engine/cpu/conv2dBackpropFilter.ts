/**
 * Conv2DBackpropFilter for the cpu backend: the same computation and summation order as
 * tfjs-backend-cpu 4.22's kernel, so results are bit-identical, but with direct typed-array
 * indexing instead of TensorBuffer.get (which made the built-in ~50× slower than the cpu forward
 * conv; training on the cpu reference backend spent nearly all its time there). For each tap
 * (kh, kw) and each (ci, co),
 *   dW[kh,kw,ci,co] = Σ_b Σ_oh Σ_ow X[b, oh·sH + kh − pT, ow·sW + kw − pL, ci] · dY[b, oh, ow, co]
 * accumulated in float64 over (b, oh, ow) in that order — here all (ci, co) pairs of a tap are
 * accumulated together as outer products. NCHW is delegated to the built-in.
 */
import { tf } from '../../tf.js';

type CpuBackend = {
  data: { get(dataId: tf.DataId): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
};

export function conv2dBackpropFilterCpuConfig(builtin: tf.KernelConfig | undefined): tf.KernelConfig {
  const kernelFunc = ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }) => {
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as {
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
      dataFormat?: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    if (dataFormat === 'NCHW') {
      if (!builtin) throw new Error('Conv2DBackpropFilter (cpu): NCHW needs the built-in kernel');
      return builtin.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    }
    const backend = args.backend as CpuBackend;
    const x = args.inputs.x!;
    const dy = args.inputs.dy!;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { strideHeight: sH, strideWidth: sW, filterHeight: kH, filterWidth: kW, inChannels: ci, outChannels: co } = info;
    const { inHeight: h, inWidth: w, outHeight: ho, outWidth: wo, batchSize: n } = info;
    const pT = info.padInfo.top;
    const pL = info.padInfo.left;
    const xv = backend.data.get(x.dataId).values;
    const dv = backend.data.get(dy.dataId).values;
    const out = new Float32Array(kH * kW * ci * co);
    const acc = new Float64Array(ci * co);
    for (let kh = 0; kh < kH; kh++) {
      const ohMin = Math.max(0, Math.ceil((pT - kh) / sH));
      const ohMax = Math.min(ho, (h + pT - kh) / sH);
      for (let kw = 0; kw < kW; kw++) {
        const owMin = Math.max(0, Math.ceil((pL - kw) / sW));
        const owMax = Math.min(wo, (w + pL - kw) / sW);
        acc.fill(0);
        for (let b = 0; b < n; b++) {
          for (let oh = ohMin; oh < ohMax; oh++) {
            const xr = kh + oh * sH - pT;
            for (let ow = owMin; ow < owMax; ow++) {
              const xc = kw + ow * sW - pL;
              const xBase = ((b * h + xr) * w + xc) * ci;
              const dBase = ((b * ho + oh) * wo + ow) * co;
              for (let i = 0; i < ci; i++) {
                const xval = xv[xBase + i]!;
                const row = i * co;
                for (let o = 0; o < co; o++) acc[row + o]! += xval * dv[dBase + o]!;
              }
            }
          }
        }
        out.set(acc, (kh * kW + kw) * ci * co);
      }
    }
    return backend.makeTensorInfo(filterShape, 'float32', out);
  }) as unknown as tf.KernelFunc;
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'cpu', kernelFunc };
}
