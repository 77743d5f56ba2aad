/**
 * The geometry both depthwise backprop kernels need: conv info for NHWC input [n, h, w, c] and
 * filter [kH, kW, c, m] (channel multiplier m, c·m output channels), strides, dilations, output
 * size and top/left padding.
 */
import { tf } from '../../tf.js';

export interface DepthwiseAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export function depthwiseGeometry(xShape: [number, number, number, number], filterShape: [number, number, number, number], a: DepthwiseAttrs) {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, a.strides, a.dilations, a.pad, a.dimRoundingMode, true);
  const [n, h, w, c] = xShape;
  const [kH, kW, , m] = filterShape;
  const { strideHeight: sH, strideWidth: sW, dilationHeight: dH, dilationWidth: dW, outHeight: ho, outWidth: wo } = info;
  return { info, n, h, w, c, kH, kW, m, sH, sW, dH, dW, ho, wo, pT: info.padInfo.top, pL: info.padInfo.left, co: c * m };
}
