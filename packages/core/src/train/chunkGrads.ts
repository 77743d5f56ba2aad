/**
 * The gradient of one micro-batch chunk: (m_k / B)·(mean DSM loss of the chunk) differentiated
 * with respect to the trainable variables, in training mode with the chunk's dropout seed. Shared
 * by the in-process trainer and the gradient workers, so both compute bit-identical numbers on the
 * same backend.
 */
import { tf, type Tensor } from '../tf.js';
import type { SDE } from '../contracts/sde.js';
import type { ScoreNetwork } from '../nn/network.js';
import type { NetworkScoreModel } from '../score/network.js';
import { dsmLoss } from './loss.js';

export interface ChunkInput {
  /** x₀ of the chunk (model space). */
  x0: Tensor;
  t: Float32Array;
  z: Float32Array;
  dropoutSeed: number;
  /** m_k / B. */
  weight: number;
}

export function chunkGradients(
  net: ScoreNetwork,
  model: NetworkScoreModel,
  sde: SDE,
  vars: tf.Variable[],
  c: ChunkInput,
  likelihoodWeighting: boolean,
): { value: tf.Scalar; grads: tf.Tensor[] } {
  const ctx = { training: true, dropoutSeed: c.dropoutSeed };
  const score = (xt: Tensor, t: Float32Array): Tensor => {
    const raw = net.forward(xt, tf.tensor1d(model.labels(t, t.length), 'float32'), ctx);
    return model.scoreFromRaw(raw, t);
  };
  const { value, grads } = tf.variableGrads(() => tf.mul(dsmLoss(score, c.x0, { t: c.t, z: c.z }, sde, { likelihoodWeighting }), c.weight) as tf.Scalar, vars);
  // A parameter the loss does not reach gets a zero gradient: its moments stay 0 and it never moves.
  return { value, grads: vars.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
}
