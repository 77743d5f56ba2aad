/**
 * Gradients of broadcasting binary kernels that tfjs-core 4.22 returns unreduced (Maximum,
 * Minimum, SquaredDifference, BatchMatMul with a broadcast batch): when an input was broadcast,
 * its cotangent has the output's shape and tfjs throws "gradient of input 'b' has shape …".
 * The fix wraps the original gradient and sums each cotangent over the broadcast axes
 * (backend_util.getReductionAxes), then reshapes it to the input's shape:
 *   ∂L/∂b = reshape(Σ_{broadcast axes} ∂L/∂(broadcast b), shape(b)).
 */
import { tf } from '../../tf.js';

export const BROADCAST_REDUCED = ['Maximum', 'Minimum', 'SquaredDifference', 'BatchMatMul'] as const;

const wrapped = new WeakSet<tf.GradConfig>();

export function isBroadcastReduced(g: tf.GradConfig | undefined): boolean {
  return g !== undefined && wrapped.has(g);
}

/** Sum `g` over the axes along which an input of `shape` was broadcast, and give it that shape. */
export function reduceToShape(g: tf.Tensor, shape: number[]): tf.Tensor {
  if (g.shape.length === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  return tf.tidy(() => {
    const axes = tf.backend_util.getReductionAxes(shape, g.shape);
    const summed = axes.length > 0 ? tf.sum(g, axes) : g;
    return tf.reshape(summed, shape);
  });
}

/** Wrap a gradient config whose inputs are saved in order (inputsToSave = input names). */
export function broadcastReduced(original: tf.GradConfig): tf.GradConfig {
  const names = original.inputsToSave ?? [];
  const config: tf.GradConfig = {
    ...original,
    gradFunc: (dy, saved, attrs) => {
      const grads = original.gradFunc(dy, saved, attrs);
      const out: Record<string, () => tf.Tensor> = {};
      for (const [name, thunk] of Object.entries(grads)) {
        const at = names.indexOf(name);
        const input = at >= 0 ? saved[at] : undefined;
        out[name] = input ? () => reduceToShape(thunk(), input.shape) : thunk;
      }
      return out;
    },
  };
  wrapped.add(config);
  return config;
}
