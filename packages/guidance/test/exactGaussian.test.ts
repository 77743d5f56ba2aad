/**
 * exact-gaussian: the likelihood gradient added to the prior score is the score of the exact
 * perturbed posterior p_t(x | y) = N(alpha m_post, alpha² C_post + std² I) (closed form built by
 * an independent code path), for mask / random projection / radon / mri, σ_y 0 and 0.05, VE and VP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GaussianPrior, Rng, VESDE, VPSDE, tf, type SDE } from '@scoresde/core';
import { ExactGaussianTerm } from '../src/terms/exactGaussian.js';
import { calibrationOperator, makeGaussianPrior, simulateMeasurement, smoothGaussianSpec, type CalibrationOperator } from '../src/calibration/problems.js';
import { exactPosterior, startBackend } from './helpers.js';

let worst = 0;
beforeAll(startBackend);
afterAll(() => console.log(`exact-gaussian: worst relative score error ${worst.toExponential(2)}`));

const cases: [CalibrationOperator, number, number][] = [
  ['mask', 4, 0], ['mask', 4, 0.05], ['matrix', 4, 0], ['matrix', 8, 0.05], ['radon', 8, 0], ['radon', 8, 0.05], ['mri', 8, 0], ['mri', 8, 0.05],
];

describe('exact-gaussian gradient = posterior score − prior score', () => {
  for (const sdeName of ['ve', 'vp'] as const) {
    for (const [opName, n, sigma] of cases) {
      it(`${sdeName} ${opName} ${n}×${n} σ=${sigma}`, async () => {
        const sde: SDE = sdeName === 've' ? new VESDE() : new VPSDE();
        const spec = smoothGaussianSpec(n, n);
        const prior = makeGaussianPrior(spec, sde);
        const op = calibrationOperator(opName, spec.shape, sigma);
        const { x: truth, y } = simulateMeasurement(prior, op, new Rng(3));
        const post = await exactPosterior(spec, op, y, sigma);
        const postPrior = new GaussianPrior({ shape: spec.shape, mean: post.mean, cov: post.cov, sde, psdTol: 1e-5 });
        const term = await ExactGaussianTerm.create({ prior, operator: op, y });
        const xs = new Rng(11).normalTensor([6, ...spec.shape]);
        for (const t of [1, 0.5, 0.1, 0.02, 1e-3]) {
          const { alpha } = sde.marginal(t);
          const { got, want, scale } = tf.tidy(() => {
            const x = tf.add(tf.mul(xs, sde.marginal(t).std), tf.mul(prior.sampleData(1, new Rng(5)), alpha));
            const g = tf.add(prior.score(x, t), term.grad(x, t));
            const w = postPrior.score(x, t);
            return { got: g.dataSync(), want: w.dataSync(), scale: tf.max(tf.abs(w)).dataSync()[0]! };
          });
          let err = 0;
          for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i]! - want[i]!));
          worst = Math.max(worst, err / scale);
          expect(err / scale, `t=${t}`).toBeLessThan(1e-5);
        }
        expect(tf.memory().numTensors).toBeGreaterThan(0);
        tf.dispose([truth, y, xs]);
        term.dispose();
        prior.dispose();
        postPrior.dispose();
        op.dispose?.();
      });
    }
  }
});
