/**
 * Fix for tfjs-backend-wasm 4.22 forward convolutions with pad 'same' and a stride larger than
 * the (dilated) filter, e.g. a 2×2 conv with stride 3 or a 1×1 depthwise conv with stride 2 on
 * an odd size: XNNPACK's TensorFlow-SAME mode then returns zeros / wrong values. The wrapper
 * turns 'same' into the explicit padding TensorFlow defines for it (computeConv2DInfo: total
 * max((⌈n/s⌉−1)·s + k_eff − n, 0), the extra one at the bottom/right) and calls the built-in
 * kernel, which is exact with explicit pads. Other cases are passed through untouched.
 */
import { tf } from '../../tf.js';

/** Forward kernels that take (x, filter, strides, pad[, dilations]) and suffer from the bug. */
export const SAME_PAD_KERNELS = ['Conv2D', 'FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2D'] as const;

const wrappers = new WeakSet<tf.KernelConfig>();

export function isSamePadWrapper(k: tf.KernelConfig | undefined): boolean {
  return k !== undefined && wrappers.has(k);
}

/** A kernel config that rewrites pad 'same' to explicit pads when a stride exceeds the filter. */
export function samePadWrapper(builtin: tf.KernelConfig): tf.KernelConfig {
  const depthwise = builtin.kernelName.includes('Depthwise');
  const kernelFunc = ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }) => {
    const a = args.attrs as { pad?: unknown; strides?: number | [number, number]; dilations?: number | [number, number] };
    if (a.pad === 'same') {
      const x = args.inputs.x!;
      const filter = args.inputs.filter!;
      const info = tf.backend_util.computeConv2DInfo(
        x.shape as [number, number, number, number],
        filter.shape as [number, number, number, number],
        a.strides ?? 1,
        a.dilations ?? 1,
        'same',
        undefined,
        depthwise,
      );
      if (info.strideHeight > info.effectiveFilterHeight || info.strideWidth > info.effectiveFilterWidth) {
        const p = info.padInfo;
        const pad = [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]];
        return builtin.kernelFunc({ ...args, attrs: { ...args.attrs, pad } } as Parameters<tf.KernelFunc>[0]);
      }
    }
    return builtin.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
  }) as unknown as tf.KernelFunc;
  const config: tf.KernelConfig = {
    kernelName: builtin.kernelName,
    backendName: builtin.backendName,
    setupFunc: builtin.setupFunc,
    disposeFunc: builtin.disposeFunc,
    kernelFunc,
  };
  wrappers.add(config);
  return config;
}
