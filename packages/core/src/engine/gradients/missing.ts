/**
 * Gradients tfjs-core 4.22 does not define (so tf.grad throws "gradient function not found"):
 * - DepthToSpace (NHWC, block b): a permutation, y[n, h·b+i, w·b+j, c] = x[n, h, w, (i·b+j)·C + c],
 *   so dx is the inverse permutation of dy (space-to-depth).
 * - GatherNd: dx = scatterND(indices, dy, shape(x)); repeated indices accumulate.
 * - Piecewise-constant kernels (comparisons, logical ops, IsNan/IsInf/IsFinite, ArgMax/ArgMin):
 *   zero almost everywhere, as in PyTorch/TensorFlow, so code like tf.where(x.greater(0), …)
 *   can be differentiated.
 */
import { tf } from '../../tf.js';

export const depthToSpaceGradConfig: tf.GradConfig = {
  kernelName: 'DepthToSpace',
  gradFunc: (dy, _saved, attrs) => {
    const { blockSize: b, dataFormat } = attrs as unknown as { blockSize: number; dataFormat?: string };
    return {
      x: () =>
        tf.tidy(() => {
          const g = dy as tf.Tensor4D;
          if (dataFormat === 'NCHW') throw new Error('DepthToSpace gradient: NCHW is not supported');
          const [n, hb, wb, c] = g.shape;
          const h = hb / b;
          const w = wb / b;
          return tf.reshape(tf.transpose(tf.reshape(g, [n, h, b, w, b, c]), [0, 1, 3, 2, 4, 5]), [n, h, w, b * b * c]);
        }),
    };
  },
};

export const gatherNdGradConfig: tf.GradConfig = {
  kernelName: 'GatherNd',
  inputsToSave: ['params', 'indices'],
  gradFunc: (dy, saved) => {
    const [params, indices] = saved as [tf.Tensor, tf.Tensor];
    return {
      params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape),
      indices: () => tf.zerosLike(indices),
    };
  },
};

const PIECEWISE_CONSTANT: [string, string[]][] = [
  ['Greater', ['a', 'b']],
  ['GreaterEqual', ['a', 'b']],
  ['Less', ['a', 'b']],
  ['LessEqual', ['a', 'b']],
  ['Equal', ['a', 'b']],
  ['NotEqual', ['a', 'b']],
  ['LogicalAnd', ['a', 'b']],
  ['LogicalOr', ['a', 'b']],
  ['LogicalXor', ['a', 'b']],
  ['LogicalNot', ['x']],
  ['IsNan', ['x']],
  ['IsInf', ['x']],
  ['IsFinite', ['x']],
  ['ArgMax', ['x']],
  ['ArgMin', ['x']],
];

export const zeroGradConfigs: tf.GradConfig[] = PIECEWISE_CONSTANT.map(([kernelName, inputs]) => ({
  kernelName,
  inputsToSave: inputs,
  gradFunc: (_dy, saved) => Object.fromEntries(inputs.map((name, i) => [name, () => tf.zerosLike(saved[i]!)])),
}));
