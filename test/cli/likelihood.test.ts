/**
 * `scoresde likelihood | encode | decode | interpolate` end to end (the built CLI in a child
 * process) on a 16-d Gaussian prior with a non-diagonal covariance C = Q diag(λ) Qᵀ (Q a
 * Householder reflection), whose log-density is known in closed form:
 *   log N(x; μ, C) = −½ [Σ_k (Qᵀ(x − μ))_k² / λ_k + Σ_k ln λ_k + d ln 2π].
 * Checks: exact-divergence bits/dim within 0.01 of the closed form for every sample (VP), the
 * --out file equals the JSON values, the data-scale offset, encode→decode round trip, the
 * interpolation's end frames, and bad input (shape, NaN, options) → one error line, no output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '@scoresde/core';
import { expectOneLineError, runCli, tempDir, writeNpyFile } from '../helpers/cli.js';

const d = 16;
const v = Array.from({ length: d }, (_, i) => Math.sin(1.3 * i + 0.4) + 0.3);
const vv = v.reduce((a, b) => a + b * b, 0);
const q = (i: number, j: number): number => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
const lam = Array.from({ length: d }, (_, i) => 0.05 * Math.pow(4 / 0.05, i / (d - 1)));
const mean = Array.from({ length: d }, (_, i) => 0.5 * Math.cos(i));

function covariance(): number[] {
  const c: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q(i, k) * lam[k]! * q(j, k);
    c.push(s);
  }
  return c;
}

/** N points x = μ + Q diag(√λ) n from a fixed LCG + Box–Muller (no dependence on core's Rng). */
function points(n: number): number[] {
  let s = 12345;
  const u = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const out: number[] = [];
  for (let p = 0; p < n; p++) {
    const g = Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
    for (let i = 0; i < d; i++) {
      let x = mean[i]!;
      for (let k = 0; k < d; k++) x += q(i, k) * Math.sqrt(lam[k]!) * g[k]!;
      out.push(x);
    }
  }
  return out;
}

function closedFormBpd(x: number[], p: number): number {
  let quad = 0;
  for (let k = 0; k < d; k++) {
    let y = 0;
    for (let i = 0; i < d; i++) y += q(i, k) * (x[p * d + i]! - mean[i]!);
    quad += (y * y) / lam[k]!;
  }
  const logDet = lam.reduce((a, l) => a + Math.log(l), 0);
  return (0.5 * (quad + logDet + d * Math.log(2 * Math.PI))) / (d * Math.LN2);
}

const N = 48;
let dir: string;
let model: string;
let xs: number[];
let xPath: string;

beforeAll(() => {
  dir = tempDir('scoresde-likelihood-');
  writeNpyFile(join(dir, 'mean.npy'), mean, [4, 4, 1]);
  writeNpyFile(join(dir, 'cov.npy'), covariance(), [d, d]);
  model = `gaussian:${join(dir, 'mean.npy')},${join(dir, 'cov.npy')}`;
  xs = points(N);
  xPath = writeNpyFile(join(dir, 'x.npy'), xs, [N, 4, 4, 1]);
});

const npy = (p: string) => parseNpy(readFileSync(p));

