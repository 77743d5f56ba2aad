import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Rng, buildTrainConfig, chunkRng, initBackend, initNetwork, liveWorkers, parallelSample, planChunks, saveScoreModelFolder, tf, writeNpy,
} from '@scoresde/core';

// The pool starts packages/core/dist/parallel/worker.js (built by `npx tsc -b`, as `npm test` does).
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scoresde-parallel-'));
  // N(μ, C) on 4×4×1 with a random SPD covariance (d = 16).
  const d = 16;
  const r = new Rng(3);
  const a = r.normalArray(d * d);
  const cov = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = i === j ? 0.5 : 0;
    for (let k = 0; k < d; k++) s += (a[i * d + k]! * a[j * d + k]!) / d;
    cov[i * d + j] = s;
  }
  await writeNpy(join(dir, 'mean.npy'), { data: r.normalArray(d).map((v) => 0.3 * v), shape: [4, 4, 1] });
  await writeNpy(join(dir, 'cov.npy'), { data: cov, shape: [d, d] });
  // A small live network (reference init + 0.05·N(0,1)) as a model folder.
  await initBackend('cpu');
  const cfg = buildTrainConfig({ model: 'ddpmpp-tiny', sde: 'vp', imageSize: 8, numChannels: 1 });
  const net = initNetwork(cfg, new Rng(4));
  for (const v of net.params.trainableVariables()) v.assign(tf.tidy(() => v.add(r.normalTensor(v.shape).mul(0.05))));
  await saveScoreModelFolder(join(dir, 'net'), net);
  net.dispose();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const gaussian = () => ({ model: 'gaussian:mean.npy,cov.npy', cwd: dir, sde: { name: 'vp' }, steps: 40, n: 7, seed: 12, chunkSize: 2 });

describe('chunks', () => {
  it('fixed-size chunks cover the samples; streams depend on (seed, chunk) only', () => {
    expect(planChunks(7, 2)).toEqual([
      { index: 0, start: 0, count: 2 }, { index: 1, start: 2, count: 2 }, { index: 2, start: 4, count: 2 }, { index: 3, start: 6, count: 1 },
    ]);
    expect(chunkRng(5, 1).normalArray(3)).toEqual(chunkRng(5, 1).normalArray(3));
    expect(chunkRng(5, 1).normalArray(3)).not.toEqual(chunkRng(5, 2).normalArray(3));
    expect(chunkRng(5, 1).normalArray(3)).not.toEqual(chunkRng(6, 1).normalArray(3));
    expect(() => planChunks(0, 2)).toThrow(/n must be a positive integer/);
    expect(() => planChunks(3, 0)).toThrow(/chunkSize must be a positive integer/);
  });
});

describe('parallelSample', () => {
  it('Gaussian prior: 1 and 2 workers and the inline path give bit-identical samples; no worker left', async () => {
    const one = await parallelSample({ ...gaussian(), workers: 1 });
    expect(liveWorkers()).toBe(0);
    const two = await parallelSample({ ...gaussian(), workers: 2 });
    expect(liveWorkers()).toBe(0);
    const inline = await parallelSample({ ...gaussian(), workers: 0 });
    expect(one.shape).toEqual([7, 4, 4, 1]);
    expect(two.workers).toBe(2);
    expect(one.chunks).toBe(4);
    expect(one.nfe).toBe(4 * 2 * 40); // 4 chunks × (predictor + corrector) × 40 steps
    expect(Array.from(two.data)).toEqual(Array.from(one.data));
    expect(Array.from(inline.data)).toEqual(Array.from(one.data));
    // Chunks are different streams: no two samples coincide; a different seed changes everything.
    const per = 16;
    for (let i = 1; i < 7; i++) expect(one.data[i * per]).not.toBe(one.data[(i - 1) * per]);
    const other = await parallelSample({ ...gaussian(), seed: 13, workers: 0 });
    expect(other.data[0]).not.toBe(one.data[0]);
  }, 60_000);

  it('network model folder: 1 and 2 workers give identical samples', async () => {
    const o = { model: join(dir, 'net'), steps: 3, n: 3, seed: 5, chunkSize: 1 };
    const one = await parallelSample({ ...o, workers: 1 });
    const two = await parallelSample({ ...o, workers: 2 });
    expect(liveWorkers()).toBe(0);
    expect(two.shape).toEqual([3, 8, 8, 1]);
    expect(Array.from(two.data)).toEqual(Array.from(one.data));
    expect(one.data.every(Number.isFinite)).toBe(true);
  }, 90_000);

  it('a failure inside a worker is one clear error and leaves no worker running', async () => {
    await expect(parallelSample({ ...gaussian(), model: 'gaussian:missing.npy,cov.npy', workers: 2 })).rejects.toThrow(/^parallel sampling: worker \d: .*missing\.npy/);
    expect(liveWorkers()).toBe(0);
    await expect(parallelSample({ ...gaussian(), model: 'nosuch:x', workers: 1 })).rejects.toThrow(/not a model folder nor a core score model/);
    expect(liveWorkers()).toBe(0);
    await expect(parallelSample({ ...gaussian(), workers: -1 })).rejects.toThrow(/workers must be a non-negative integer/);
  }, 60_000);
});
