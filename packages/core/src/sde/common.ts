/**
 * Pieces shared by the built-in SDEs: parameter checks and the isotropic Gaussian prior
 * N(0, σ² I) that every built-in SDE ends in (σ = σ_max for VE, 1 for VP and sub-VP).
 */
import { tf, type Tensor } from '../tf.js';
import type { Rng } from '../rng/rng.js';
import { ScoresdeError } from '../errors.js';

export function checkPositive(name: string, v: number, what: string): void {
  if (!Number.isFinite(v) || v <= 0) throw new ScoresdeError(`${name}: ${what} must be a positive finite number, got ${v}`);
}

export function checkSteps(name: string, N: number): void {
  if (!Number.isInteger(N) || N < 1) throw new ScoresdeError(`${name}: N must be a positive integer, got ${N}`);
}

export function checkTime(name: string, t: number): void {
  if (!Number.isFinite(t)) throw new ScoresdeError(`${name}: time must be a finite number, got ${t}`);
}

export function checkStep(name: string, t: number, dt: number): void {
  checkTime(name, t);
  if (!Number.isFinite(dt) || dt <= 0) throw new ScoresdeError(`${name}: discretize step dt must be positive and finite, got ${dt}`);
}

/** z ~ N(0, σ² I) of the given shape, drawn from the host RNG. */
export function isotropicSample(shape: number[], sigma: number, rng: Rng): Tensor {
  return tf.tidy(() => {
    const z = rng.normalTensor(shape);
    return sigma === 1 ? z : tf.mul(z, sigma);
  });
}

/**
 * log N(z; 0, σ² I) per sample (first axis is the batch):
 *   −(d/2)·log(2πσ²) − ‖z‖² / (2σ²),  d = number of elements of one sample.
 */
export function isotropicLogp(z: Tensor, sigma: number): Tensor {
  if (z.rank < 1) throw new ScoresdeError(`priorLogp: expected a batched tensor, got rank ${z.rank}`);
  const d = z.size / z.shape[0]!;
  return tf.tidy(() => {
    const flat = tf.reshape(z, [z.shape[0]!, d]);
    const sq = tf.sum(tf.square(flat), 1);
    return tf.sub(-0.5 * d * Math.log(2 * Math.PI * sigma * sigma), tf.div(sq, 2 * sigma * sigma));
  });
}
