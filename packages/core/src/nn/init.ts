/**
 * Reference initialisers of score_sde_pytorch (models/layers.py), in PyTorch layout, so that
 * training from scratch starts from the same distribution as the reference code.
 *
 * default_init(scale) = variance_scaling(scale, 'fan_avg', 'uniform'), scale 0 → 1e-10:
 * U(−√(3v), √(3v)) with v = scale / ((fan_in + fan_out)/2), fan_in = shape[1]·receptive,
 * fan_out = shape[0]·receptive, receptive = ∏ shape / (shape[0]·shape[1]).
 */
import type { Rng } from '../rng/rng.js';

export function defaultInit(shape: number[], scale = 1): (rng: Rng) => Float32Array {
  return (rng) => {
    const s = scale === 0 ? 1e-10 : scale;
    const n = shape.reduce((a, b) => a * b, 1);
    const receptive = n / (shape[0]! * shape[1]!);
    const fanIn = shape[1]! * receptive;
    const fanOut = shape[0]! * receptive;
    const bound = Math.sqrt((3 * s) / ((fanIn + fanOut) / 2));
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = (rng.uniform() * 2 - 1) * bound;
    return out;
  };
}

export function constInit(n: number, value: number): () => Float32Array {
  return () => new Float32Array(n).fill(value);
}

export function normalInit(n: number, scale: number): (rng: Rng) => Float32Array {
  return (rng) => {
    const out = rng.normalArray(n);
    for (let i = 0; i < n; i++) out[i] = out[i]! * scale;
    return out;
  };
}
