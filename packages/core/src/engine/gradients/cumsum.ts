/**
 * Gradient of Cumsum, replacing tfjs-core 4.22's, which transposes the result when the axis is
 * not the last one (so it fails with a shape error). The adjoint of an (exclusive, reverse)
 * cumulative sum along an axis is the (exclusive, ¬reverse) cumulative sum along the same axis:
 *   dx = cumsum(dy, axis, exclusive, !reverse).
 */
import { tf } from '../../tf.js';

export const cumsumGradConfig: tf.GradConfig = {
  kernelName: 'Cumsum',
  inputsToSave: ['x'],
  gradFunc: (dy, _saved, attrs) => {
    const { axis, exclusive, reverse } = attrs as unknown as { axis: number; exclusive: boolean; reverse: boolean };
    return { x: () => tf.cumsum(dy as tf.Tensor, axis, exclusive, !reverse) };
  },
};
