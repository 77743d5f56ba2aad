/**
 * On webgpu the fixed-coefficient predictors and correctors end in fused a·x + b·s / x̄ + c·z
 * dispatches (sampling/fusedStep.ts). Same seed, same problem (analytic Gaussian score): the
 * samples match the cpu backend's composite ops to float32 rounding, and a 1000-step run keeps
 * the tensor count constant.
 */
import { describe, expect, it } from 'vitest';
import {
  Rng, ancestralPredictor, aldCorrector, eulerMaruyamaPredictor, initBackend, langevinCorrector, noneCorrector, pcSample,
  reverseDiffusionPredictor, tf, isOutOfMemory, type Corrector, type Predictor,
} from '@scoresde/core';
import { SDES, gaussian16 } from './problems.js';
import { relMax, webgpuAvailable } from '../engine/compare.js';

const gpu = await webgpuAvailable();

const CASES: [string, 've' | 'vp' | 'subvp', () => Predictor, () => Corrector][] = [
  ['reverse_diffusion + langevin, VE', 've', reverseDiffusionPredictor, () => langevinCorrector({ snr: 0.16 })],
  ['reverse_diffusion + ald, VP', 'vp', reverseDiffusionPredictor, () => aldCorrector({ snr: 0.16 })],
  ['euler_maruyama + none, sub-VP', 'subvp', eulerMaruyamaPredictor, noneCorrector],
  ['ancestral + ald, VE', 've', () => ancestralPredictor(SDES.ve()), () => aldCorrector({ snr: 0.1 })],
  ['ancestral + none, VP', 'vp', () => ancestralPredictor(SDES.vp()), noneCorrector],
];

async function run(backend: 'cpu' | 'webgpu', kind: 've' | 'vp' | 'subvp', pred: () => Predictor, corr: () => Corrector): Promise<Float32Array> {
  await initBackend(backend);
  const sde = SDES[kind]();
  const p = gaussian16(sde);
  const r = await pcSample({ sde, score: (x, t) => p.prior.score(x, t), predictor: pred(), corrector: corr(), shape: [8, ...p.shape], rng: new Rng(21), steps: 40 });
  const v = Float32Array.from(await r.x.data());
  r.x.dispose();
  p.prior.dispose();
  return v;
}

describe.runIf(gpu)('fused sampler updates on webgpu', () => {
  for (const [label, kind, pred, corr] of CASES) {
    it(`${label}: same samples as cpu`, async () => {
      const ref = await run('cpu', kind, pred, corr);
      const got = await run('webgpu', kind, pred, corr);
      expect(relMax(got, ref)).toBeLessThan(2e-5);
    });
  }

  it('a GPU error during sampling (here a buffer over the device limit) stops the sampler with one line, classed as out of memory', async () => {
    await initBackend('webgpu');
    const sde = SDES.ve();
    const p = gaussian16(sde);
    const device = (tf.backend() as unknown as { device: { createBuffer(d: { size: number; usage: number }): unknown; limits: { maxBufferSize: number } } }).device;
    const before = tf.memory().numTensors;
    const run = pcSample({
      sde, score: (x, t) => p.prior.score(x, t), predictor: reverseDiffusionPredictor(), corrector: noneCorrector(),
      shape: [2, ...p.shape], rng: new Rng(1), steps: 50,
      onStep: (i) => {
        if (i === 3) device.createBuffer({ size: device.limits.maxBufferSize + 4, usage: 0x80 /* STORAGE */ });
      },
    });
    const e = await run.then(() => undefined, (err: unknown) => err as Error);
    expect(e).toBeInstanceOf(Error);
    expect(e!.name).toBe('GPUValidationError');
    expect(e!.message).toMatch(/^webgpu: the GPU rejected work \(Buffer size \(\d+\) exceeds the max buffer size limit/);
    expect(e!.message).not.toContain('\n');
    expect(isOutOfMemory(e)).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
    p.prior.dispose();
  });

  it('1000 steps of reverse diffusion + Langevin: no tensor growth', async () => {
    await initBackend('webgpu');
    const sde = SDES.ve();
    const p = gaussian16(sde);
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    const r = await pcSample({
      sde, score: (x, t) => p.prior.score(x, t), predictor: reverseDiffusionPredictor(), corrector: langevinCorrector({ snr: 0.16 }),
      shape: [4, ...p.shape], rng: new Rng(3), steps: 1000, onStep: () => counts.push(tf.memory().numTensors),
    });
    expect(counts).toHaveLength(1000);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before + 1);
    r.x.dispose();
    p.prior.dispose();
  });
});
