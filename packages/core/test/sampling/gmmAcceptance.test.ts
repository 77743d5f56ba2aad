/**
 * Issue 2 acceptance: a 3-component 2-d GMM (weights 0.5/0.3/0.2, full / diagonal / isotropic
 * covariances). 12000 samples (≈ 2400–6000 per component, so per-component sampling noise stays
 * well inside the bounds); each sample is classified by argmax of the exact responsibilities
 * p_ε(k | x). Component frequencies must be within ±3 points of the weights, per-component mean
 * error ≤ 0.05·σ_max,k and covariance relative Frobenius error ≤ 0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, pcSample, odeSample, langevinCorrector, reverseDiffusionPredictor } from '@scoresde/core';
import { COV_BOUND, FREQ_BOUND, MEAN_BOUND, gmmErrors, type GmmErrors } from './checks.js';
import { SDES, gmm3 } from './problems.js';

const N = 12000;
const report: string[] = [];

beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});
afterAll(() => console.log(`GMM acceptance (freq; per component mean err / σ_max, cov rel err):\n${report.join('\n')}`));

function record(label: string, e: GmmErrors): void {
  report.push(`${label}: freq ${e.freq.map((f) => f.toFixed(4)).join('/')}; ${e.components.map((c) => `${c.mean.toFixed(3)} ${c.cov.toFixed(3)}`).join('; ')}`);
}

function expectAccepted(e: GmmErrors): void {
  expect(e.freqErr).toBeLessThanOrEqual(FREQ_BOUND);
  for (const c of e.components) {
    expect(c.mean).toBeLessThanOrEqual(MEAN_BOUND);
    expect(c.cov).toBeLessThanOrEqual(COV_BOUND);
  }
}

describe.each(['ve', 'vp', 'subvp'] as const)('%s SDE, 3-component GMM, 12000 samples', (name) => {
  it('PC reverse_diffusion + langevin (snr 0.16), 1000 steps', async () => {
    const sde = SDES[name]();
    const p = gmm3(sde);
    const r = await pcSample({ sde, score: (x, t) => p.prior.score(x, t), predictor: reverseDiffusionPredictor(), corrector: langevinCorrector({ snr: 0.16 }), shape: [N, ...p.shape], rng: new Rng(300), steps: 1000 });
    const e = await gmmErrors(r.x, p, sde.eps);
    record(`${name} PC`, e);
    expectAccepted(e);
    p.prior.dispose();
  });
  it('probability-flow ODE, RK45 rtol = atol = 1e-5', async () => {
    const sde = SDES[name]();
    const p = gmm3(sde);
    const r = await odeSample({ sde, score: (x, t) => p.prior.score(x, t), shape: [N, ...p.shape], rng: new Rng(301) });
    const e = await gmmErrors(r.x, p, sde.eps);
    record(`${name} ODE (nfe ${r.nfe})`, e);
    expectAccepted(e);
    p.prior.dispose();
  });
});
