/**
 * One predictor / corrector step against the score_sde_pytorch formulas evaluated on the host in
 * float64, with the SDE coefficients written out independently (VE σ(t) = 0.01·5000^t; VP
 * β(t) = 0.1 + 19.9t, alpha(t) = exp(−¼t²·19.9 − ½t·0.1)) and the same noise (the step draws
 * z from Rng(seed); the reference draws it from another Rng(seed)).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Rng, initBackend, tf, ancestralPredictor, eulerMaruyamaPredictor, reverseDiffusionPredictor, langevinCorrector,
  aldCorrector, type Predictor, type Corrector, type SDE, type StepContext,
} from '@scoresde/core';
import { SDES } from './problems.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const B = 3;
const D = 4;
const X0 = Array.from({ length: B * D }, (_, i) => Math.sin(1.7 * i + 0.3) * 2);
/** A nonlinear test score, s(x) = −2 tanh(x) + 0.3. */
const scoreHost = (v: number) => -2 * Math.tanh(v) + 0.3;
const score = (x: tf.Tensor) => tf.tidy(() => tf.add(tf.mul(tf.tanh(x), -2), 0.3));

const sigmaVE = (t: number) => 0.01 * 5000 ** t;
const betaVP = (t: number) => 0.1 + 19.9 * t;
const alphaVP = (t: number) => Math.exp(-0.25 * t * t * 19.9 - 0.5 * t * 0.1);

interface Ref { mean: number[]; x: number[] }

async function runStep(part: Predictor | Corrector, sde: SDE, t: number, dt: number, seed: number): Promise<{ mean: Float32Array; x: Float32Array }> {
  const x = tf.tensor4d(X0, [B, D, 1, 1]);
  const ctx: StepContext = { sde, score, rng: new Rng(seed), dt };
  const r = part.step(x, t, ctx);
  const out = { mean: (await r.xMean.data()) as Float32Array, x: (await r.x.data()) as Float32Array };
  tf.dispose([x, r.x, r.xMean]);
  return out;
}

function expectClose(got: Float32Array, ref: number[]): void {
  ref.forEach((v, i) => expect(Math.abs(got[i]! - v)).toBeLessThan(2e-5 * Math.max(1, Math.abs(v))));
}

async function check(part: Predictor | Corrector, sde: SDE, t: number, dt: number, ref: (z: number[]) => Ref): Promise<void> {
  const seed = 42;
  const z = Array.from(new Rng(seed).normalArray(B * D));
  const got = await runStep(part, sde, t, dt, seed);
  const want = ref(z);
  expectClose(got.mean, want.mean);
  expectClose(got.x, want.x);
}

