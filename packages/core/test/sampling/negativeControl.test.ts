/**
 * Negative controls: deliberately wrong samplers, run exactly like the acceptance tests (same
 * problems, sample sizes, seeds and bounds), must FAIL the moment checks. This shows the
 * acceptance tests have the power to catch a wrong formula: a 5% error in the score or a 10%
 * error in the diffusion coefficient is caught (a 5% noise error gives cov error ≈ 0.099, at the
 * bound, which is the resolution 4000 samples allow).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, noneCorrector, odeSample, pcSample, reverseDiffusionPredictor, reverseDrift, tf, type Corrector, type Predictor } from '@scoresde/core';
import { COV_BOUND, FREQ_BOUND, gaussianErrors, gmmErrors, passes } from './checks.js';
import { SDES, gaussian16, gmm3 } from './problems.js';

const report: string[] = [];
beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});
afterAll(() => console.log(`Negative controls:\n${report.join('\n')}`));

/** Langevin with the step doubled and no noise: x ← x + 2ε s (a gradient-ascent "corrector"). */
function noiselessDoubledLangevin(snr: number): Corrector {
  return {
    name: 'wrong-langevin',
    step(x, t, ctx) {
      return tf.tidy(() => {
        const s = ctx.score(x, t);
        const z = ctx.rng.normalTensor(x.shape);
        const norm = (v: tf.Tensor) => tf.mean(tf.sqrt(tf.sum(tf.square(tf.reshape(v, [v.shape[0]!, -1])), 1)));
        const eps = tf.mul(tf.square(tf.div(tf.mul(norm(z), snr), norm(s))), 2 * 2);
        const xMean = tf.add(x, tf.mul(eps, s));
        return { x: xMean, xMean: tf.clone(xMean) };
      });
    },
  };
}

/** Euler–Maruyama with the noise scale g·√dt multiplied by `factor` (a 10% error in g). */
function eulerMaruyamaWrongNoise(factor: number): Predictor {
  return {
    name: 'wrong-euler-maruyama',
    step(x, t, ctx) {
      return tf.tidy(() => {
        const xMean = tf.sub(x, tf.mul(reverseDrift(ctx.sde, ctx.score, x, t), ctx.dt));
        const z = ctx.rng.normalTensor(x.shape);
        return { x: tf.add(xMean, tf.mul(z, factor * ctx.sde.diffusion(t) * Math.sqrt(ctx.dt))), xMean };
      });
    },
  };
}

describe('wrong samplers fail the acceptance checks', () => {
  it('ODE (VP) with the score scaled by 0.95 fails the covariance check', async () => {
    const sde = SDES.vp();
    const p = gaussian16(sde);
    const r = await odeSample({ sde, score: (x, t) => tf.tidy(() => tf.mul(p.prior.score(x, t), 0.95)), shape: [4000, ...p.shape], rng: new Rng(200) });
    const e = await gaussianErrors(r.x, p);
    report.push(`vp ODE, score × 0.95: mean ${e.mean.toFixed(4)} cov ${e.cov.toFixed(4)}`);
    expect(e.cov).toBeGreaterThan(COV_BOUND);
    expect(passes(e)).toBe(false);
    p.prior.dispose();
  });

  it('Euler–Maruyama (VE) with the noise scale 10% too large fails the covariance check', async () => {
    const sde = SDES.ve();
    const p = gaussian16(sde);
    const r = await pcSample({ sde, score: (x, t) => p.prior.score(x, t), predictor: eulerMaruyamaWrongNoise(1.1), corrector: noneCorrector(), shape: [4000, ...p.shape], rng: new Rng(101), steps: 1000 });
    const e = await gaussianErrors(r.x, p);
    report.push(`ve EM, noise × 1.1: mean ${e.mean.toFixed(4)} cov ${e.cov.toFixed(4)}`);
    expect(e.cov).toBeGreaterThan(COV_BOUND);
    expect(passes(e)).toBe(false);
    p.prior.dispose();
  });

  it('PC (VP) with a noiseless, doubled Langevin step fails the covariance check', async () => {
    const sde = SDES.vp();
    const p = gaussian16(sde);
    const r = await pcSample({ sde, score: (x, t) => p.prior.score(x, t), predictor: reverseDiffusionPredictor(), corrector: noiselessDoubledLangevin(0.16), shape: [4000, ...p.shape], rng: new Rng(100), steps: 1000 });
    const e = await gaussianErrors(r.x, p);
    report.push(`vp PC, noiseless doubled Langevin: mean ${e.mean.toFixed(4)} cov ${e.cov.toFixed(4)}`);
    expect(e.cov).toBeGreaterThan(COV_BOUND);
    expect(passes(e)).toBe(false);
    p.prior.dispose();
  });

  it('ODE on a GMM with uniform instead of 0.5/0.3/0.2 weights fails the frequency check', async () => {
    const sde = SDES.vp();
    const p = gmm3(sde);
    const wrong = gmm3(sde, [1, 1, 1]);
    const r = await odeSample({ sde, score: (x, t) => wrong.prior.score(x, t), shape: [12000, ...p.shape], rng: new Rng(301) });
    const e = await gmmErrors(r.x, p, sde.eps);
    report.push(`vp ODE, uniform-weight GMM: freq ${e.freq.map((f) => f.toFixed(3)).join('/')}`);
    expect(e.freqErr).toBeGreaterThan(FREQ_BOUND);
    p.prior.dispose();
    wrong.prior.dispose();
  });
});
