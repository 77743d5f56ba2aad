/**
 * Gradient of MirrorPad, replacing tfjs 4.22's, which only slices the centre of dy and drops
 * the cotangent of every mirrored copy (silently wrong). Mirror padding is separable, so its
 * adjoint is applied one axis at a time. On an axis of length n with pads (p0, p1) and offset
 * o (1 for 'reflect', 0 for 'symmetric'), the forward copies y[j] = x[p0−1−j+o] (j < p0) and
 * y[p0+n+j] = x[n−1−j−o] (j < p1), hence
 *   dx = dy[p0 : p0+n] + pad(reverse(dy[0 : p0]), o, n−p0−o) + pad(reverse(dy[p0+n :]), n−p1−o, o).
 */
import { tf } from '../../tf.js';

function mirrorPadAdjoint(dy: tf.Tensor, paddings: [number, number][], mode: 'reflect' | 'symmetric', xShape: number[]): tf.Tensor {
  const o = mode === 'reflect' ? 1 : 0;
  return tf.tidy(() => {
    let g = dy;
    for (let axis = 0; axis < xShape.length; axis++) {
      const [p0, p1] = paddings[axis]!;
      if (p0 === 0 && p1 === 0) continue;
      const n = xShape[axis]!;
      const rank = g.shape.length;
      const begin = (at: number) => Array.from({ length: rank }, (_, i) => (i === axis ? at : 0));
      const size = (len: number) => g.shape.map((s, i) => (i === axis ? len : s));
      const padAt = (before: number, after: number) => Array.from({ length: rank }, (_, i) => (i === axis ? [before, after] : [0, 0])) as [number, number][];
      let next = tf.slice(g, begin(p0), size(n));
      if (p0 > 0) next = tf.add(next, tf.pad(tf.reverse(tf.slice(g, begin(0), size(p0)), axis), padAt(o, n - p0 - o)));
      if (p1 > 0) next = tf.add(next, tf.pad(tf.reverse(tf.slice(g, begin(p0 + n), size(p1)), axis), padAt(n - p1 - o, o)));
      g = next;
    }
    return g === dy ? tf.clone(dy) : g;
  });
}

export const mirrorPadGradConfig: tf.GradConfig = {
  kernelName: 'MirrorPad',
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const x = saved[0]!;
    const { paddings, mode } = attrs as unknown as { paddings: [number, number][]; mode: 'reflect' | 'symmetric' };
    return { x: () => mirrorPadAdjoint(dy as tf.Tensor, paddings, mode, x.shape) };
  },
};
