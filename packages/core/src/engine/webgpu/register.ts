/**
 * The project's webgpu kernels, registered over tfjs-webgpu's own for the same kernel names.
 * `setProjectKernels(false)` (or SCORESDE_WEBGPU_KERNELS=tfjs before start) puts tfjs's back, so
 * benchmarks can compare the two in one process; `setProjectGemm` likewise for the forward GEMMs.
 * Cases a project kernel does not cover (NCHW, other dtypes) go to the tfjs kernel it replaced.
 */
import { tf } from '../../tf.js';
import { filterGradPlan, inputGradPlan, runPlan } from './convGrad.js';
import { conv2dPlan, matmulPlan } from './matmul.js';

type KernelFunc = tf.KernelConfig['kernelFunc'];

interface Override {
  kernelName: string;
  /** Returns null when the case is not covered (then tfjs's kernel runs). */
  run: (args: Parameters<KernelFunc>[0]) => tf.TensorInfo | null;
}

type Shape4 = [number, number, number, number];
interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'same' | 'valid' | number;
  dataFormat: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The conv geometry when the project kernels cover the case (NHWC, float32), else null. */
function nhwcConvInfo(a: ConvAttrs, xShape: number[], filterShape: number[], tensors: tf.TensorInfo[]) {
  if (a.dataFormat === 'NCHW' || tensors.some((t) => t.dtype !== 'float32')) return null;
  return tf.backend_util.computeConv2DInfo(xShape as Shape4, filterShape as Shape4, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
}

const conv2DBackpropFilter: Override = {
  kernelName: 'Conv2DBackpropFilter',
  run({ inputs, attrs }) {
    const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { filterShape: Shape4 };
    const info = nhwcConvInfo(a, x.shape, a.filterShape, [x, dy]);
    return info && runPlan(filterGradPlan(info), [x, dy]);
  },
};

const conv2DBackpropInput: Override = {
  kernelName: 'Conv2DBackpropInput',
  run({ inputs, attrs }) {
    const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = attrs as unknown as ConvAttrs & { inputShape: Shape4 };
    const info = nhwcConvInfo(a, a.inputShape, filter.shape, [dy, filter]);
    return info && runPlan(inputGradPlan(info), [dy, filter]);
  },
};

const batchMatMul: Override = {
  kernelName: 'BatchMatMul',
  run({ inputs, attrs }) {
    const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return null;
    const plan = matmulPlan(a.shape, b.shape, transposeA, transposeB);
    return plan ? runPlan(plan, [a, b]) : null;
  },
};

const conv2D: Override = {
  kernelName: 'Conv2D',
  run({ inputs, attrs }) {
    const { x, filter } = inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const info = nhwcConvInfo(attrs as unknown as ConvAttrs, x.shape, filter.shape, [x, filter]);
    return info && runPlan(conv2dPlan(info), [x, filter]);
  },
};

/** Kernels where tfjs-webgpu's own are naive: replaced by default. */
export const WEBGPU_OVERRIDES: readonly Override[] = [conv2DBackpropFilter, conv2DBackpropInput];
/** Forward GEMMs, opt-in until measured against tfjs-webgpu's on a discrete GPU. */
export const WEBGPU_GEMM_OVERRIDES: readonly Override[] = [batchMatMul, conv2D];

const originals = new Map<string, tf.KernelConfig>();
let active = false;
let gemmActive = false;

function install(cfg: tf.KernelConfig): void {
  if (tf.getKernel(cfg.kernelName, 'webgpu')) tf.unregisterKernel(cfg.kernelName, 'webgpu');
  tf.registerKernel(cfg);
}

/** Switch between the project's kernels (true) and tfjs-webgpu's (false). Idempotent. */
export function setProjectKernels(on: boolean): void {
  if (on === active) return;
  swap(WEBGPU_OVERRIDES, on);
  active = on;
}

/** Switch the forward matmul / conv2d between the project's GEMM (true) and tfjs-webgpu's. */
export function setProjectGemm(on: boolean): void {
  if (on === gemmActive) return;
  swap(WEBGPU_GEMM_OVERRIDES, on);
  gemmActive = on;
}

export function projectGemmActive(): boolean {
  return gemmActive;
}

function swap(list: readonly Override[], on: boolean): void {
  for (const o of list) {
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
}

export function projectKernelsActive(): boolean {
  return active;
}

function choice(name: string, dflt: 'project' | 'tfjs'): boolean {
  const want = process.env[name] ?? dflt;
  if (want !== 'project' && want !== 'tfjs') throw new Error(`${name} must be 'project' or 'tfjs', not '${want}'`);
  return want === 'project';
}

/**
 * Called by the webgpu starter: the project's conv-gradient kernels unless
 * SCORESDE_WEBGPU_KERNELS=tfjs; its forward matmul / conv2d GEMM when SCORESDE_WEBGPU_GEMM=project.
 */
export function registerWebgpuKernels(): void {
  setProjectKernels(choice('SCORESDE_WEBGPU_KERNELS', 'project'));
  setProjectGemm(choice('SCORESDE_WEBGPU_GEMM', 'tfjs'));
}
