import { describe, it, expect } from 'vitest';
import { Rng, ScoresdeError, tf } from '@scoresde/core';
import { GaussianNoise, NoNoise, PoissonNoise, logGamma, noiseFromParams, noiseSchema, samplePoisson } from '@scoresde/forward-operators';

describe('noise models', () => {
  it('none returns the clean signal', () => {
    const c = tf.tensor([1, 2, 3]);
    const y = new NoNoise().sample(c);
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3]);
  });

  it('gaussian has the requested standard deviation and zero mean', () => {
    const c = tf.fill([20000], 2);
    const y = new GaussianNoise(0.3).sample(c, new Rng(1));
    const d = y.dataSync();
    let m = 0;
    for (const v of d) m += v;
    m /= d.length;
    let s = 0;
    for (const v of d) s += (v - m) ** 2;
    const sd = Math.sqrt(s / (d.length - 1));
    expect(Math.abs(m - 2)).toBeLessThan(4 * (0.3 / Math.sqrt(20000)));
    expect(Math.abs(sd - 0.3)).toBeLessThan(0.01);
  });

  it('logGamma matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(11)).toBeCloseTo(Math.log(3628800), 10);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });

  it('poisson draws follow the exact pmf for small and large λ', () => {
    for (const lam of [3.5, 40]) {
      const rng = new Rng(7);
      const n = 40000;
      const counts = new Map<number, number>();
      for (let i = 0; i < n; i++) {
        const k = samplePoisson(rng, lam);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      let worst = 0;
      for (let k = Math.max(0, Math.floor(lam - 3 * Math.sqrt(lam))); k <= lam + 3 * Math.sqrt(lam); k++) {
        const p = Math.exp(-lam + k * Math.log(lam) - logGamma(k + 1));
        const f = (counts.get(k) ?? 0) / n;
        worst = Math.max(worst, Math.abs(f - p) / Math.sqrt(p / n));
      }
      expect(worst).toBeLessThan(4.5);
    }
  });

  it('poisson CT noise is post-log with variance ≈ exp(p)/I0', () => {
    const p = 1.5;
    const i0 = 1e4;
    const y = new PoissonNoise(i0).sample(tf.fill([20000], p), new Rng(3)).dataSync();
    let m = 0;
    for (const v of y) m += v;
    m /= y.length;
    let s = 0;
    for (const v of y) s += (v - m) ** 2;
    const varY = s / (y.length - 1);
    expect(Math.abs(m - p)).toBeLessThan(2e-3);
    expect(varY / (Math.exp(p) / i0)).toBeGreaterThan(0.95);
    expect(varY / (Math.exp(p) / i0)).toBeLessThan(1.05);
  });

  it('noiseFromParams builds the model and rejects bad settings in one line', () => {
    expect(noiseFromParams(noiseSchema.parse({})).kind).toBe('none');
    expect(noiseFromParams(noiseSchema.parse({ noise: 'gaussian', noise_sigma: 0.1 })).sigma).toBe(0.1);
    expect(noiseFromParams(noiseSchema.parse({ noise: 'poisson', noise_i0: 100 })).sigma).toBeCloseTo(0.1, 12);
    expect(() => noiseFromParams({ noise: 'gaussian' })).toThrow(ScoresdeError);
    expect(() => noiseFromParams({ noise: 'gaussian' })).toThrow(/noise_sigma > 0/);
    expect(noiseSchema.safeParse({ noise: 'laplace' }).success).toBe(false);
  });
});
