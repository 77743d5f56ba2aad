/**
 * `scoresde reconstruct` and class-conditional `scoresde sample` end to end (the CLI in a child
 * process), checked against closed-form Gaussian posteriors.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '@scoresde/core';
import { gaussianPosterior } from '@scoresde/guidance';
import { runCli, tempDir, writeNpyFile, expectOneLineError, repoRoot } from '../helpers/cli.js';

const d = 16;
let dir: string;
let model: string;
let mean: number[];
let cov: number[];
let x: number[];

beforeAll(() => {
  dir = tempDir();
  // C = Q diag(λ) Qᵀ with a Householder Q, λ from 0.1 to 2.
  const v = Array.from({ length: d }, (_, i) => Math.cos(0.9 * i + 0.2) + 0.4);
  const vv = v.reduce((a, b) => a + b * b, 0);
  const q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
  const lam = Array.from({ length: d }, (_, i) => 0.1 * Math.pow(20, i / (d - 1)));
  cov = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q(i, k) * lam[k]! * q(j, k);
    cov.push(s);
  }
  mean = Array.from({ length: d }, (_, i) => 0.3 * Math.sin(i));
  x = Array.from({ length: d }, (_, i) => mean[i]! + 0.8 * Math.cos(2.1 * i));
  writeNpyFile(join(dir, 'mean.npy'), mean, [4, 4, 1]);
  writeNpyFile(join(dir, 'cov.npy'), cov, [d, d]);
  writeNpyFile(join(dir, 'x.npy'), x, [4, 4, 1]);
  model = `gaussian:${join(dir, 'mean.npy')},${join(dir, 'cov.npy')}`;
});

const maskSet = ['--operator', 'mask', '--set', 'box=[0,0,2,4]'];
const observed = (i: number) => i % 4 >= 2; // box x=0, w=2 hides columns 0 and 1

describe('scoresde reconstruct', () => {
  it('projection with λ = 1 keeps every observed pixel equal to y in every sample', async () => {
    const y = join(dir, 'y.npy');
    expect((await runCli(['forward', ...maskSet, '--in', join(dir, 'x.npy'), '--out', y])).code).toBe(0);
    const out = join(dir, 'proj.npy');
    const r = await runCli(['reconstruct', ...maskSet, '--model', model, '--sde', 've', '--sde-set', 'sigma_max=10', '--in', y, '--guidance', 'projection',
      '--samples', '32', '--steps', '100', '--out', out, '--mean-out', join(dir, 'm.npy'), '--std-out', join(dir, 's.npy'), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const s = parseNpy(readFileSync(out));
    expect(s.shape).toEqual([32, 4, 4, 1]);
    const yv = parseNpy(readFileSync(y)).data;
    for (let k = 0; k < 32; k++) for (let i = 0; i < d; i++) if (observed(i)) expect(s.data[k * d + i]).toBe(yv[i]);
    expect(parseNpy(readFileSync(join(dir, 'm.npy'))).shape).toEqual([4, 4, 1]);
    const sd = parseNpy(readFileSync(join(dir, 's.npy'))).data;
    for (let i = 0; i < d; i++) if (observed(i)) expect(sd[i]).toBeLessThan(1e-6);
    else expect(sd[i]).toBeGreaterThan(0.05);
  });

  it('exact-gaussian guidance with the ODE sampler matches the closed-form posterior', async () => {
    const y = join(dir, 'y.npy');
    const out = join(dir, 'exact.npy');
    const r = await runCli(['reconstruct', ...maskSet, '--model', model, '--sde', 'vp', '--in', y, '--guidance', 'exact-gaussian', '--sampler', 'ode',
      '--samples', '1500', '--seed', '4', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const obsIdx = [...Array(d).keys()].filter(observed);
    const A = new Float64Array(obsIdx.length * d);
    obsIdx.forEach((j, row) => (A[row * d + j] = 1));
    const yv = parseNpy(readFileSync(y)).data;
    const post = gaussianPosterior({ mean, cov, A, r: obsIdx.length, y: obsIdx.map((j) => yv[j]!), sigma: 0 });
    const s = parseNpy(readFileSync(out)).data;
    const n = 1500;
    for (let i = 0; i < d; i++) {
      let m = 0;
      for (let k = 0; k < n; k++) m += s[k * d + i]! / n;
      const sdI = Math.sqrt(Math.max(post.cov[i * d + i]!, 0));
      expect(Math.abs(m - post.mean[i]!)).toBeLessThan(Math.max(5 * sdI / Math.sqrt(n), 2e-3));
    }
  });

  describe('bad input', () => {
    it('a measurement of the wrong shape', async () => {
      writeNpyFile(join(dir, 'ybad.npy'), new Array(9).fill(0), [3, 3, 1]);
      const out = join(dir, 'bad1.npy');
      const line = expectOneLineError(await runCli(['reconstruct', ...maskSet, '--model', model, '--sde', 'vp', '--in', join(dir, 'ybad.npy'), '--out', out]));
      expect(line).toMatch(/does not match operator 'mask' output/);
      expect(existsSync(out)).toBe(false);
    });
    it('projection on an operator without a decomposition names the methods that fit', async () => {
      writeNpyFile(join(dir, 'yb.npy'), new Array(16).fill(0), [4, 4, 1]);
      const out = join(dir, 'bad2.npy');
      const line = expectOneLineError(await runCli(['reconstruct', '--plugin', join(repoRoot, 'plugins/operator-blur'), '--operator', 'blur', '--model', model, '--sde', 'vp',
        '--in', join(dir, 'yb.npy'), '--guidance', 'projection', '--out', out]));
      expect(line).toMatch(/decomposition/);
      expect(line).toMatch(/dps/);
      expect(existsSync(out)).toBe(false);
    });
  });
});

describe('scoresde sample --class', () => {
  let gmm: string;
  beforeAll(() => {
    const spec = {
      shape: [1, 1, 2],
      components: [
        { weight: 0.5, mean: [-3, 0], cov: 0.25 },
        { weight: 0.3, mean: [3, 1], cov: [0.5, 0.2] },
        { weight: 0.2, mean: [0, 4], cov: [[0.4, 0.1], [0.1, 0.3]] },
      ],
    };
    gmm = join(dir, 'gmm.json');
    writeFileSync(gmm, JSON.stringify(spec));
  });

  it('with the exact classifier at scale 1 samples the requested component', async () => {
    const out = join(dir, 'class2.npy');
    const r = await runCli(['sample', '--model', `gmm:${gmm}`, '--sde', 'vp', '--class', '2', '--classifier', 'gmm-exact', '--scale', '1', '--steps', '300', '--n', '400', '--seed', '1', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const s = parseNpy(readFileSync(out)).data;
    let near = 0, m0 = 0, m1 = 0;
    for (let k = 0; k < 400; k++) {
      const a = s[2 * k]!, b = s[2 * k + 1]!;
      m0 += a / 400; m1 += b / 400;
      if (Math.hypot(a, b - 4) < Math.hypot(a + 3, b) && Math.hypot(a, b - 4) < Math.hypot(a - 3, b - 1)) near++;
    }
    expect(near / 400).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(m0)).toBeLessThan(0.1);
    expect(Math.abs(m1 - 4)).toBeLessThan(0.1);
  });

  it('a class index out of range is one clear line', async () => {
    const out = join(dir, 'class9.npy');
    const line = expectOneLineError(await runCli(['sample', '--model', `gmm:${gmm}`, '--sde', 'vp', '--class', '9', '--classifier', 'gmm-exact', '--n', '4', '--out', out]));
    expect(line).toMatch(/--class 9 is out of range: the classifier has 3 classes/);
    expect(existsSync(out)).toBe(false);
  });
});
