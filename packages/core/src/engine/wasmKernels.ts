/**
 * Kernels registered on the wasm backend from outside (one file per kernel under ./wasm/):
 * - missing there: Conv2DBackpropFilter, DepthwiseConv2dNativeBackpropFilter/Input,
 *   UnsortedSegmentSum, Einsum;
 * - slow there: Conv2DBackpropInput (polyphase, runs at forward-conv speed);
 * - wrong there in tfjs 4.22: MaxPoolGrad, AvgPoolGrad, ResizeNearestNeighborGrad,
 *   ResizeBilinearGrad, Conv3DBackpropInputV2/FilterV2 (replaced), the forward convolutions with
 *   pad 'same' and stride > filter and _FusedMatMul with a bias (wrapped).
 * The cpu backend gets the AvgPool/resize gradient fixes too (CPU_KERNEL_FIXES) and a
 * bit-identical but ~50× faster Conv2DBackpropFilter (cpu/conv2dBackpropFilter.ts).
 * Call before or after `tf.setBackend('wasm')`: kernels are looked up at run time; wrappers keep
 * the built-in's setup function. Idempotent.
 */
import { tf } from '../tf.js';
import { conv2dBackpropFilterCpuConfig } from './cpu/conv2dBackpropFilter.js';
import { conv2dBackpropFilterConfig } from './wasm/conv2dBackpropFilter.js';
import { conv2dBackpropInputConfig } from './wasm/conv2dBackpropInput.js';
import { depthwiseConv2dBackpropFilterConfig } from './wasm/depthwiseConv2dBackpropFilter.js';
import { depthwiseConv2dBackpropInputConfig } from './wasm/depthwiseConv2dBackpropInput.js';
import { avgPoolGradConfig } from './wasm/avgPoolGrad.js';
import { conv3dBackpropFilterConfig, conv3dBackpropInputConfig } from './wasm/conv3dBackprop.js';
import { einsumConfig } from './wasm/einsum.js';
import { maxPoolGradConfig } from './wasm/maxPoolGrad.js';
import { resizeBilinearGradConfig } from './wasm/resizeBilinearGrad.js';
import { resizeNearestNeighborGradConfig } from './wasm/resizeNearestNeighborGrad.js';
import { SAME_PAD_KERNELS, isSamePadWrapper, samePadWrapper } from './wasm/samePadding.js';
import { fusedMatMulWrapper, isFusedMatMulWrapper } from './wasm/fusedMatMul.js';
import { unsortedSegmentSumConfig } from './wasm/unsortedSegmentSum.js';

/** The kernels this project registers on 'wasm' (replacing any built-in of the same name). */
export const WASM_KERNELS: readonly tf.KernelConfig[] = [
  conv2dBackpropFilterConfig,
  conv2dBackpropInputConfig,
  depthwiseConv2dBackpropFilterConfig,
  depthwiseConv2dBackpropInputConfig,
  unsortedSegmentSumConfig,
  einsumConfig,
  maxPoolGradConfig,
  resizeNearestNeighborGradConfig('wasm'),
  resizeBilinearGradConfig('wasm'),
  avgPoolGradConfig('wasm'),
  conv3dBackpropInputConfig,
  conv3dBackpropFilterConfig,
];

/** Corrections to built-in cpu kernels that are wrong in tfjs 4.22 (see each file). */
export const CPU_KERNEL_FIXES: readonly tf.KernelConfig[] = [
  resizeNearestNeighborGradConfig('cpu'),
  resizeBilinearGradConfig('cpu'),
  avgPoolGradConfig('cpu'),
];

const replaced = new Map<string, tf.KernelConfig>();

function install(kernels: readonly tf.KernelConfig[]): void {
  for (const k of kernels) {
    const have = tf.getKernel(k.kernelName, k.backendName);
    if (have === k) continue;
    if (have) {
      if (!replaced.has(`${k.backendName}/${k.kernelName}`)) replaced.set(`${k.backendName}/${k.kernelName}`, have);
      tf.unregisterKernel(k.kernelName, k.backendName);
    }
    tf.registerKernel(k);
  }
}

/**
 * The tfjs built-in kernel that one of ours replaced (for benchmarks and A/B checks), if any.
 * To run it: `tf.unregisterKernel(name, backend); tf.registerKernel(builtin)`, then re-register ours.
 */
export function replacedBuiltinKernel(kernelName: string, backendName: 'wasm' | 'cpu'): tf.KernelConfig | undefined {
  return replaced.get(`${backendName}/${kernelName}`);
}

/**
 * Wrappers around built-in wasm kernels that are right only in some cases: the forward
 * convolutions (pad 'same' with stride > filter) and _FusedMatMul (bias).
 */
function builtinWrappers(): tf.KernelConfig[] {
  const wraps: [string, (k: tf.KernelConfig | undefined) => boolean, (k: tf.KernelConfig) => tf.KernelConfig][] = [
    ...SAME_PAD_KERNELS.map((name) => [name, isSamePadWrapper, samePadWrapper] as [string, typeof isSamePadWrapper, typeof samePadWrapper]),
    ['_FusedMatMul', isFusedMatMulWrapper, fusedMatMulWrapper],
  ];
  const out: tf.KernelConfig[] = [];
  for (const [name, isWrapper, wrap] of wraps) {
    const have = tf.getKernel(name, 'wasm');
    if (!have || isWrapper(have)) continue;
    out.push(wrap(replaced.get(`wasm/${name}`) ?? have));
  }
  return out;
}

/** Register (or re-register) WASM_KERNELS and the wrapped built-ins on the 'wasm' backend. */
export function registerWasmKernels(): void {
  install(WASM_KERNELS);
  install(builtinWrappers());
}

let cpuFilterGrad: tf.KernelConfig | undefined;

/** Register CPU_KERNEL_FIXES and the fast (bit-identical) cpu Conv2DBackpropFilter on 'cpu'. */
export function registerCpuKernelFixes(): void {
  install(CPU_KERNEL_FIXES);
  const have = tf.getKernel('Conv2DBackpropFilter', 'cpu');
  if (!cpuFilterGrad || have !== cpuFilterGrad) {
    cpuFilterGrad = conv2dBackpropFilterCpuConfig(replaced.get('cpu/Conv2DBackpropFilter') ?? have);
    install([cpuFilterGrad]);
  }
}
