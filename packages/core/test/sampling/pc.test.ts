/**
 * PC sampler mechanics: tensor bookkeeping, seeding, progress, projections and likelihood terms,
 * the corrector/predictor order and times, and one-line errors.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  Rng, initBackend, pcSample, composeScore, reverseDiffusionPredictor, langevinCorrector, ancestralPredictor,
  eulerMaruyamaPredictor, noneCorrector, nonePredictor, aldCorrector, tf, ScoresdeError,
  type Corrector, type LikelihoodTerm, type Predictor, type SDE, type Tensor,
} from '@scoresde/core';
import { SDES, gaussian16 } from './problems.js';

beforeAll(async () => {
  await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
});

const linearScore = (x: Tensor) => tf.neg(x);

describe('tensor bookkeeping', () => {
  const cases: [string, () => Predictor, () => Corrector][] = [
    ['reverse_diffusion + langevin', reverseDiffusionPredictor, () => langevinCorrector({ snr: 0.16, nSteps: 2 })],
    ['euler_maruyama + ald', eulerMaruyamaPredictor, () => aldCorrector({ snr: 0.16 })],
    ['none + langevin per-sample', nonePredictor, () => langevinCorrector({ snr: 0.1, perSample: true })],
    ['ancestral + none', () => ancestralPredictor(SDES.ve()), noneCorrector],
  ];
  for (const [label, mkPred, mkCorr] of cases) {
    it(`${label}: numTensors constant across steps, only the result survives`, async () => {
      const sde = SDES.ve();
      const p = gaussian16(sde);
      const counts: number[] = [];
      const before = tf.memory().numTensors;
      const r = await pcSample({
        sde, score: (x, t) => p.prior.score(x, t), predictor: mkPred(), corrector: mkCorr(), shape: [16, ...p.shape], rng: new Rng(5), steps: 30,
        onStep: () => counts.push(tf.memory().numTensors),
      });
      expect(counts).toHaveLength(30);
      expect(new Set(counts).size).toBe(1);
      expect(tf.memory().numTensors).toBe(before + 1);
      r.x.dispose();
      p.prior.dispose();
    });
  }
});

describe('seeding', () => {
  async function run(seed: number, backend?: string): Promise<Float32Array> {
    if (backend) await initBackend(backend);
    const sde = SDES.vp();
    const p = gaussian16(sde);
    const r = await pcSample({ sde, score: (x, t) => p.prior.score(x, t), predictor: reverseDiffusionPredictor(), corrector: langevinCorrector({ snr: 0.16 }), shape: [64, ...p.shape], rng: new Rng(seed), steps: 50 });
    const v = (await r.x.data()) as Float32Array;
    r.x.dispose();
    p.prior.dispose();
    return v;
  }
  afterEach(async () => {
    await initBackend(process.env.SCORESDE_TEST_BACKEND ?? 'wasm');
  });
  it('same seed and backend → identical samples; another seed → different ones', async () => {
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });
  it('cpu and wasm agree to float32 rounding (noise is drawn on the host)', async () => {
    const a = await run(11, 'cpu');
    const b = await run(11, 'wasm');
    let maxDiff = 0;
    let maxAbs = 0;
    a.forEach((v, i) => {
      maxDiff = Math.max(maxDiff, Math.abs(v - b[i]!));
      maxAbs = Math.max(maxAbs, Math.abs(v));
    });
    expect(maxDiff / maxAbs).toBeLessThan(1e-4);
  });
});

describe('guidance terms', () => {
  const sde: SDE = SDES.vp();
  it('composeScore adds Σ w_k grad_k to the prior score, skips terms without grad', () => {
    const x = tf.tensor4d([1, -2, 3, 0.5], [2, 2, 1, 1]);
    const terms: LikelihoodTerm[] = [
      { name: 'a', weight: 2, grad: (v) => tf.onesLike(v) },
      { name: 'b', weight: 0.5, grad: (v) => tf.mul(v, 3) },
      { name: 'c', weight: 1, project: (v) => v },
    ];
    const s = composeScore(linearScore, terms, { sde, priorScore: linearScore, rng: new Rng(0) });
    const out = s(x, 0.3);
    expect(Array.from(out.dataSync())).toEqual([1, -2, 3, 0.5].map((v) => -v + 2 + 1.5 * v));
    expect(() => s(x, new Float32Array([0.1, 0.2]))).toThrow(ScoresdeError);
    expect(composeScore(linearScore, [terms[2]!], { sde, priorScore: linearScore, rng: new Rng(0) })).toBe(linearScore);
    tf.dispose([x, out]);
  });

  it('projections run after every corrector step (at t) and predictor step (at t − dt), on x and x̄', async () => {
    const seen: number[] = [];
    const term: LikelihoodTerm = {
      name: 'pin',
      weight: 1,
      project(x, t) {
        seen.push(t);
        return tf.tidy(() => {
          const mask = tf.oneHot([0], x.size / x.shape[0]!).reshape([1, ...x.shape.slice(1)]);
          return tf.add(tf.mul(x, tf.sub(1, mask)), tf.mul(mask, 0.25));
        });
      },
    };
    const steps = 5;
    const r = await pcSample({ sde, score: linearScore, predictor: reverseDiffusionPredictor(), corrector: langevinCorrector({ snr: 0.16, nSteps: 2 }), shape: [3, 2, 1, 1], rng: new Rng(1), steps, terms: [term] });
    const v = await r.x.data();
    expect([v[0], v[2], v[4]]).toEqual([0.25, 0.25, 0.25]);
    // per time step: 2 corrector steps + 1 predictor step, each projecting x and x̄
    expect(seen).toHaveLength(steps * 3 * 2);
    const dt = (sde.T - sde.eps) / (steps - 1);
    for (let i = 0; i < steps; i++) {
      const t = i === steps - 1 ? sde.eps : sde.T - i * dt;
      const got = seen.slice(6 * i, 6 * i + 6);
      expect(got.slice(0, 4)).toEqual([t, t, t, t]);
      expect(got[4]).toBeCloseTo(Math.max(t - dt, 0), 12);
    }
    r.x.dispose();
  });

  it('a likelihood gradient shifts the sampled mean exactly as predicted', async () => {
    // Prior N(0, I) under VP has the exact score −x at every t (alpha² + std² = 1). Adding the
    // weighted term w·grad = alpha(t)·c gives −(x − alpha(t) c), the exact score of the data
    // distribution N(c, I) diffused to t; the sampled mean must be c.
    const c = 1.5;
    const w = 0.5;
    const term: LikelihoodTerm = { name: 'pull', weight: w, grad: (x, t, ctx) => tf.fill(x.shape, (ctx.sde.marginal(t).alpha * c) / w) };
    const r = await pcSample({ sde, score: linearScore, predictor: reverseDiffusionPredictor(), corrector: noneCorrector(), shape: [4000, 2, 2, 1], rng: new Rng(9), steps: 200, terms: [term] });
    const v = await r.x.data();
    let mean = 0;
    v.forEach((u) => (mean += u));
    mean /= v.length;
    // 16000 values of unit variance: the standard error of the mean is 0.008.
    expect(Math.abs(mean - c)).toBeLessThan(0.04);
    const without = await pcSample({ sde, score: linearScore, predictor: reverseDiffusionPredictor(), corrector: noneCorrector(), shape: [4000, 2, 2, 1], rng: new Rng(9), steps: 200 });
    const v0 = await without.x.data();
    expect(Math.abs(Array.from(v0).reduce((a, b) => a + b, 0) / v0.length)).toBeLessThan(0.04);
    tf.dispose([r.x, without.x]);
  });
});

describe('options and errors', () => {
  const sde = SDES.vp();
  const base = { sde, score: linearScore, predictor: eulerMaruyamaPredictor(), corrector: noneCorrector(), shape: [2, 2, 1, 1], rng: new Rng(1) };
  it('reports progress (step, total) and counts score evaluations', async () => {
    const calls: [number, number][] = [];
    const r = await pcSample({ ...base, corrector: langevinCorrector({ snr: 0.16, nSteps: 3 }), steps: 7, onStep: (s, n) => calls.push([s, n]) });
    expect(calls).toEqual(Array.from({ length: 7 }, (_, i) => [i + 1, 7]));
    expect(r.nfe).toBe(7 * 4);
    r.x.dispose();
  });
  it('denoise returns x̄ of the last predictor step; init is used and not disposed', async () => {
    const init = tf.ones([2, 2, 1, 1]);
    // EM with score −x: the last step's mean is x − (a x + g² x) dt, deterministic given x.
    const r1 = await pcSample({ ...base, steps: 1, init, denoise: true });
    const r2 = await pcSample({ ...base, steps: 1, init, denoise: false });
    const a = sde.driftCoef(sde.T);
    const g2 = sde.diffusion(sde.T) ** 2;
    const dt = sde.T - sde.eps;
    const mean = 1 - (a + g2) * dt;
    for (const v of await r1.x.data()) expect(v).toBeCloseTo(mean, 5);
    const noisy = await r2.x.data();
    expect(noisy.some((v) => Math.abs(v - mean) > 1e-3)).toBe(true);
    expect(init.isDisposed).toBe(false);
    tf.dispose([init, r1.x, r2.x]);
  });
  it('one-line errors for bad input', async () => {
    await expect(pcSample({ ...base, steps: 0 })).rejects.toThrow(/steps must be a positive integer/);
    await expect(pcSample({ ...base, eps: 0 })).rejects.toThrow(/eps must be a number in \(0, T/);
    await expect(pcSample({ ...base, shape: [2, 0, 1] })).rejects.toThrow(/sample shape/);
    await expect(pcSample({ ...base, init: tf.zeros([3, 2, 1, 1]) })).rejects.toThrow(/initial state has shape \[3, 2, 1, 1\]/);
    await expect(pcSample({ ...base, correctorSteps: -1 })).rejects.toThrow(/corrector steps/);
    expect(() => ancestralPredictor(SDES.subvp())).toThrow(/ancestral_sampling' supports only the ve and vp SDEs, not 'subvp'/);
  });
});
