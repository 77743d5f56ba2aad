/**
 * Data-parallel training on worker threads (gradPool.ts): `startWorkers(n)` trains exactly like
 * the same micro-batches in one thread — same losses and the same weights, bit for bit, on wasm
 * (dropout on, NCSN++ with Fourier features, so the workers' copies must match in every buffer).
 */
import { describe, expect, it } from 'vitest';
import { GradientPool, Trainer, buildTrainConfig, initBackend, makeRecipe } from '@scoresde/core';
import { EllipsesDataset } from '@scoresde/datasets';

const MICRO_NCSNPP = { name: 'ncsnpp', nf: 8, ch_mult: [1, 2], num_res_blocks: 1, attn_resolutions: [4], fir: false, progressive_input: 'none', embedding_type: 'fourier', scale_by_sigma: true, dropout: 0.1 };

async function train(workers: number, microBatch: number, steps: number): Promise<{ losses: number[]; weights: Float32Array[] }> {
  await initBackend('wasm');
  const data = new EllipsesDataset({ imageSize: 8, seed: 4, count: 13 });
  const cfg = buildTrainConfig({ model: { ...MICRO_NCSNPP }, sde: 've', imageSize: 8, numChannels: 1 });
  const tr = await Trainer.create(cfg, makeRecipe({ data: data.description, seed: 5, batchSize: 6, microBatch, adam: { lr: 2e-3, warmup: 2, gradClip: 1 }, emaRate: 0.9 }), data);
  try {
    if (workers > 0) await tr.startWorkers(workers);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push((await tr.trainStep()).loss);
    const weights: Float32Array[] = [];
    for (const v of tr.net.params.trainableVariables()) weights.push(Float32Array.from(await v.data()));
    return { losses, weights };
  } finally {
    await tr.stopWorkers();
    tr.dispose();
  }
}

describe('training on worker threads', () => {
  it('2 workers × micro-batches of 3 = the same micro-batches in one thread, bit for bit (wasm)', async () => {
    const one = await train(0, 3, 4);
    const two = await train(2, 3, 4);
    expect(two.losses).toEqual(one.losses);
    expect(two.weights.length).toBe(one.weights.length);
    for (let i = 0; i < one.weights.length; i++) expect(two.weights[i]).toEqual(one.weights[i]);
    expect(one.losses[3]).not.toBe(one.losses[0]);
  });

  it('3 chunks on 2 workers (uneven split) and a last short chunk', async () => {
    const one = await train(0, 2, 2);
    const two = await train(2, 2, 2);
    expect(two.losses).toEqual(one.losses);
    for (let i = 0; i < one.weights.length; i++) expect(two.weights[i]).toEqual(one.weights[i]);
    const short = await train(0, 4, 1);
    const shortPool = await train(2, 4, 1);
    expect(shortPool.losses).toEqual(short.losses);
  });

  it('a failing worker rejects the step in one line and the pool stays failed', async () => {
    await initBackend('wasm');
    const cfg = buildTrainConfig({ model: { ...MICRO_NCSNPP }, sde: 've', imageSize: 8, numChannels: 1 });
    const data = new EllipsesDataset({ imageSize: 8, seed: 4, count: 4 });
    const tr = await Trainer.create(cfg, makeRecipe({ data: data.description, batchSize: 2 }), data);
    const pool = await GradientPool.start(1, cfg, tr.net);
    try {
      const chunk = { x0: new Float32Array(64), shape: [1, 8, 8, 1], t: new Float32Array([0.5]), z: new Float32Array(64), dropoutSeed: 1, weight: 1 };
      await expect(pool.run([new Float32Array(3)], [chunk], false)).rejects.toThrow(/^gradient worker: expected \d+ weight tensors, got 1$/);
      await expect(pool.run([], [chunk], false)).rejects.toThrow(/^gradient worker: expected/);
    } finally {
      await pool.close();
      tr.dispose();
    }
  });

  it('rejects a bad worker count in one line', async () => {
    await initBackend('wasm');
    const data = new EllipsesDataset({ imageSize: 8, seed: 4, count: 4 });
    const cfg = buildTrainConfig({ model: { ...MICRO_NCSNPP }, sde: 've', imageSize: 8, numChannels: 1 });
    const tr = await Trainer.create(cfg, makeRecipe({ data: data.description, batchSize: 2 }), data);
    await expect(tr.startWorkers(0)).rejects.toThrow(/^parallel training: workers must be a positive integer, got 0$/);
    tr.dispose();
  });
});
