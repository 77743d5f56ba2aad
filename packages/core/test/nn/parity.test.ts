/**
 * Parity with score_sde_pytorch on the three shared fixtures (random weights, official code):
 * raw network output and full score, on the cpu, wasm and webgpu (project kernels: fused
 * GroupNorm + SiLU) backends, max abs error
 * ≤ 1e-4 · max|ref| (the float64 reference differs from the float32 one by ≤ 9e-6 relative).
 */
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tf } from '../../src/tf.js';
import { initBackend } from '../../src/engine/backend.js';
import { webgpuAvailable } from '../engine/compare.js';
import { setProjectGemm } from '../../src/engine/webgpu/register.js';
import { readNpy, type NdArrayF32 } from '../../src/io/npy.js';
import { loadScoreModelFolder } from '../../src/builtins/networks.js';
import type { NetworkScoreModel } from '../../src/score/network.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const parityDir = path.resolve(repoRoot, '..', 'shared', 'parity');
const FIXTURES = ['ncsnpp_ve', 'ddpmpp_vp', 'ddpm_vp'] as const;

function nchwToNhwc(a: NdArrayF32): tf.Tensor4D {
  return tf.tidy(() => tf.transpose(tf.tensor4d(a.data, a.shape as [number, number, number, number]), [0, 2, 3, 1]));
}

async function toNchw(t: tf.Tensor): Promise<Float32Array> {
  const p = tf.transpose(t, [0, 3, 1, 2]);
  const d = (await p.data()) as Float32Array;
  p.dispose();
  return d;
}

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

// The shared fixtures live beside the repository (../shared/parity); a clone without them skips
// this file loudly (the in-repo fixtures of variants.test.ts still run).
const haveFixtures = existsSync(parityDir);
if (!haveFixtures) console.warn(`parity fixtures not found at ${parityDir}: skipping the shared-fixture parity tests`);

const gpu = await webgpuAvailable();
// 'webgpu+gemm': webgpu with the project's opt-in forward matmul / conv2d GEMM as well
const BACKENDS = gpu ? (['cpu', 'wasm', 'webgpu', 'webgpu+gemm'] as const) : (['cpu', 'wasm'] as const);

describe.skipIf(!haveFixtures).each(BACKENDS)('score_sde_pytorch parity on %s', (backend) => {
  beforeAll(async () => {
    await initBackend(backend === 'webgpu+gemm' ? 'webgpu' : backend);
    if (backend.startsWith('webgpu')) setProjectGemm(backend === 'webgpu+gemm');
  });
  afterAll(() => {
    if (backend === 'webgpu+gemm') setProjectGemm(false);
  });

  it.each(FIXTURES)('%s: labels, raw output and score', async (name) => {
    const dir = path.join(parityDir, name);
    expect(existsSync(dir), `fixture folder ${dir}`).toBe(true);
    const [x, t, labels, netOut, score] = await Promise.all(
      ['x', 't', 'labels', 'net_out', 'score'].map((f) => readNpy(path.join(dir, `${f}.npy`))),
    );
    const model: NetworkScoreModel = await loadScoreModelFolder(dir);
    try {
      expect(model.sampleShape).toEqual([x!.shape[2], x!.shape[3], x!.shape[1]]);
      const lab = model.labels(t!.data, t!.data.length);
      for (let i = 0; i < lab.length; i++) expect(Math.abs(lab[i]! - labels!.data[i]!)).toBeLessThanOrEqual(2e-6 * Math.abs(labels!.data[i]!));

      const xt = nchwToNhwc(x!);
      tf.dispose(model.raw(xt, t!.data)); // warm-up fills the device caches (FIR filters, frequencies)
      const before = tf.memory().numTensors;
      const raw = model.raw(xt, t!.data);
      const s = model.score(xt, t!.data);
      expect(tf.memory().numTensors).toBe(before + 2);
      const rawErr = maxAbsDiff(await toNchw(raw), netOut!.data);
      const scoreErr = maxAbsDiff(await toNchw(s), score!.data);
      console.log(`${backend} ${name}: raw rel err ${(rawErr / maxAbs(netOut!.data)).toExponential(2)}, score rel err ${(scoreErr / maxAbs(score!.data)).toExponential(2)}`);
      expect(rawErr).toBeLessThanOrEqual(1e-4 * maxAbs(netOut!.data));
      expect(scoreErr).toBeLessThanOrEqual(1e-4 * maxAbs(score!.data));
      tf.dispose([xt, raw, s]);
    } finally {
      model.dispose();
    }
  });
});
