/**
 * Kernels the wasm backend lacks or runs slowly, registered from outside (one file per kernel
 * under ./wasm/). Registering replaces a built-in kernel of the same name (Conv2DBackpropInput).
 * Call before or after `tf.setBackend('wasm')`: kernels are looked up at run time and none of
 * these needs a setup function. Idempotent. MaxPoolGrad, ResizeNearestNeighborGrad and ResizeBilinearGrad
 * replace built-ins that compute wrong gradients in tfjs 4.22, and the forward convolutions are wrapped
 * to fix pad 'same' with a stride larger than the filter (wasm/samePadding.ts).
 */
import { tf } from '../tf.js';
import { conv2dBackpropFilterConfig } from './wasm/conv2dBackpropFilter.js';
import { conv2dBackpropInputConfig } from './wasm/conv2dBackpropInput.js';
import { depthwiseConv2dBackpropFilterConfig } from './wasm/depthwiseConv2dBackpropFilter.js';
import { depthwiseConv2dBackpropInputConfig } from './wasm/depthwiseConv2dBackpropInput.js';
import { einsumConfig } from './wasm/einsum.js';
import { maxPoolGradConfig } from './wasm/maxPoolGrad.js';
import { resizeBilinearGradConfig } from './wasm/resizeBilinearGrad.js';
import { resizeNearestNeighborGradConfig } from './wasm/resizeNearestNeighborGrad.js';
import { SAME_PAD_KERNELS, isSamePadWrapper, samePadWrapper } from './wasm/samePadding.js';
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
];

/** Corrections to built-in cpu kernels that are wrong in tfjs 4.22 (see each file). */
export const CPU_KERNEL_FIXES: readonly tf.KernelConfig[] = [resizeNearestNeighborGradConfig('cpu'), resizeBilinearGradConfig('cpu')];

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

/** Wrappers of the built-in forward convolutions that fix pad 'same' with stride > filter. */
function samePadFixes(): tf.KernelConfig[] {
  const out: tf.KernelConfig[] = [];
  for (const name of SAME_PAD_KERNELS) {
    const have = tf.getKernel(name, 'wasm');
    if (!have || isSamePadWrapper(have)) continue;
    out.push(samePadWrapper(replaced.get(`wasm/${name}`) ?? have));
  }
  return out;
}

/** Register (or re-register) WASM_KERNELS and the 'same'-padding fixes on the 'wasm' backend. */
export function registerWasmKernels(): void {
  install(WASM_KERNELS);
  install(samePadFixes());
}

/** Register CPU_KERNEL_FIXES on the 'cpu' backend. */
export function registerCpuKernelFixes(): void {
  install(CPU_KERNEL_FIXES);
}
