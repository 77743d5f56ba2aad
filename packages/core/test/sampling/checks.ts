/**
 * The acceptance measures. Mean error: max_j |m̂_j − m_j| / σ_max (per coordinate, in units of
 * the largest standard deviation); covariance error: ‖Ĉ − C‖_F / ‖C‖_F. Bounds: 0.05 and 0.1.
 */
import { tf, type Tensor, type GmmPrior } from '@scoresde/core';
import { covRelError, meanError, moments } from './helpers.js';
import type { GaussianProblem, GmmProblem } from './problems.js';

export const MEAN_BOUND = 0.05;
export const COV_BOUND = 0.1;
export const FREQ_BOUND = 0.03;

export interface MomentErrors {
  /** Mean error in units of σ_max. */
  mean: number;
  cov: number;
}

export function passes(e: MomentErrors): boolean {
  return e.mean <= MEAN_BOUND && e.cov <= COV_BOUND;
}

/** Moment errors of samples x (disposed) against the Gaussian problem. */
export async function gaussianErrors(x: Tensor, p: GaussianProblem): Promise<MomentErrors> {
  const data = await x.data();
  x.dispose();
  const m = moments(data, p.d);
  return { mean: meanError(m.mean, p.mean) / p.sigmaMax, cov: covRelError(m.cov, p.cov) };
}

export interface GmmErrors {
  /** Fraction of samples classified to each component. */
  freq: number[];
  /** max_k |freq_k − w_k|. */
  freqErr: number;
  components: MomentErrors[];
}

/** Classify each sample by argmax_k p_t(k | x) at t (≈ 0), then compare frequencies and moments. */
export async function gmmErrors(x: Tensor, p: GmmProblem, t: number, prior: GmmPrior = p.prior): Promise<GmmErrors> {
  const labelsT = tf.tidy(() => tf.argMax(prior.responsibilities(x, t), 1));
  const labels = (await labelsT.data()) as Int32Array;
  const data = await x.data();
  tf.dispose([labelsT, x]);
  const K = p.weights.length;
  const rows: number[][] = Array.from({ length: K }, () => []);
  labels.forEach((k, i) => rows[k]!.push(i));
  const freq = rows.map((r) => r.length / labels.length);
  const components = rows.map((r, k) => {
    const m = moments(data, p.d, r);
    return { mean: meanError(m.mean, p.means[k]!) / p.sigmaMax[k]!, cov: covRelError(m.cov, p.covs[k]!) };
  });
  return { freq, freqErr: Math.max(...freq.map((f, k) => Math.abs(f - p.weights[k]!))), components };
}

export function gmmPasses(e: GmmErrors): boolean {
  return e.freqErr <= FREQ_BOUND && e.components.every(passes);
}
