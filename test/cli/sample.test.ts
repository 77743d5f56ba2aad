/**
 * `scoresde sample` end to end, as a user runs it: the built CLI in a child process.
 * The statistical acceptance of the samplers lives in packages/core/test/sampling; here we check
 * the command's contract, the example plugin through the CLI, determinism and bad input.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy, encodeNpy } from '@scoresde/core';
import { runCli, tempDir, writeNpyFile, expectOneLineError, repoRoot } from '../helpers/cli.js';

/** A 16-d Gaussian with a non-diagonal covariance: C = Q diag(λ) Qᵀ, λ from 0.05 to 4. */
function gaussian16(): { mean: number[]; cov: number[] } {
  const d = 16;
  // A fixed orthogonal Q: Householder reflection I − 2vvᵀ/‖v‖² with a dense v.
  const v = Array.from({ length: d }, (_, i) => Math.sin(1.3 * i + 0.4) + 0.3);
  const vv = v.reduce((a, b) => a + b * b, 0);
  const q = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
  const lam = Array.from({ length: d }, (_, i) => 0.05 * Math.pow(4 / 0.05, i / (d - 1)));
  const cov: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q(i, k) * lam[k]! * q(j, k);
    cov.push(s);
  }
  const mean = Array.from({ length: d }, (_, i) => 0.5 * Math.cos(i));
  return { mean, cov };
}

function moments(data: Float32Array, n: number, d: number): { mean: number[]; cov: number[] } {
  const mean = new Array<number>(d).fill(0);
  for (let s = 0; s < n; s++) for (let i = 0; i < d; i++) mean[i]! += data[s * d + i]! / n;
  const cov = new Array<number>(d * d).fill(0);
  for (let s = 0; s < n; s++)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j]! += ((data[s * d + i]! - mean[i]!) * (data[s * d + j]! - mean[j]!)) / (n - 1);
  return { mean, cov };
}

function relFro(a: number[], b: number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i]! - b[i]!) ** 2; den += b[i]! ** 2; }
  return Math.sqrt(num / den);
}

let dir: string;
let model: string;
const g = gaussian16();

beforeAll(() => {
  dir = tempDir();
  writeNpyFile(join(dir, 'mean.npy'), g.mean, [4, 4, 1]);
  writeNpyFile(join(dir, 'cov.npy'), g.cov, [16, 16]);
  model = `gaussian:${join(dir, 'mean.npy')},${join(dir, 'cov.npy')}`;
});

