/** Nonlinearities of score_sde_pytorch's get_act: elu, relu, lrelu (slope 0.2), swish (SiLU). */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';

export type Activation = (x: Tensor) => Tensor;

export function getActivation(name: string): Activation {
  switch (name.toLowerCase()) {
    case 'swish':
      return (x) => tf.mul(x, tf.sigmoid(x));
    case 'elu':
      return (x) => tf.elu(x);
    case 'relu':
      return (x) => tf.relu(x);
    case 'lrelu':
      return (x) => tf.leakyRelu(x, 0.2);
    default:
      throw new ScoresdeError(`model.nonlinearity '${name}' is not supported (choose swish, elu, relu or lrelu)`);
  }
}
