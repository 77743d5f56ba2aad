/**
 * The DSM loss against closed forms. For data x₀ ~ N(0, s² I_d) the perturbed marginal is
 * N(0, v I) with v = α²s² + σ², its exact score is −x/v, and at a fixed t
 *   E[Σ(σ·s(x_t) + z)²] = d · α²s² / v          (λ = σ²)
 *   E[Σ(s(x_t) + z/σ)²]·g² = g²/σ² · d · α²s² / v   (likelihood weighting)
 * which is also the minimum over score functions; a perturbed score (×1.2) does worse.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, VESDE, VPSDE, SubVPSDE, drawDsmNoise, dsmLoss, dsmLosses, initBackend, tf, type SDE, type DsmNoise } from '@scoresde/core';

const D = 64; // pixels per sample: [8, 8, 1]
const B = 2500;
const S = 0.7; // data std

function gaussianBatch(rng: Rng): tf.Tensor {
  return tf.mul(rng.normalTensor([B, 8, 8, 1]), S);
}

function exactScore(sde: SDE, scale = 1) {
  return (xt: tf.Tensor, t: Float32Array): tf.Tensor => {
    const inv = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) {
      const { alpha, std } = sde.marginal(t[i]!);
      inv[i] = -scale / (alpha * alpha * S * S + std * std);
    }
    return tf.mul(xt, tf.tensor4d(inv, [t.length, 1, 1, 1]));
  };
}

describe('continuous DSM loss', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  const sdes: [string, SDE][] = [['ve', new VESDE({ sigmaMin: 0.01, sigmaMax: 5, N: 1000 })], ['vp', new VPSDE({})], ['subvp', new SubVPSDE({})]];
  it.each(sdes)('%s: the exact score gives d·α²s²/v at fixed t, with and without likelihood weighting', async (_n, sde) => {
    const rng = new Rng(11);
    for (const tFix of [0.05, 0.4, 0.9]) {
      const x0 = gaussianBatch(rng);
      const noise: DsmNoise = { t: new Float32Array(B).fill(tFix), z: rng.normalArray(B * D) };
      const { alpha, std } = sde.marginal(Math.fround(tFix));
      const v = alpha * alpha * S * S + std * std;
      const expected = (D * alpha * alpha * S * S) / v;
      const losses = dsmLosses(exactScore(sde), x0, noise, sde);
      const arr = (await losses.data()) as Float32Array;
      let m = 0;
      let m2 = 0;
      for (const l of arr) {
        m += l;
        m2 += l * l;
      }
      m /= B;
      const se = Math.sqrt((m2 / B - m * m) / B);
      expect(Math.abs(m - expected), `t=${tFix}: ${m} vs ${expected} (se ${se})`).toBeLessThan(4 * se + 1e-4 * expected);
      const g2 = sde.diffusion(Math.fround(tFix)) ** 2;
      const lw = (await dsmLoss(exactScore(sde), x0, noise, sde, { likelihoodWeighting: true }).data())[0]!;
      const lwExpected = (g2 / (std * std)) * expected;
      expect(Math.abs(lw - lwExpected) / lwExpected).toBeLessThan((4 * se) / expected + 1e-4);
      tf.dispose([x0, losses]);
    }
  });

  it.each(sdes)('%s: the exact score beats a perturbed one over t ~ U(ε, 1)', async (_n, sde) => {
    const rng = new Rng(12);
    const x0 = gaussianBatch(rng);
    const noise = drawDsmNoise(rng, B, [8, 8, 1], sde);
    expect(Math.min(...noise.t)).toBeGreaterThanOrEqual(1e-5);
    expect(Math.max(...noise.t)).toBeLessThan(1);
    const exact = (await dsmLoss(exactScore(sde), x0, noise, sde).data())[0]!;
    const off = (await dsmLoss(exactScore(sde, 1.2), x0, noise, sde).data())[0]!;
    const zero = (await dsmLoss(() => tf.zeros([B, 8, 8, 1]), x0, noise, sde).data())[0]!;
    // A zero score leaves Σz² = d per sample.
    expect(Math.abs(zero - D)).toBeLessThan(0.5);
    expect(exact).toBeLessThan(off);
    expect(exact).toBeLessThan(zero);
    x0.dispose();
  });

  it('draws t then z from the stream and refuses mismatched noise', () => {
    const sde = new VPSDE({});
    const a = drawDsmNoise(new Rng(3), 2, [2, 2, 1], sde);
    const r = new Rng(3);
    const t0 = r.uniform() * (1 - 1e-5) + 1e-5;
    expect(a.t[0]).toBe(Math.fround(t0));
    r.uniform();
    expect(a.z[0]).toBe(Math.fround(r.normal()));
    const x0 = tf.zeros([3, 2, 2, 1]);
    expect(() => dsmLosses(exactScore(sde), x0, a, sde)).toThrow(/does not match a batch/);
    expect(() => drawDsmNoise(new Rng(1), 1, [1], sde, 0)).toThrow(/eps must lie/);
    x0.dispose();
  });
});