describe('predictor steps', () => {
  it('euler_maruyama (VP): x̄ = x − (−½β x − β s)dt, x = x̄ + √β √dt z', async () => {
    const t = 0.6;
    const dt = 0.01;
    await check(eulerMaruyamaPredictor(), SDES.vp(), t, dt, (z) => {
      const b = betaVP(t);
      const mean = X0.map((v) => v - (-0.5 * b * v - b * scoreHost(v)) * dt);
      return { mean, x: mean.map((m, i) => m + Math.sqrt(b) * Math.sqrt(dt) * z[i]!) };
    });
  });
  it('euler_maruyama (VE): g² = d σ²/dt = 2σ² ln(σmax/σmin)', async () => {
    const t = 0.3;
    const dt = 0.002;
    await check(eulerMaruyamaPredictor(), SDES.ve(), t, dt, (z) => {
      const g2 = 2 * sigmaVE(t) ** 2 * Math.log(5000);
      const mean = X0.map((v) => v + g2 * scoreHost(v) * dt);
      return { mean, x: mean.map((m, i) => m + Math.sqrt(g2 * dt) * z[i]!) };
    });
  });
  it('reverse_diffusion (VE): x̄ = x + (σ(t)² − σ(t−dt)²) s, x = x̄ + √(σ(t)² − σ(t−dt)²) z', async () => {
    const t = 0.5;
    const dt = 0.01;
    await check(reverseDiffusionPredictor(), SDES.ve(), t, dt, (z) => {
      const G2 = sigmaVE(t) ** 2 - sigmaVE(t - dt) ** 2;
      const mean = X0.map((v) => v + G2 * scoreHost(v));
      return { mean, x: mean.map((m, i) => m + Math.sqrt(G2) * z[i]!) };
    });
  });
  it('reverse_diffusion (VP): 1 − β = (alpha(t)/alpha(t−dt))², x̄ = x − (√(1−β) − 1)x + β s', async () => {
    const t = 0.7;
    const dt = 0.01;
    await check(reverseDiffusionPredictor(), SDES.vp(), t, dt, (z) => {
      const a = alphaVP(t) / alphaVP(t - dt);
      const beta = 1 - a * a;
      const mean = X0.map((v) => v - (a - 1) * v + beta * scoreHost(v));
      return { mean, x: mean.map((m, i) => m + Math.sqrt(beta) * z[i]!) };
    });
  });
  it('ancestral_sampling (VE): x̄ = x + (σ² − σ′²)s, x = x̄ + √(σ′²(σ² − σ′²)/σ²) z', async () => {
    const t = 0.4;
    const dt = 0.01;
    await check(ancestralPredictor(SDES.ve()), SDES.ve(), t, dt, (z) => {
      const s2 = sigmaVE(t) ** 2;
      const p2 = sigmaVE(t - dt) ** 2;
      const mean = X0.map((v) => v + (s2 - p2) * scoreHost(v));
      return { mean, x: mean.map((m, i) => m + Math.sqrt((p2 * (s2 - p2)) / s2) * z[i]!) };
    });
  });
  it('ancestral_sampling (VE) last step to t = 0: σ′ = 0, no noise, x̄ = x + σ(ε)² s', async () => {
    const t = 1e-5;
    await check(ancestralPredictor(SDES.ve()), SDES.ve(), t, t, () => {
      const mean = X0.map((v) => v + sigmaVE(t) ** 2 * scoreHost(v));
      return { mean, x: mean };
    });
  });
  it('ancestral_sampling (VP): x̄ = (x + β s)/√(1 − β), x = x̄ + √β z', async () => {
    const t = 0.2;
    const dt = 0.01;
    await check(ancestralPredictor(SDES.vp()), SDES.vp(), t, dt, (z) => {
      const a = alphaVP(t) / alphaVP(t - dt);
      const beta = 1 - a * a;
      const mean = X0.map((v) => (v + beta * scoreHost(v)) / Math.sqrt(1 - beta));
      return { mean, x: mean.map((m, i) => m + Math.sqrt(beta) * z[i]!) };
    });
  });
});

describe('corrector steps', () => {
  const rowNorm = (v: number[], b: number) => Math.hypot(...v.slice(b * D, (b + 1) * D));
  const avgNorm = (v: number[]) => Array.from({ length: B }, (_, b) => rowNorm(v, b)).reduce((p, q) => p + q, 0) / B;

  it('langevin (VE, a = 1): ε = 2(snr·mean‖z‖/mean‖s‖)², batch-averaged norms', async () => {
    const snr = 0.16;
    await check(langevinCorrector({ snr }), SDES.ve(), 0.5, 0.001, (z) => {
      const s = X0.map(scoreHost);
      const eps = 2 * (snr * avgNorm(z) / avgNorm(s)) ** 2;
      const mean = X0.map((v, i) => v + eps * s[i]!);
      return { mean, x: mean.map((m, i) => m + Math.sqrt(2 * eps) * z[i]!) };
    });
  });
  it('langevin (VP): a = 1 − β = (alpha(t)/alpha(t−dt))²; per-sample step sizes', async () => {
    const snr = 0.1;
    const t = 0.5;
    const dt = 0.001;
    await check(langevinCorrector({ snr, perSample: true }), SDES.vp(), t, dt, (z) => {
      const a = (alphaVP(t) / alphaVP(t - dt)) ** 2;
      const s = X0.map(scoreHost);
      const eps = Array.from({ length: B }, (_, b) => 2 * a * (snr * rowNorm(z, b) / rowNorm(s, b)) ** 2);
      const mean = X0.map((v, i) => v + eps[Math.floor(i / D)]! * s[i]!);
      return { mean, x: mean.map((m, i) => m + Math.sqrt(2 * eps[Math.floor(i / D)]!) * z[i]!) };
    });
  });
  it('ald (VP): ε = 2a(snr·std(t))², std(t) = √(1 − alpha(t)²)', async () => {
    const snr = 0.16;
    const t = 0.3;
    const dt = 0.001;
    await check(aldCorrector({ snr }), SDES.vp(), t, dt, (z) => {
      const a = (alphaVP(t) / alphaVP(t - dt)) ** 2;
      const eps = 2 * a * (snr * Math.sqrt(1 - alphaVP(t) ** 2)) ** 2;
      const mean = X0.map((v) => v + eps * scoreHost(v));
      return { mean, x: mean.map((m, i) => m + Math.sqrt(2 * eps) * z[i]!) };
    });
  });
});
