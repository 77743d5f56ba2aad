/**
 * On webgpu, without SCORESDE_GPU_MEMORY_MB, the device's per-buffer limit still bounds the batch:
 * `reconstruct` measures the largest tensor of a score evaluation and refuses, in one line naming
 * the batch that fits, a batch whose largest tensor would not fit in one buffer.
 */
import { describe, expect, it } from 'vitest';
import { Rng, ScoresdeError, VESDE, initBackend, memoryBudget, tf, type ScoreModel, type Tensor } from '@scoresde/core';
import { reconstruct } from '../src/reconstruct.js';
import { webgpuAvailable } from '../../core/test/engine/compare.js';

const gpu = await webgpuAvailable();

describe.skipIf(!gpu)('webgpu batch bound from the per-buffer limit', () => {
  it('a batch whose largest tensor exceeds one buffer is refused with the batch that fits', async () => {
    await initBackend('webgpu');
    delete process.env['SCORESDE_GPU_MEMORY_MB'];
    const budget = memoryBudget()!;
    expect(budget.bytes).toBe(Infinity);
    const limits = (tf.backend() as unknown as { device: { limits: { maxBufferSize: number; maxStorageBufferBindingSize: number } } }).device.limits;
    expect(budget.maxBufferBytes).toBe(Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize));
    // largest tensor: a [B, 8, 8, k] tile, k chosen so that one sample is 40 % of a buffer
    const k = Math.floor((0.4 * budget.maxBufferBytes!) / 256);
    const model = {
      name: 'tile', sampleShape: [8, 8, 1], sde: new VESDE(),
      score: (x: Tensor) => tf.tidy(() => tf.mean(tf.tile(x, [1, 1, 1, k]), 3, true)),
    } as unknown as ScoreModel;
    const e = await reconstruct({ model, terms: [], samples: 3, batchSize: 3, rng: new Rng(1), steps: 1 }).then(() => undefined, (err: unknown) => err);
    expect(e).toBeInstanceOf(ScoresdeError);
    const line = (e as Error).message;
    expect(line).not.toContain('\n');
    expect(line).toMatch(/^sampling: a batch of 3 does not fit in memory on the webgpu backend; .*its largest tensor \d+ MiB per sample, and a WebGPU buffer holds at most \d+ MiB: a batch of 2 would fit$/);
    // the batch it names runs
    const ok = await reconstruct({ model, terms: [], samples: 2, batchSize: 2, rng: new Rng(1), steps: 1, noSummary: true });
    expect(ok.samples.shape).toEqual([2, 8, 8, 1]);
    ok.samples.dispose();
  }, 120_000);
});
