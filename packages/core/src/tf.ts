/**
 * The one place the project imports TensorFlow.js from. The umbrella package registers the
 * gradients and chained ops; backends are added by `engine/backend.ts`.
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export type Tensor = tf.Tensor;
