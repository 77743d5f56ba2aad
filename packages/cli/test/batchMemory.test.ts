/**
 * `batch` picks how many slices to sample together from the backend's memory: on wasm (4 GiB
 * heap) with the 64² ellipses prior (~75 MiB per sample and score evaluation), 64 slices × 4
 * samples cannot go at once, so fewer slices per call are taken and the reason is given; a small
 * batch is left as asked; on cpu (no budget) nothing is measured.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fittingBatch, initBackend, measureScoreMemory, memoryBudget } from '@scoresde/core';
import { createCliContext, type CliContext } from '../src/context.js';
import { SeriesReconstructor } from '../src/batch/reconstructor.js';
import { parseTask } from '../src/batch/task.js';

const pack = fileURLToPath(new URL('../../../plugins/prior-ellipses-64', import.meta.url));
let ctx: CliContext;
const made: SeriesReconstructor[] = [];
const task = (batch_size: number, samples: number) =>
  parseTask({ operator: 'mri', set: { acceleration: 4, seed: 1 }, model: 'prior-ellipses-64', steps: 2, samples, batch_size, seed: 1 }, 'test');
const create = async (t: ReturnType<typeof task>) => {
  const r = await SeriesReconstructor.create(t, ctx);
  made.push(r);
  return r;
};

beforeAll(async () => {
  ctx = await createCliContext([join(pack)]);
});
afterAll(() => made.forEach((r) => r.dispose()));

describe('batch: slices per sampler call from the memory budget', () => {
  it('wasm: 64 slices × 4 samples do not fit; the fitting number of slices is taken and said', async () => {
    await initBackend('wasm');
    const r = await create(task(64, 4));
    const m = await measureScoreMemory(r.model);
    const expected = Math.max(1, Math.floor(fittingBatch(m, memoryBudget()!.bytes) / 4));
    expect(expected).toBeLessThan(64);
    expect(r.slicesPerCall).toBe(expected);
    expect(r.memoryNote).toMatch(new RegExp(`^batch_size 64 × 4 samples would not fit \\(wasm heap limit 4 GiB.*MiB per sample\\): ${expected} slice\\(s\\) at a time$`));
    const small = await create(task(2, 2));
    expect(small.slicesPerCall).toBe(2);
    expect(small.memoryNote).toBeUndefined();
  });

  it('cpu: no budget, the batch is taken as asked', async () => {
    await initBackend('cpu');
    const r = await create(task(64, 4));
    expect(r.slicesPerCall).toBe(64);
    expect(r.memoryNote).toBeUndefined();
  });
});