describe('scoresde likelihood', () => {
  it('exact divergence: every sample within 0.01 bits/dim of the closed form; --out = JSON values', async () => {
    const out = join(dir, 'bpd.npy');
    const r = await runCli(['likelihood', '--model', model, '--sde', 'vp', '--in', xPath, '--estimator', 'exact', '--out', out, '--json', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { meanBpd: number; bpd: number[]; n: number; dims: number; offset: number; nfe: number; seconds: number };
    expect(j.n).toBe(N);
    expect(j.dims).toBe(d);
    expect(j.offset).toBe(0);
    expect(j.nfe).toBeGreaterThan(10);
    expect(j.seconds).toBeGreaterThan(0);
    const ref = Array.from({ length: N }, (_, p) => closedFormBpd(xs, p));
    const maxErr = Math.max(...j.bpd.map((b, p) => Math.abs(b - ref[p]!)));
    console.log(`CLI likelihood (vp, exact): mean ${j.meanBpd.toFixed(4)} vs closed form ${(ref.reduce((a, b) => a + b, 0) / N).toFixed(4)}, max err ${maxErr.toExponential(2)}, nfe ${j.nfe}`);
    expect(maxErr).toBeLessThanOrEqual(0.01);
    const saved = npy(out);
    expect(saved.shape).toEqual([N]);
    saved.data.forEach((b, p) => expect(b).toBeCloseTo(j.bpd[p]!, 5));
  });

  it('Hutchinson (rademacher ×8) mean within 0.05 and --data-scale unit adds 8 bits; text output', async () => {
    const r = await runCli(['likelihood', '--model', model, '--sde', 'subvp', '--in', xPath, '--probes', '8', '--data-scale', 'unit', '--seed', '2', '--backend', 'wasm']);
    expect(r.code, r.stderr).toBe(0);
    const m = /^bits\/dim (\S+) \(mean of 48; rademacher ×8, offset 8, nfe (\d+),/.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const ref = Array.from({ length: N }, (_, p) => closedFormBpd(xs, p)).reduce((a, b) => a + b, 0) / N;
    expect(Math.abs(Number(m![1]) - 8 - ref)).toBeLessThanOrEqual(0.05);
  });
});

describe('scoresde encode / decode / interpolate', () => {
  it('decode(encode(x)) ≈ x; interpolation end frames are the two images', async () => {
    const z = join(dir, 'z.npy');
    const xr = join(dir, 'xr.npy');
    const e = await runCli(['encode', '--model', model, '--sde', 've', '--in', xPath, '--out', z, '--json']);
    expect(e.code, e.stderr).toBe(0);
    expect((JSON.parse(e.stdout) as { nfe: number }).nfe).toBeGreaterThan(10);
    const dd = await runCli(['decode', '--model', model, '--sde', 've', '--in', z, '--out', xr]);
    expect(dd.code, dd.stderr).toBe(0);
    const zz = npy(z);
    const back = npy(xr);
    expect(back.shape).toEqual([N, 4, 4, 1]);
    let num = 0;
    let den = 0;
    let zn = 0;
    back.data.forEach((b, i) => ((num += (b - xs[i]!) ** 2), (den += xs[i]! ** 2), (zn += zz.data[i]! ** 2)));
    expect(Math.sqrt(num / den)).toBeLessThanOrEqual(1e-3);
    // VE latents have the prior's scale σ_max = 50
    expect(Math.sqrt(zn / (N * d))).toBeGreaterThan(30);

    const a = writeNpyFile(join(dir, 'a.npy'), xs.slice(0, d), [4, 4, 1]);
    const b = writeNpyFile(join(dir, 'b.npy'), xs.slice(d, 2 * d), [1, 4, 4, 1]);
    const frames = join(dir, 'frames.npy');
    const r = await runCli(['interpolate', '--model', model, '--sde', 'vp', '--a', a, '--b', b, '--steps', '5', '--out', frames, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const f = npy(frames);
    expect(f.shape).toEqual([5, 4, 4, 1]);
    for (let i = 0; i < d; i++) {
      expect(f.data[i]!).toBeCloseTo(xs[i]!, 3);
      expect(f.data[4 * d + i]!).toBeCloseTo(xs[d + i]!, 3);
    }
  });
});

describe('bad input → one line, no output', () => {
  it('shape mismatch, NaN, bad options', async () => {
    const wrong = writeNpyFile(join(dir, 'wrong.npy'), new Array(18).fill(0), [2, 3, 3, 1]);
    const nan = writeNpyFile(join(dir, 'nan.npy'), xs.slice(0, d).map((x, i) => (i === 3 ? NaN : x)), [1, 4, 4, 1]);
    const out = join(dir, 'never.npy');
    const cases: Array<[string[], RegExp]> = [
      [['likelihood', '--model', model, '--sde', 'vp', '--in', wrong, '--out', out], /does not match the model's sample shape \[4, 4, 1\]/],
      [['likelihood', '--model', model, '--sde', 'vp', '--in', nan, '--out', out], /NaN/],
      [['encode', '--model', model, '--sde', 'vp', '--in', nan, '--out', out], /NaN/],
      [['interpolate', '--model', model, '--sde', 'vp', '--a', xPath, '--b', xPath, '--out', out], /--a: expected one image, got a batch of 48/],
      [['interpolate', '--model', model, '--sde', 'vp', '--a', nan, '--b', nan, '--steps', '1', '--out', out], /--steps must be an integer ≥ 2/],
      [['likelihood', '--model', model, '--sde', 'vp', '--in', xPath, '--dequantize', '--out', out], /dequantisation needs 8-bit data/],
      [['likelihood', '--model', model, '--sde', 'vp', '--in', xPath, '--data-scale', 'unit', '--dequantize', '--out', out], /must lie in \[0, 1\]/],
      [['likelihood', '--model', model, '--sde', 'vp', '--in', xPath, '--estimator', 'hutch'], /hutch/],
      [['encode', '--model', model, '--sde', 'vp', '--in', xPath, '--out', join(dir, 'z.txt')], /--out must be a \.npy file/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli([...args, '--backend', 'cpu']);
      expect(expectOneLineError(r)).toMatch(re);
      expect(existsSync(out)).toBe(false);
    }
  });
});