describe('scoresde sample', () => {
  it('samples with PC, writes [N,H,W,C] float32 and reports nfe/seconds/backend as JSON', async () => {
    const out = join(dir, 'pc.npy');
    const r = await runCli(['sample', '--model', model, '--sde', 'vp', '--sampler', 'pc', '--steps', '300', '--n', '1500', '--seed', '3', '--out', out, '--json', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { nfe: number; seconds: number; backend: string };
    expect(j.backend).toBe('cpu');
    expect(j.nfe).toBe(600); // 300 predictor + 300 corrector evaluations
    expect(j.seconds).toBeGreaterThan(0);
    const a = parseNpy(readFileSync(out));
    expect(a.shape).toEqual([1500, 4, 4, 1]);
    const m = moments(a.data, 1500, 16);
    const meanErr = Math.max(...m.mean.map((v, i) => Math.abs(v - g.mean[i]!)));
    expect(meanErr).toBeLessThan(0.1 * 2);
    expect(relFro(m.cov, g.cov)).toBeLessThan(0.15);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const args = (seed: string, out: string) => ['sample', '--model', model, '--sde', 've', '--sde-set', 'sigma_max=20', '--steps', '50', '--n', '64', '--seed', seed, '--out', out, '--quiet'];
    const [a, b, c] = [join(dir, 'a.npy'), join(dir, 'b.npy'), join(dir, 'c.npy')];
    expect((await runCli(args('5', a))).code).toBe(0);
    expect((await runCli(args('5', b))).code).toBe(0);
    expect((await runCli(args('6', c))).code).toBe(0);
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  });

  it('samples with the probability-flow ODE and reports its NFE', async () => {
    const out = join(dir, 'ode.npy');
    const r = await runCli(['sample', '--model', model, '--sde', 'subvp', '--sampler', 'ode', '--rtol', '1e-4', '--atol', '1e-4', '--n', '200', '--seed', '1', '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { nfe: number };
    expect(j.nfe).toBeGreaterThan(20);
    expect(j.nfe).toBeLessThan(2000);
    expect(parseNpy(readFileSync(out)).shape).toEqual([200, 4, 4, 1]);
  });

  it('samples with a plugin SDE and a plugin predictor loaded by path', async () => {
    const out = join(dir, 'plugin.npy');
    const r = await runCli([
      'sample', '--plugin', join(repoRoot, 'plugins/example-sampler'), '--model', model, '--sde', 'linear-ve', '--sde-set', 'sigma_max=20',
      '--predictor', 'heun', '--corrector', 'none', '--steps', '400', '--n', '2000', '--seed', '2', '--out', out, '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const a = parseNpy(readFileSync(out));
    const m = moments(a.data, 2000, 16);
    expect(Math.max(...m.mean.map((v, i) => Math.abs(v - g.mean[i]!)))).toBeLessThan(0.1);
    expect(relFro(m.cov, g.cov)).toBeLessThan(0.12);
  });

  it('lists plugin entries with their source', async () => {
    const r = await runCli(['plugins', 'list', '--plugin', join(repoRoot, 'plugins/example-sampler'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { entries: { kind: string; name: string; source: string }[] };
    expect(j.entries).toContainEqual(expect.objectContaining({ kind: 'sde', name: 'linear-ve', source: 'example-sampler' }));
    expect(j.entries).toContainEqual(expect.objectContaining({ kind: 'predictor', name: 'heun', source: 'example-sampler' }));
    expect(j.entries).toContainEqual(expect.objectContaining({ kind: 'sde', name: 'vp', source: 'core' }));
  });

  it('a batch that cannot fit in the wasm heap is refused before sampling, naming the batch that fits', async () => {
    const out = join(dir, 'too-big.npy');
    const r = await runCli(['sample', '--plugin', join(repoRoot, 'plugins/prior-ellipses-64'), '--model', 'prior-ellipses-64', '--n', '4000', '--steps', '2', '--out', out, '--backend', 'wasm']);
    const line = expectOneLineError(r);
    expect(line).toMatch(/^scoresde: error: sampling: a batch of 4000 does not fit in memory on the wasm backend; one score evaluation takes .* MiB per sample and \d+ MiB is available \(wasm heap limit 4 GiB, .*\): a batch of (\d+) would fit$/);
    const fit = Number(/a batch of (\d+) would fit/.exec(line)![1]);
    expect(fit).toBeGreaterThanOrEqual(8);
    expect(fit).toBeLessThan(200);
    expect(existsSync(out)).toBe(false);
  });

  describe('bad input: one line, non-zero exit, no stack trace, no output file', () => {
    const cases: [string, () => string[], RegExp][] = [
      ['mean/cov shapes disagree', () => { writeNpyFile(join(dir, 'cov9.npy'), new Array(81).fill(0).map((_, i) => (i % 10 === 0 ? 1 : 0)), [9, 9]); return ['--sde', 'vp', '--model', `gaussian:${join(dir, 'mean.npy')},${join(dir, 'cov9.npy')}`]; }, /16|9/],
      ['covariance not PSD', () => { const c = g.cov.slice(); c[0] = -3; writeNpyFile(join(dir, 'neg.npy'), c, [16, 16]); return ['--sde', 'vp', '--model', `gaussian:${join(dir, 'mean.npy')},${join(dir, 'neg.npy')}`]; }, /semi-?definite|PSD|eigenvalue/i],
      ['NaN in the mean', () => { const m = g.mean.slice(); m[3] = NaN; writeNpyFile(join(dir, 'nan.npy'), m, [4, 4, 1]); return ['--sde', 'vp', '--model', `gaussian:${join(dir, 'nan.npy')},${join(dir, 'cov.npy')}`]; }, /NaN/],
      ['malformed .npy', () => { writeFileSync(join(dir, 'junk.npy'), 'this is not numpy'); return ['--sde', 'vp', '--model', `gaussian:${join(dir, 'junk.npy')},${join(dir, 'cov.npy')}`]; }, /not a \.npy file/],
      ['non-float32 .npy', () => { const b = Buffer.from(encodeNpy({ data: Float32Array.from(g.mean), shape: [4, 4, 1] })); b.write("'<f8'", b.indexOf("'<f4'"), 'latin1'); writeFileSync(join(dir, 'f8.npy'), b); return ['--sde', 'vp', '--model', `gaussian:${join(dir, 'f8.npy')},${join(dir, 'cov.npy')}`]; }, /float32/],
      ['unknown SDE', () => ['--model', model, '--sde', 'vq'], /unknown sde 'vq'/],
      ['unknown predictor', () => ['--model', model, '--sde', 'vp', '--predictor', 'magic'], /unknown predictor 'magic'/],
      ['unknown model', () => ['--model', 'gauss:x.npy'], /no score model named 'gauss'/],
      ['unknown SDE parameter', () => ['--model', model, '--sde', 've', '--sde-set', 'sigmamax=3'], /sde 've': unknown parameter 'sigmamax' \(known: sigma_min, sigma_max, N\)/],
      ['missing SDE for an analytic prior', () => ['--model', model], /sde/i],
      ['bad sample count', () => ['--model', model, '--sde', 'vp', '--n', '0'], /--n must be an integer ≥ 1/],
      ['malformed plugin', () => ['--model', model, '--sde', 'vp', '--plugin', join(repoRoot, 'packages/core/test/plugin/fixtures/malformed.mjs')], /plugin 'malformed-plugin' is malformed/],
      ['plugin that throws', () => ['--model', model, '--sde', 'vp', '--plugin', join(repoRoot, 'packages/core/test/plugin/fixtures/throws.mjs')], /plugin 'throwing-plugin' failed during registration/],
    ];
    for (const [name, args, re] of cases) {
      it(name, async () => {
        const out = join(dir, `bad-${name.replace(/\W+/g, '-')}.npy`);
        const r = await runCli(['sample', ...args(), '--steps', '5', '--n', args().includes('--n') ? '0' : '4', '--seed', '0', '--out', out, '--backend', 'cpu']);
        const line = expectOneLineError(r);
        expect(line).toMatch(re);
        expect(existsSync(out)).toBe(false);
      });
    }
  });
});
