/**
 * The project's webgpu kernels, registered over tfjs-webgpu's own for the same kernel names.
 * `setProjectKernels(false)` (or SCORESDE_WEBGPU_KERNELS=tfjs before start) puts tfjs's back, so
 * benchmarks can compare the two in one process. Cases a project kernel does not cover (NCHW,
 * other dtypes) are handed to the tfjs kernel it replaced.
 */
import { tf } from '../../tf.js';
import { filterGradPlan, inputGradPlan, runPlan } from './convGrad.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];

interface Override {
  kernelName: string;
  /** Returns null when the case is not covered (then tfjs's kernel runs). */
  run: (args: Parameters<KernelFunc>[0]) => tf.TensorInfo | null;
}

const conv2DBackpropFilter: Override = {
  kernelName: 'Conv2DBackpropFilter',
  run({ inputs, attrs }) {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as { strides: [number, number] | number; pad: 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
    if (a.dataFormat === 'NCHW' || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    return runPlan(filterGradPlan(info), [x, dy]);
  },
};

const conv2DBackpropInput: Override = {
  kernelName: 'Conv2DBackpropInput',
  run({ inputs, attrs }) {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as { strides: [number, number] | number; pad: 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
    if (a.dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
    const info = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    return runPlan(inputGradPlan(info), [dy, filter]);
  },
};

export const WEBGPU_OVERRIDES: readonly Override[] = [conv2DBackpropFilter, conv2DBackpropInput];

const originals = new Map<string, tf.KernelConfig>();
let active = false;

function install(cfg: tf.KernelConfig): void {
  if (tf.getKernel(cfg.kernelName, 'webgpu')) tf.unregisterKernel(cfg.kernelName, 'webgpu');
  tf.registerKernel(cfg);
}

/** Switch between the project's kernels (true) and tfjs-webgpu's (false). Idempotent. */
export function setProjectKernels(on: boolean): void {
  if (on === active) return;
  for (const o of WEBGPU_OVERRIDES) {
    if (!originals.has(o.kernelName)) {
      const orig = tf.getKernel(o.kernelName, 'webgpu');
      if (!orig) throw new Error(`tfjs-webgpu has no '${o.kernelName}' kernel to replace (is the webgpu backend loaded?)`);
      originals.set(o.kernelName, orig);
    }
    const orig = originals.get(o.kernelName)!;
    if (!on) {
      install(orig);
      continue;
    }
    install({
      kernelName: o.kernelName,
      backendName: 'webgpu',
      kernelFunc: (args) => o.run(args) ?? (orig.kernelFunc(args) as tf.TensorInfo),
    });
  }
  active = on;
}

export function projectKernelsActive(): boolean {
  return active;
}

/** Called by the webgpu starter: project kernels unless SCORESDE_WEBGPU_KERNELS=tfjs. */
export function registerWebgpuKernels(): void {
  const want = process.env['SCORESDE_WEBGPU_KERNELS'] ?? 'project';
  if (want !== 'project' && want !== 'tfjs') throw new Error(`SCORESDE_WEBGPU_KERNELS must be 'project' or 'tfjs', not '${want}'`);
  setProjectKernels(want === 'project');
}
