/**
 * The update every fixed-coefficient predictor and corrector ends with:
 *   x̄ = a·x + b·s,   x = x̄ + c·z.
 * On webgpu two fused dispatches (engine/webgpu/axpby.ts); elsewhere callers keep their own op
 * sequence, so cpu and wasm results stay bit-identical to the reference formulas.
 */
import { tf, type Tensor } from '../tf.js';
import { axpby } from '../engine/webgpu/axpby.js';

export function fusedStepAvailable(): boolean {
  return tf.getBackend() === 'webgpu';
}

export function fusedStep(x: Tensor, a: number, s: Tensor, b: number, z: Tensor, c: number): { x: Tensor; xMean: Tensor } {
  const xMean = axpby(a, x, b, s);
  return { xMean, x: axpby(1, xMean, c, z) };
}
