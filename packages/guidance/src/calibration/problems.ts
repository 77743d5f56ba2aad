/**
 * The calibration problems: a smooth Gaussian image prior on an H×W×1 grid (squared-exponential
 * covariance, the usual Gaussian-process image model) and the operators it is measured with.
 *   C_ij = s² exp(−‖p_i − p_j‖² / (2ℓ²)) + ν² δ_ij   (p = pixel (row, col)),
 *   μ_i  = a cos(2π row/H) + b sin(2π col/W),
 * defaults s = 1, ℓ = 2 px, ν = 0.05, a = 0.3, b = 0.2. The spectrum decays fast (as natural
 * images' does); 2000 exact samples of the calibration posteriors estimate their covariance to a
 * relative Frobenius error of 0.04–0.06 (`covErrorFloor`), which leaves room under the 0.1 bound.
 */
import { GaussianPrior, Rng, ScoresdeError, tf, type ForwardOperator, type SDE, type Tensor } from '@scoresde/core';
import { GaussianNoise, MaskOperator, MriOperator, NoNoise, RadonOperator, MaskedComplexGaussianNoise, makeMask, randomMask } from '@scoresde/forward-operators';
import { MatrixOperator } from '../operators/matrixOperator.js';

export interface SmoothPriorOptions {
  lengthScale?: number;
  scale?: number;
  nugget?: number;
}

export interface GaussianSpec {
  shape: number[];
  d: number;
  mean: Float64Array;
  cov: Float64Array;
}

export function smoothGaussianSpec(h: number, w: number, o: SmoothPriorOptions = {}): GaussianSpec {
  const ell = o.lengthScale ?? 2;
  const s2 = (o.scale ?? 1) ** 2;
  const nu2 = (o.nugget ?? 0.05) ** 2;
  const d = h * w;
  const cov = new Float64Array(d * d);
  const mean = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const ri = Math.floor(i / w);
    const ci = i % w;
    mean[i] = 0.3 * Math.cos((2 * Math.PI * ri) / h) + 0.2 * Math.sin((2 * Math.PI * ci) / w);
    for (let j = 0; j < d; j++) {
      const rj = Math.floor(j / w);
      const cj = j % w;
      const dist2 = (ri - rj) ** 2 + (ci - cj) ** 2;
      cov[i * d + j] = s2 * Math.exp(-dist2 / (2 * ell * ell)) + (i === j ? nu2 : 0);
    }
  }
  return { shape: [h, w, 1], d, mean, cov };
}

export function makeGaussianPrior(spec: GaussianSpec, sde: SDE): GaussianPrior {
  return new GaussianPrior({ shape: spec.shape, mean: spec.mean, cov: spec.cov, sde });
}

export const CALIBRATION_OPERATORS = ['mask', 'matrix', 'radon', 'mri'] as const;
export type CalibrationOperator = (typeof CALIBRATION_OPERATORS)[number];

/**
 * The calibration operators on an H×W×1 image, noise σ (0 = none):
 *  - mask: half of the pixels observed (seeded random mask),
 *  - matrix: a random projection to m = d/4 rows, i.i.d. N(0, 1/d) entries (seed 7),
 *  - radon: parallel beam, 4 angles (0°, 45°, 90°, 135°), square images only,
 *  - mri: single-coil Cartesian k-space, every other column plus the 2 central ones (real image).
 */
export function calibrationOperator(kind: CalibrationOperator, shape: number[], sigma: number, seed = 7): ForwardOperator {
  const [h, w] = shape as [number, number, number];
  const noise = sigma > 0 ? new GaussianNoise(sigma) : new NoNoise();
  switch (kind) {
    case 'mask':
      return new MaskOperator(randomMask(h, w, 1, 0.5, seed), [h, w, 1], noise);
    case 'matrix':
      return MatrixOperator.random(Math.max(1, Math.floor((h * w) / 4)), [h, w, 1], new Rng(seed), noise);
    case 'radon':
      if (h !== w) throw new ScoresdeError(`calibration: radon needs a square image, got ${h}×${w}`);
      return new RadonOperator({ size: h, anglesDeg: [0, 45, 90, 135], noise });
    case 'mri': {
      const mask = makeMask(h, w, Float32Array.from({ length: h * w }, (_, i) => (i % w) % 2 === 0 || Math.abs((i % w) - w / 2) < 1.5 ? 1 : 0));
      return new MriOperator({ inputShape: [h, w, 1], mask, noise: sigma > 0 ? (m: () => Tensor) => new MaskedComplexGaussianNoise(sigma, m) : undefined });
    }
    default:
      throw new ScoresdeError(`calibration: unknown operator '${String(kind)}' (choose from ${CALIBRATION_OPERATORS.join(', ')})`);
  }
}

/** A ground-truth draw x ~ prior and its measurement y = A x + n (seeded). */
export function simulateMeasurement(prior: GaussianPrior, op: ForwardOperator, rng: Rng): { x: Tensor; y: Tensor } {
  const x = prior.sampleData(1, rng.fork('truth'));
  const y = tf.tidy(() => op.noise.sample(op.forward(x), rng.fork('noise')));
  return { x, y };
}
