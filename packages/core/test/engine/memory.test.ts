/**
 * Batch memory (engine/memory.ts): the measured per-sample bytes of a real network predict the
 * peak at a larger batch; budgets per backend; which batch fits; out-of-memory recognition and the
 * one-line message.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  NetworkScoreModel, Rng, VESDE, WASM_HEAP_MAX_BYTES, buildTrainConfig, fittingBatch, initBackend, initNetwork, isOutOfMemory,
  measureScoreMemory, memoryBudget, outOfMemoryMessage, peakExtraBytes, tf, type ScoreModel, type Tensor,
} from '../../src/index.js';

beforeAll(async () => {
  await initBackend('wasm');
});

afterEach(() => {
  delete process.env['SCORESDE_GPU_MEMORY_MB'];
});

/** A score model whose largest tensor is a [B, 8, 8, k] tile of x (k·256 bytes a sample). */
function tileModel(k: number): ScoreModel {
  return {
    name: 'tile', sampleShape: [8, 8, 1], sde: new VESDE(),
    score: (x: Tensor) => tf.tidy(() => tf.mean(tf.tile(x, [1, 1, 1, k]), 3, true)),
  } as unknown as ScoreModel;
}

describe('batch memory', () => {
  it('per-sample bytes measured at batches 1 and 2 predict the peak at batch 6 (real NCSN++)', async () => {
    const config = buildTrainConfig({ model: 'ncsnpp-tiny', sde: 've', imageSize: 16, numChannels: 1 });
    const net = initNetwork(config, new Rng(1));
    const model = new NetworkScoreModel(net, new VESDE({ sigmaMin: 0.01, sigmaMax: 10 }));
    tf.tidy(() => void model.score(tf.zeros([1, 16, 16, 1]), 0.5)); // one-time caches (FIR taps, embedding frequencies)
    const before = tf.memory().numTensors;
    const m = await measureScoreMemory(model);
    expect(tf.memory().numTensors).toBe(before); // nothing left behind
    // Activations of 16² × 16 channels and more per sample: well above 16 KiB, well below 100 MiB.
    expect(m.perSampleBytes).toBeGreaterThan(16 * 1024);
    expect(m.perSampleBytes).toBeLessThan(100 * 2 ** 20);
    const peak6 = await peakExtraBytes(() => tf.tidy(() => model.score(tf.zeros([6, 16, 16, 1]), 0.5)));
    const predicted = m.fixedBytes + 6 * m.perSampleBytes;
    expect(Math.abs(predicted - peak6) / peak6).toBeLessThan(0.05);
    net.dispose?.();
  });

  it('the largest tensor of a score evaluation, fixed + per sample, is measured exactly', async () => {
    // score = mean over a [B, 8, 8, 1000] tile of x: the tile is the largest tensor, 8·8·1000·4 bytes a sample
    const model = tileModel(1000);
    const m = await measureScoreMemory(model, [1, 3]);
    expect(m.largestPerSampleBytes).toBe(8 * 8 * 1000 * 4);
    expect(m.largestFixedBytes).toBe(0);
  });

  it('fittingBatch with a per-buffer limit: the largest tensor bounds the batch, with or without a total', () => {
    const m = { fixedBytes: 100, perSampleBytes: 50, largestFixedBytes: 0, largestPerSampleBytes: 30 };
    expect(fittingBatch(m, { bytes: Infinity, maxBufferBytes: 100, source: 'b' })).toBe(3);
    expect(fittingBatch(m, { bytes: 1100, maxBufferBytes: 1e9, source: 'b' }, 1)).toBe(20);
    expect(fittingBatch(m, { bytes: 1100, maxBufferBytes: 100, source: 'b' }, 1)).toBe(3);
    expect(fittingBatch(m, { bytes: Infinity, source: 'none' })).toBe(Infinity);
    expect(fittingBatch({ fixedBytes: 0, perSampleBytes: 50 }, { bytes: Infinity, maxBufferBytes: 100, source: 'b' })).toBe(Infinity);
    const line = outOfMemoryMessage('sampling', 8, 'webgpu', { ...m, largestPerSampleBytes: 40 * 2 ** 20 }, { bytes: Infinity, maxBufferBytes: 128 * 2 ** 20, source: 'a WebGPU buffer holds at most 128 MiB' });
    expect(line).toBe('sampling: out of memory on the webgpu backend at a batch of 8; one score evaluation takes 0.0 MiB + 0.0 MiB per sample, its largest tensor 40 MiB per sample, and a WebGPU buffer holds at most 128 MiB: a batch of 3 would fit');
  });

  it('budgets: wasm is its 4 GiB heap less what is held; webgpu only with SCORESDE_GPU_MEMORY_MB; cpu none', () => {
    const held = tf.memory().numBytes;
    const w = memoryBudget('wasm')!;
    expect(w.bytes).toBe(WASM_HEAP_MAX_BYTES - held);
    expect(w.source).toMatch(/wasm heap limit 4 GiB/);
    expect(memoryBudget('cpu')).toBeUndefined();
    expect(memoryBudget('webgpu')).toBeUndefined();
    process.env['SCORESDE_GPU_MEMORY_MB'] = '81920';
    expect(memoryBudget('webgpu')!.bytes).toBe(81920 * 2 ** 20 - held);
  });

  it('fittingBatch: (budget / overhead − fixed) / perSample, at least 1', () => {
    const m = { fixedBytes: 100, perSampleBytes: 50 };
    expect(fittingBatch(m, 1100, 1)).toBe(20);
    expect(fittingBatch(m, 1100)).toBe(9); // overhead 2: 550 − 100 = 450 → 9
    expect(fittingBatch(m, 10)).toBe(1);
  });

  it('recognises out-of-memory errors and only those', () => {
    const wasmAbort = Object.assign(new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'), { name: 'RuntimeError' });
    expect(isOutOfMemory(wasmAbort)).toBe(true);
    expect(isOutOfMemory(new RangeError('Array buffer allocation failed'))).toBe(true);
    expect(isOutOfMemory(Object.assign(new Error('x'), { name: 'GPUOutOfMemoryError' }))).toBe(true);
    expect(isOutOfMemory(new Error('Failed to allocate buffer of size 123'))).toBe(true);
    expect(isOutOfMemory(new Error('shape mismatch'))).toBe(false);
    expect(isOutOfMemory('Aborted')).toBe(false);
  });

  it('the message names the batch that would fit, or halves without a measurement', () => {
    const m = { fixedBytes: 2 ** 20, perSampleBytes: 64 * 2 ** 20 };
    const line = outOfMemoryMessage('sampling', 100, 'wasm', m, { bytes: 4 * 2 ** 30, source: 'wasm heap limit 4 GiB' });
    expect(line).toBe('sampling: out of memory on the wasm backend at a batch of 100; one score evaluation takes 1.0 MiB + 64 MiB per sample and 4096 MiB is available (wasm heap limit 4 GiB): a batch of 31 would fit');
    expect(outOfMemoryMessage('sampling', 9, 'cpu')).toBe('sampling: out of memory on the cpu backend at a batch of 9: try a batch of 4');
    expect(outOfMemoryMessage('sampling', 100, 'wasm', m, { bytes: 4 * 2 ** 30, source: 's' }, true)).toMatch(/^sampling: a batch of 100 does not fit in memory on the wasm backend; .*a batch of 31 would fit$/);
  });
});
