/** Shared test helpers: backend start, reduced posterior of a calibration problem. */
import { GmmPrior, initBackend, tf, type ForwardOperator, type SDE, type Tensor } from '@scoresde/core';
import { gaussianPosterior, type GaussianMomentsF64 } from '../src/posterior/gaussianPosterior.js';
import { operatorMatrix, rangeReduction } from '../src/linalg/operatorMatrix.js';
import { matVec } from '../src/linalg/dense.js';
import type { GaussianSpec } from '../src/calibration/problems.js';

export async function startBackend(): Promise<void> {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
}

export async function exactPosterior(spec: GaussianSpec, op: ForwardOperator, y: Tensor, sigma: number): Promise<GaussianMomentsF64> {
  const red = rangeReduction(await operatorMatrix(op));
  const yv = await y.data();
  const yr = matVec(red.R, yv, red.r, red.m);
  return gaussianPosterior({ mean: spec.mean, cov: spec.cov, A: red.At, r: red.r, y: yr, sigma });
}

export async function toHost(t: Tensor): Promise<Float32Array> {
  const d = (await t.data()) as Float32Array;
  return d;
}

export { tf };

/** The 3-component 2-d GMM of the sampler acceptance (weights 0.5/0.3/0.2; full, diagonal, isotropic). */
export const GMM3 = {
  means: [[-5, 0], [5, 0], [0, 6]],
  covs: [[1, 0.5, 0.5, 0.6], [0.3, 0, 0, 1.2], [0.5, 0, 0, 0.5]],
  /** √λ_max of each component covariance. */
  sigmaMax: [Math.sqrt((1.6 + Math.sqrt(0.16 + 1)) / 2), Math.sqrt(1.2), Math.sqrt(0.5)],
};

export function gmm3(sde: SDE): GmmPrior {
  return new GmmPrior({
    shape: [1, 2, 1],
    sde,
    components: [
      { weight: 0.5, mean: GMM3.means[0]!, cov: GMM3.covs[0]!, kind: 'full' },
      { weight: 0.3, mean: GMM3.means[1]!, cov: [0.3, 1.2], kind: 'diagonal' },
      { weight: 0.2, mean: GMM3.means[2]!, cov: 0.5, kind: 'isotropic' },
    ],
  });
}
