/**
 * Einsum for the wasm backend (missing there). Same contraction scheme as the cpu backend's
 * kernel, built from wasm kernels: operands are permuted to the equation's dimension order and
 * expanded with unit axes, multiplied with broadcasting, and each summed index is reduced as
 * soon as no later operand needs it (backend_util.getEinsumComputePath):
 *   out[ids_out] = Σ_{summed} Π_k operand_k[ids_k].
 * Memory is that of the broadcast products (einsum is for small contractions; use matMul for
 * large ones).
 */
import { tf } from '../../tf.js';
import { callKernel, release, type BackendWasm, type TensorInfo } from './kernelUtil.js';

function einsum(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): TensorInfo {
  const backend = args.backend as BackendWasm;
  const equation = String(args.attrs.equation);
  const tensors = Object.keys(args.inputs)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => args.inputs[k]!);
  const bu = tf.backend_util;
  const { allDims, summedDims, idDims } = bu.decodeEinsumEquation(equation, tensors.length);
  bu.checkEinsumDimSizes(allDims.length, idDims, tensors as tf.Tensor[]);
  const { path, steps } = bu.getEinsumComputePath(summedDims, idDims);
  const temps: TensorInfo[] = [];
  let out: TensorInfo | null = null;
  let remaining = allDims.length;
  for (let i = 0; i < steps.length; i++) {
    for (const term of steps[i]!) {
      const { permutationIndices: perm, expandDims } = bu.getEinsumPermutation(remaining, idDims[term]!);
      let x = tensors[term]!;
      if (!bu.isIdentityPermutation(perm)) {
        x = callKernel('Transpose', backend, { x }, { perm });
        temps.push(x);
      }
      const shape = x.shape.slice();
      for (const d of expandDims) shape.splice(d, 0, 1);
      if (shape.length !== x.shape.length) {
        x = callKernel('Reshape', backend, { x }, { shape });
        temps.push(x);
      }
      if (out === null) {
        out = x;
      } else {
        out = callKernel('Multiply', backend, { a: x, b: out });
        temps.push(out);
      }
    }
    if (i < steps.length - 1) {
      if (path[i]! >= 0) {
        out = callKernel('Sum', backend, { x: out! }, { axis: path[i]! - (allDims.length - remaining), keepDims: false });
        temps.push(out);
      }
      remaining--;
    }
  }
  let result = out!;
  if (tensors.includes(result)) result = callKernel('Identity', backend, { x: result });
  for (const t of temps) if (t !== result) release(backend, t);
  return result;
}

export const einsumConfig: tf.KernelConfig = {
  kernelName: 'Einsum',
  backendName: 'wasm',
  kernelFunc: einsum as unknown as tf.KernelFunc,
};
