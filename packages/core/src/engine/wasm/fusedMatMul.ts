/**
 * Fix for tfjs-backend-wasm 4.22 `_FusedMatMul` with a bias: the built-in adds the bias wrongly
 * whenever a batch dimension > 1 or a transpose is involved (relative errors ~0.2 seen), while
 * the plain product is right. The wrapper computes y = act(op(A)·op(B) + bias) as the built-in
 * product without bias/activation, then the wasm Add kernel (broadcasting the bias over the last
 * axis) and the activation's own wasm kernel (Relu, Relu6, Elu, Sigmoid, LeakyRelu(α), Prelu).
 */
import { tf } from '../../tf.js';
import { callKernel, release, type BackendWasm, type TensorInfo } from './kernelUtil.js';

const wrappers = new WeakSet<tf.KernelConfig>();

export function isFusedMatMulWrapper(k: tf.KernelConfig | undefined): boolean {
  return k !== undefined && wrappers.has(k);
}

function activate(backend: BackendWasm, x: TensorInfo, activation: string, alpha: number | undefined, prelu: TensorInfo | undefined): TensorInfo {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return callKernel('Relu', backend, { x });
    case 'relu6':
      return callKernel('Relu6', backend, { x });
    case 'elu':
      return callKernel('Elu', backend, { x });
    case 'sigmoid':
      return callKernel('Sigmoid', backend, { x });
    case 'leakyrelu':
      return callKernel('LeakyRelu', backend, { x }, { alpha: alpha ?? 0.2 });
    case 'prelu':
      if (!prelu) throw new Error('_FusedMatMul: prelu activation needs preluActivationWeights');
      return callKernel('Prelu', backend, { x, alpha: prelu });
    default:
      throw new Error(`_FusedMatMul: unknown activation '${activation}'`);
  }
}

export function fusedMatMulWrapper(builtin: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }) => {
    const backend = args.backend as BackendWasm;
    const { a, b, bias, preluActivationWeights } = args.inputs;
    const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as {
      transposeA: boolean;
      transposeB: boolean;
      activation?: string;
      leakyreluAlpha?: number;
    };
    const act = activation ?? 'linear';
    if (!bias && act === 'linear') return builtin.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    const product = builtin.kernelFunc({
      inputs: { a: a!, b: b! },
      backend,
      attrs: { transposeA, transposeB, activation: 'linear', leakyreluAlpha: 0 },
    } as unknown as Parameters<tf.KernelFunc>[0]) as TensorInfo;
    let y = product;
    if (bias) {
      y = callKernel('Add', backend, { a: product, b: bias });
      release(backend, product);
    }
    const out = activate(backend, y, act, leakyreluAlpha, preluActivationWeights);
    if (out !== y) release(backend, y);
    return out;
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
