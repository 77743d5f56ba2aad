import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  tf,
  encodeNpy,
  createRegistries,
  registerScoreModels,
  GaussianPrior,
  GmmPrior,
  VPSDE,
  Rng,
  ScoresdeError,
  type ScoreModel,
} from '@scoresde/core';
import { spdWithSpectrum } from './hostGaussian.js';

let dir: string;
const sde = new VPSDE();
const reg = createRegistries();
registerScoreModels(reg);
const cov = spdWithSpectrum([0.1, 0.5, 1, 2], new Rng(3));
const mean = [0.5, -1, 2, 0];

function npy(name: string, data: ArrayLike<number>, shape: number[]): void {
  writeFileSync(join(dir, name), encodeNpy({ data: Float32Array.from(data), shape }));
}

function create(name: string, spec: string, withSde = true): Promise<ScoreModel> {
  return reg.scoreModels.create(name, {}, { spec, cwd: dir, registries: reg, ...(withSde ? { sde } : {}) });
}

async function expectError(p: Promise<unknown>, re: RegExp): Promise<void> {
  let err: unknown;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  expect(err, String(re)).toBeInstanceOf(ScoresdeError);
  expect((err as Error).message).toMatch(re);
  expect((err as Error).message).not.toContain('\n');
}

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoresde-spec-'));
  npy('mean.npy', mean, [2, 2, 1]);
  npy('cov.npy', cov, [4, 4]);
  npy('cov3.npy', cov.subarray(0, 9), [3, 3]);
  npy('mean_flat.npy', mean, [4]);
  const nanCov = Float64Array.from(cov);
  nanCov[5] = NaN;
  npy('nan.npy', nanCov, [4, 4]);
  npy('nonpsd.npy', spdWithSpectrum([-1, 0.5, 1, 2], new Rng(4)), [4, 4]);
  // float64 .npy as numpy writes it
  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4, 4), }";
  const padded = header + ' '.repeat(118 - header.length - 1) + '\n';
  const buf = Buffer.alloc(10 + padded.length + 16 * 8);
  buf.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  buf.writeUInt16LE(padded.length, 8);
  buf.write(padded, 10, 'latin1');
  cov.forEach((v, i) => buf.writeDoubleLE(v, 10 + padded.length + 8 * i));
  writeFileSync(join(dir, 'cov64.npy'), buf);
  mkdirSync(join(dir, 'sub'));
  npy('sub/diag.npy', [0.2, 0.4, 0.6, 0.8], [2, 2, 1]);
  npy('sub/iso.npy', [0.7], []);
  npy('sub/mean.npy', [1, 1, 1, 1], [2, 2, 1]);
  writeFileSync(
    join(dir, 'sub/spec.json'),
    JSON.stringify({
      shape: [2, 2, 1],
      components: [
        { weight: 1, mean: [[[0], [1]], [[2], [3]]], cov: 0.5 },
        { weight: 2, mean: 'mean.npy', cov: 'diag.npy' },
        { weight: 1, mean: -1, cov: Array.from({ length: 4 }, (_, i) => Array.from(cov.subarray(4 * i, 4 * i + 4))) },
        { weight: 4, mean: [0, 0, 1, 1], cov: 'iso.npy' },
      ],
    }),
  );
  const bad = (name: string, v: unknown) => writeFileSync(join(dir, name), typeof v === 'string' ? v : JSON.stringify(v));
  bad('broken.json', '{"shape": [2, 2, 1], ');
  bad('extra.json', { shape: [2, 2, 1], components: [{ weight: 1, mean: 0, cov: 1, colour: 'red' }] });
  bad('negw.json', { shape: [2, 2, 1], components: [{ weight: -1, mean: 0, cov: 1 }] });
  bad('badcov.json', { shape: [2, 2, 1], components: [{ weight: 1, mean: 0, cov: 'cov3.npy' }] });
  bad('missing.json', { shape: [2, 2, 1], components: [{ weight: 1, mean: 'nope.npy', cov: 1 }] });
  bad('shape.json', { shape: [2, 2], components: [{ weight: 1, mean: 0, cov: 1 }] });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('gaussian:MEAN.npy,COV.npy', () => {
  it('loads the files into the same prior as the constructor', async () => {
    const m = await create('gaussian', 'mean.npy,cov.npy');
    expect(m).toBeInstanceOf(GaussianPrior);
    expect(m.sampleShape).toEqual([2, 2, 1]);
    const ref = new GaussianPrior({ shape: [2, 2, 1], mean, cov: Float32Array.from(cov), sde });
    const x = new Rng(1).normalTensor([3, 2, 2, 1]);
    const a = m.score(x, 0.4);
    const b = ref.score(x, 0.4);
    expect(maxDiff(a, b)).toBe(0);
    tf.dispose([x, a, b]);
    m.dispose?.();
    ref.dispose();
  });

  it('rejects bad specs and files with one-line errors', async () => {
    await expectError(create('gaussian', 'mean.npy,cov.npy', false), /needs an SDE/);
    await expectError(create('gaussian', 'mean.npy'), /expected MEAN.npy,COV.npy/);
    await expectError(create('gaussian', 'mean.npy,cov3.npy'), /shape \[3, 3\] but the mean \[2, 2, 1\] needs a 4×4 covariance/);
    await expectError(create('gaussian', 'mean_flat.npy,cov.npy'), /\[H, W, C\]/);
    await expectError(create('gaussian', 'mean.npy,nan.npy'), /NaN/);
    await expectError(create('gaussian', 'mean.npy,cov64.npy'), /not float32/);
    await expectError(create('gaussian', 'mean.npy,nonpsd.npy'), /not positive semi-definite/);
    await expectError(create('gaussian', 'mean.npy,absent.npy'), /cannot read/);
    await expectError(reg.scoreModels.create('gaussian', { psd: 1 }, { spec: 'mean.npy,cov.npy', cwd: dir, registries: reg, sde }), /unknown parameter 'psd' \(known: /);
  });
});

describe('gmm:SPEC.json', () => {
  it('reads inline, nested and .npy means and covariances relative to the JSON file', async () => {
    const m = (await create('gmm', 'sub/spec.json')) as GmmPrior;
    expect(m).toBeInstanceOf(GmmPrior);
    expect(Array.from(m.weights)).toEqual([0.125, 0.25, 0.125, 0.5]);
    expect(m.components.map((c) => c.kind)).toEqual(['isotropic', 'diagonal', 'full', 'isotropic']);
    const ref = new GmmPrior({
      shape: [2, 2, 1],
      sde,
      components: [
        { weight: 1, mean: [0, 1, 2, 3], cov: 0.5 },
        { weight: 2, mean: [1, 1, 1, 1], cov: Float32Array.of(0.2, 0.4, 0.6, 0.8) },
        { weight: 1, mean: [-1, -1, -1, -1], cov },
        { weight: 4, mean: [0, 0, 1, 1], cov: Math.fround(0.7) },
      ],
    });
    const x = new Rng(2).normalTensor([5, 2, 2, 1]);
    const [a, b, ra, rb] = [m.score(x, 0.3), ref.score(x, 0.3), m.responsibilities(x, 0.3), ref.responsibilities(x, 0.3)];
    expect(maxDiff(a, b)).toBeLessThan(1e-5);
    expect(maxDiff(ra, rb)).toBeLessThan(1e-6);
    tf.dispose([x, a, b, ra, rb]);
    m.dispose();
    ref.dispose();
  });

  it('rejects malformed specs with one-line errors naming the file', async () => {
    await expectError(create('gmm', 'sub/spec.json', false), /needs an SDE/);
    await expectError(create('gmm', 'broken.json'), /broken.json is not valid JSON/);
    await expectError(create('gmm', 'extra.json'), /extra.json: .*colour/);
    await expectError(create('gmm', 'negw.json'), /weight must be a positive/);
    await expectError(create('gmm', 'badcov.json'), /covariance cov3.npy has shape \[3, 3\]/);
    await expectError(create('gmm', 'missing.json'), /cannot read .*nope.npy/);
    await expectError(create('gmm', 'shape.json'), /shape/);
    await expectError(create('gmm', 'absent.json'), /cannot read absent.json/);
  });
});
