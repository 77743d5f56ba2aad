/**
 * Probability-flow ODE: encode/decode round trip (relative error ≤ 1e-3 at rtol = atol = 1e-5),
 * encoding data gives latents distributed as the prior, NFE bookkeeping, fixed-step Euler/Heun
 * sampling accuracy, and projection handling.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initBackend, odeDecode, odeEncode, odeSample, tf, ScoresdeError, type LikelihoodTerm } from '@scoresde/core';
import { COV_BOUND, MEAN_BOUND, gaussianErrors } from './checks.js';
import { covRelError, moments } from './helpers.js';
import { SDES, gaussian16 } from './problems.js';

const report: string[] = [];
beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});
afterAll(() => console.log(`ODE:\n${report.join('\n')}`));

async function relErr(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const r = tf.tidy(() => tf.div(tf.norm(tf.sub(a, b)), tf.norm(b)));
  const v = (await r.data())[0]!;
  r.dispose();
  return v;
}

describe.each(['ve', 'vp', 'subvp'] as const)('%s: encode / decode', (name) => {
  it('decode(encode(x)) ≈ x (rel. error ≤ 1e-3), latents ~ prior, sane NFE', async () => {
    const sde = SDES[name]();
    const p = gaussian16(sde);
    const score = (x: tf.Tensor, t: number | Float32Array) => p.prior.score(x, t);
    const x = p.prior.sampleData(4000, new Rng(7));
    const before = tf.memory().numTensors;
    const enc = await odeEncode(x, { sde, score, rtol: 1e-5, atol: 1e-5 });
    const dec = await odeDecode(enc.x, { sde, score, rtol: 1e-5, atol: 1e-5 });
    expect(tf.memory().numTensors).toBe(before + 2);
    const err = await relErr(dec.x, x);
    // Latents: p_T of the Gaussian data is N(alpha_T μ, alpha_T² C + std_T² I); the prior is
    // N(0, σ_T² I) with σ_T = σ_max (VE) or 1. Compare the latent covariance to the exact p_T one.
    const { alpha, std } = sde.marginal(sde.T);
    const m = moments(await enc.x.data(), p.d);
    const covT = p.cov.map((c, k) => alpha * alpha * c + (k % (p.d + 1) === 0 ? std * std : 0));
    const latentCovErr = covRelError(m.cov, covT);
    report.push(`${name}: round trip rel err ${err.toExponential(2)}, nfe encode ${enc.nfe} decode ${dec.nfe}, latent cov err ${latentCovErr.toFixed(4)}`);
    expect(err).toBeLessThanOrEqual(1e-3);
    expect(latentCovErr).toBeLessThanOrEqual(COV_BOUND);
    for (const r of [enc, dec]) {
      expect(r.nfe).toBe(2 + 6 * (r.steps + r.rejected));
      expect(r.nfe).toBeGreaterThanOrEqual(20);
      expect(r.nfe).toBeLessThanOrEqual(600);
    }
    tf.dispose([x, enc.x, dec.x]);
    p.prior.dispose();
  });
});

describe('fixed-step probability-flow samplers (VP, 4000 samples)', () => {
  for (const [method, steps] of [['heun', 200], ['euler', 500]] as const) {
    it(`${method}, ${steps} steps, meets the acceptance bounds`, async () => {
      const sde = SDES.vp();
      const p = gaussian16(sde);
      const r = await odeSample({ sde, score: (x, t) => p.prior.score(x, t), method, steps, shape: [4000, ...p.shape], rng: new Rng(210) });
      expect(r.nfe).toBe((method === 'heun' ? 2 : 1) * steps + 1);
      const e = await gaussianErrors(r.x, p);
      report.push(`vp ${method} ${steps} steps: mean ${e.mean.toFixed(4)} cov ${e.cov.toFixed(4)}`);
      expect(e.mean).toBeLessThanOrEqual(MEAN_BOUND);
      expect(e.cov).toBeLessThanOrEqual(COV_BOUND);
      p.prior.dispose();
    });
  }
});

describe('ODE options', () => {
  const sde = SDES.vp();
  const score = (x: tf.Tensor) => tf.neg(x);
  /** A projection that pins the first coordinate to 0.25 and counts its calls. */
  function pinTerm(): LikelihoodTerm & { calls: number } {
    const term = {
      name: 'pin',
      weight: 1,
      calls: 0,
      project(x: tf.Tensor) {
        term.calls++;
        return tf.tidy(() => {
          const mask = tf.oneHot([0], x.size / x.shape[0]!).reshape([1, ...x.shape.slice(1)]);
          return tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(mask, 0.25));
        });
      },
    };
    return term;
  }

  it('ignores projections unless asked, applies them after every step when asked', async () => {
    const off = pinTerm();
    const r0 = await odeSample({ sde, score, shape: [3, 2, 1, 1], rng: new Rng(1), terms: [off], denoise: false, method: 'heun', steps: 10 });
    expect(off.calls).toBe(0);
    const on = pinTerm();
    const r1 = await odeSample({ sde, score, shape: [3, 2, 1, 1], rng: new Rng(1), terms: [on], project: true, denoise: false, method: 'heun', steps: 10 });
    expect(on.calls).toBe(10);
    const v = await r1.x.data();
    expect([v[0], v[2], v[4]]).toEqual([0.25, 0.25, 0.25]);
    const on45 = pinTerm();
    const r2 = await odeSample({ sde, score, shape: [3, 2, 1, 1], rng: new Rng(1), terms: [on45], project: true, denoise: false });
    expect(on45.calls).toBe(r2.steps);
    // the adaptive solver re-evaluates the derivative after each projection
    expect(r2.nfe).toBe(2 + 6 * (r2.steps + r2.rejected) + r2.steps);
    tf.dispose([r0.x, r1.x, r2.x]);
  });

  for (const method of ['rk45', 'heun', 'euler'] as const) {
    it(`${method}: tensor count constant across steps, everything but the result freed`, async () => {
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      const r = await odeSample({ sde, score, method, steps: 20, shape: [8, 2, 2, 1], rng: new Rng(3), onStep: () => counts.push(tf.memory().numTensors) });
      expect(counts.length).toBeGreaterThan(3);
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before + 1);
      r.x.dispose();
    });
  }

  it('follows the composed score: a likelihood gradient moves the sampled mean as predicted', async () => {
    // N(0, I) prior under VP (score −x at every t) plus w·grad = alpha(t)·c: exact score of N(c, I).
    const c = -0.75;
    const term: LikelihoodTerm = { name: 'pull', weight: 2, grad: (x, t, ctx) => tf.fill(x.shape, (ctx.sde.marginal(t).alpha * c) / 2) };
    const r = await odeSample({ sde, score, shape: [2000, 2, 2, 1], rng: new Rng(4), terms: [term] });
    const v = Array.from(await r.x.data());
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
    // 8000 unit-variance values: standard errors 0.011 (mean) and 0.016 (variance)
    expect(Math.abs(mean - c)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.07);
    r.x.dispose();
  });

  it('rejects bad options with one-line errors', async () => {
    await expect(odeSample({ sde, score, shape: [2, 2, 1, 1], rng: new Rng(1), method: 'rk23' as 'rk45' })).rejects.toThrow(/unknown ODE method 'rk23'/);
    await expect(odeSample({ sde, score, shape: [2, 2, 1, 1], rng: new Rng(1), rtol: -1 })).rejects.toThrow(ScoresdeError);
    await expect(odeSample({ sde, score, shape: [2, 2, 1, 1], rng: new Rng(1), eps: 2 })).rejects.toThrow(/eps must be/);
    await expect(odeSample({ sde, score, shape: [2, 2, 1, 1], rng: new Rng(1), method: 'euler', steps: 0 })).rejects.toThrow(/steps must be a positive integer/);
  });
});
