/**
 * Issue 2 acceptance: the 16-dimensional non-diagonal Gaussian under VE, VP and sub-VP. Every
 * sampler draws 4000 samples (one [4000, 4, 4, 1] batch, fixed seed) and must reach a mean error
 * ≤ 0.05·σ_max and a covariance relative Frobenius error ≤ 0.1 (sampling noise alone is ≈ 0.01
 * and ≈ 0.045). PC: reverse_diffusion + langevin (snr 0.16, score_sde's default), 1000 steps;
 * predictor-only euler_maruyama and ancestral_sampling, 1000 steps; probability-flow ODE with
 * RK45 at rtol = atol = 1e-5. Backend: wasm (SCORESDE_TEST_BACKEND=cpu to use the reference).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Rng, initBackend, pcSample, odeSample, ancestralPredictor, eulerMaruyamaPredictor, langevinCorrector,
  noneCorrector, reverseDiffusionPredictor, type Predictor, type Corrector, type SDE,
} from '@scoresde/core';
import { COV_BOUND, MEAN_BOUND, gaussianErrors } from './checks.js';
import { SDES, gaussian16 } from './problems.js';

const N = 4000;
const report: string[] = [];

beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});
afterAll(() => console.log(`Gaussian acceptance (mean err / σ_max, cov rel err):\n${report.join('\n')}`));

const pcCases: [string, (sde: SDE) => Predictor, () => Corrector, string[]][] = [
  ['reverse_diffusion + langevin', () => reverseDiffusionPredictor(), () => langevinCorrector({ snr: 0.16 }), ['ve', 'vp', 'subvp']],
  ['euler_maruyama', () => eulerMaruyamaPredictor(), () => noneCorrector(), ['ve', 'vp', 'subvp']],
  ['ancestral_sampling', (sde) => ancestralPredictor(sde), () => noneCorrector(), ['ve', 'vp']],
];

describe.each(['ve', 'vp', 'subvp'] as const)('%s SDE, 16-d Gaussian, 4000 samples', (name) => {
  let seed = 100;
  for (const [label, mkPred, mkCorr, sdes] of pcCases) {
    if (!sdes.includes(name)) continue;
    const s = seed++;
    it(`PC ${label}, 1000 steps`, async () => {
      const sde = SDES[name]();
      const p = gaussian16(sde);
      const r = await pcSample({ sde, score: (x, t) => p.prior.score(x, t), predictor: mkPred(sde), corrector: mkCorr(), shape: [N, ...p.shape], rng: new Rng(s), steps: 1000 });
      expect(r.nfe).toBe(label.includes('langevin') ? 2000 : 1000);
      const e = await gaussianErrors(r.x, p);
      report.push(`${name} PC ${label}: ${e.mean.toFixed(4)} ${e.cov.toFixed(4)}`);
      expect(e.mean).toBeLessThanOrEqual(MEAN_BOUND);
      expect(e.cov).toBeLessThanOrEqual(COV_BOUND);
      p.prior.dispose();
    });
  }
  it('probability-flow ODE, RK45 rtol = atol = 1e-5', async () => {
    const sde = SDES[name]();
    const p = gaussian16(sde);
    const r = await odeSample({ sde, score: (x, t) => p.prior.score(x, t), shape: [N, ...p.shape], rng: new Rng(200), rtol: 1e-5, atol: 1e-5 });
    // 2 evaluations to start, 6 per attempt, 1 for the denoising step.
    expect(r.nfe).toBe(2 + 6 * (r.steps + r.rejected) + 1);
    expect(r.nfe).toBeGreaterThan(20);
    expect(r.nfe).toBeLessThan(1000);
    const e = await gaussianErrors(r.x, p);
    report.push(`${name} ODE rk45: ${e.mean.toFixed(4)} ${e.cov.toFixed(4)} (nfe ${r.nfe})`);
    expect(e.mean).toBeLessThanOrEqual(MEAN_BOUND);
    expect(e.cov).toBeLessThanOrEqual(COV_BOUND);
    p.prior.dispose();
  });
});
