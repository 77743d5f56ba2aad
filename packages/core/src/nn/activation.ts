/** Nonlinearities of score_sde_pytorch's get_act: elu, relu, lrelu (slope 0.2), swish (SiLU). */
import { tf, type Tensor } from '../tf.js';
import { ScoresdeError } from '../errors.js';

/** `kind` names the function, so a fused kernel (GroupNorm + SiLU on webgpu) can recognise it. */
export type Activation = ((x: Tensor) => Tensor) & { kind?: string };

const swish: Activation = Object.assign((x: Tensor) => tf.mul(x, tf.sigmoid(x)), { kind: 'swish' });

export function getActivation(name: string): Activation {
  switch (name.toLowerCase()) {
    case 'swish':
      return swish;
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
