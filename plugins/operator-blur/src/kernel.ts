/**
 * The sampled Gaussian kernel h[a, b] = g[a]·g[b], g[k] ∝ exp(−k²/(2σ²)) for k = −r … r
 * (size = 2r + 1), normalised so Σ h = 1 (a blur preserves constants).
 */
import { ScoresdeError } from '@scoresde/core';

export function defaultKernelSize(sigma: number): number {
  return 2 * Math.ceil(3 * sigma) + 1;
}

/** Row-major size×size kernel (float64). */
export function gaussianKernel2d(sigma: number, size: number): Float64Array {
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new ScoresdeError(`blur: sigma must be > 0, got ${sigma}`);
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new ScoresdeError(`blur: size must be an odd positive integer, got ${size}`);
  const r = (size - 1) / 2;
  const g = new Float64Array(size);
  let s = 0;
  for (let k = -r; k <= r; k++) s += g[k + r] = Math.exp((-k * k) / (2 * sigma * sigma));
  const h = new Float64Array(size * size);
  for (let a = 0; a < size; a++) for (let b = 0; b < size; b++) h[a * size + b] = (g[a]! * g[b]!) / (s * s);
  return h;
}
