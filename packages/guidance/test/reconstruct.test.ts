/**
 * reconstruct(): K samples in batches, their mean and unbiased per-pixel std, seeded
 * reproducibility, and bad sample counts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, VPSDE, tf } from '@scoresde/core';
import { reconstruct } from '../src/reconstruct.js';
import { ExactGaussianTerm } from '../src/terms/exactGaussian.js';
import { calibrationOperator, makeGaussianPrior, simulateMeasurement, smoothGaussianSpec } from '../src/calibration/problems.js';
import { startBackend } from './helpers.js';

beforeAll(startBackend);

describe('reconstruct', () => {
  it('batches, summary statistics, reproducibility', async () => {
    const sde = new VPSDE();
    const spec = smoothGaussianSpec(4, 4);
    const prior = makeGaussianPrior(spec, sde);
    const op = calibrationOperator('mask', spec.shape, 0.05);
    const { x: truth, y } = simulateMeasurement(prior, op, new Rng(1));
    const term = await ExactGaussianTerm.create({ prior, operator: op, y });
    const run = () => reconstruct({ model: prior, terms: [term], samples: 10, batchSize: 4, rng: new Rng(7), steps: 50 });
    const a = await run();
    expect(a.samples.shape).toEqual([10, 4, 4, 1]);
    expect(a.mean!.shape).toEqual([1, 4, 4, 1]);
    expect(a.nfe).toBe(3 * 50 * 2);
    const xs = a.samples.dataSync();
    const m = a.mean!.dataSync();
    const s = a.std!.dataSync();
    for (let i = 0; i < 16; i++) {
      let mu = 0;
      for (let b = 0; b < 10; b++) mu += xs[b * 16 + i]! / 10;
      let v = 0;
      for (let b = 0; b < 10; b++) v += (xs[b * 16 + i]! - mu) ** 2 / 9;
      expect(m[i]).toBeCloseTo(mu, 5);
      expect(s[i]).toBeCloseTo(Math.sqrt(v), 5);
    }
    const b = await run();
    expect(Array.from(b.samples.dataSync())).toEqual(Array.from(xs));
    await expect(reconstruct({ model: prior, terms: [], samples: 0, rng: new Rng(1) })).rejects.toThrow(/samples must be a positive integer, got 0/);
    tf.dispose([a.samples, a.mean!, a.std!, b.samples, b.mean!, b.std!, truth, y]);
    term.dispose();
    prior.dispose();
  });
});
