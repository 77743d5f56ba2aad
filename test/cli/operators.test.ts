/**
 * `scoresde forward`, `baseline`, `metrics` and `plugins info|new` end to end: the CLI in a child
 * process on the committed Shepp–Logan fixture, and bad input.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '@scoresde/core';
import { runCli, tempDir, writeNpyFile, expectOneLineError, repoRoot } from '../helpers/cli.js';

const phantom = join(repoRoot, 'packages/forward-operators/test/radon/fixtures/phantom64.npy');
let dir: string;
beforeAll(() => {
  dir = tempDir();
});

describe('scoresde forward / baseline / metrics', () => {
  it('CT: forward projects, and TV beats FBP at 23 views', async () => {
    const sino = join(dir, 'sino.npy');
    let r = await runCli(['forward', '--operator', 'radon', '--set', 'angles=23', '--in', phantom, '--out', sino, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(parseNpy(readFileSync(sino)).shape).toEqual([23, 64, 1]);
    for (const [m, extra] of [['fbp', []], ['tv', ['--tv-set', 'lambda=0.05', '--tv-set', 'iters=300', '--tv-set', 'nonneg=true']]] as const) {
      r = await runCli(['baseline', '--operator', 'radon', '--set', 'angles=23', '--method', m, ...extra, '--shape', '64,64', '--in', sino, '--out', join(dir, `${m}.npy`)]);
      expect(r.code, r.stderr).toBe(0);
    }
    const score = async (f: string) => {
      const q = await runCli(['metrics', '--ref', phantom, '--test', join(dir, f), '--json']);
      expect(q.code, q.stderr).toBe(0);
      return JSON.parse(q.stdout) as { psnr: number; ssim: number };
    };
    const fbp = await score('fbp.npy');
    const tv = await score('tv.npy');
    expect(tv.psnr).toBeGreaterThan(fbp.psnr + 3);
  });

  it('adjoint via the CLI matches ⟨Ax, y⟩ = ⟨x, Aᵀy⟩', async () => {
    const x = Array.from({ length: 32 * 32 }, (_, i) => Math.sin(i * 0.37) + 0.2);
    const y = Array.from({ length: 32 * 32 * 2 }, (_, i) => Math.cos(i * 0.11));
    writeNpyFile(join(dir, 'x.npy'), x, [32, 32, 1]);
    writeNpyFile(join(dir, 'y.npy'), y, [32, 32, 2]);
    const set = ['--operator', 'mri', '--set', 'acceleration=4', '--set', 'seed=3'];
    expect((await runCli(['forward', ...set, '--in', join(dir, 'x.npy'), '--out', join(dir, 'ax.npy')])).code).toBe(0);
    expect((await runCli(['forward', ...set, '--adjoint', '--shape', '32,32,1', '--in', join(dir, 'y.npy'), '--out', join(dir, 'aty.npy')])).code).toBe(0);
    const ax = parseNpy(readFileSync(join(dir, 'ax.npy'))).data;
    const aty = parseNpy(readFileSync(join(dir, 'aty.npy'))).data;
    let l = 0, rr = 0, nax = 0, ny = 0;
    for (let i = 0; i < ax.length; i++) { l += ax[i]! * y[i]!; nax += ax[i]! ** 2; ny += y[i]! ** 2; }
    for (let i = 0; i < aty.length; i++) rr += x[i]! * aty[i]!;
    expect(Math.abs(l - rr)).toBeLessThan(1e-5 * Math.sqrt(nax * ny));
  });

  it('reads .dcm (modality units) and .png (scaled to [0, 1]) inputs', async () => {
    const dcm = join(repoRoot, 'datasets/test/fixtures/dicom/src/ct_u12.dcm');
    const ref = parseNpy(readFileSync(join(repoRoot, 'datasets/test/fixtures/dicom/ref/ct_u12_rawexpl.npy')));
    const out = join(dir, 'dcm-id.npy');
    let r = await runCli(['forward', '--operator', 'mask', '--set', 'ratio=1', '--in', dcm, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const got = parseNpy(readFileSync(out));
    expect(got.shape).toEqual([40, 48, 1]);
    expect(Array.from(got.data)).toEqual(Array.from(ref.data));
    const png = join(dir, 'ph.png');
    expect((await runCli(['png', '--in', phantom, '--range', '0,1', '--out', png])).code).toBe(0);
    r = await runCli(['forward', '--operator', 'mask', '--set', 'ratio=1', '--in', png, '--out', join(dir, 'png-id.npy')]);
    expect(r.code, r.stderr).toBe(0);
    const p = parseNpy(readFileSync(join(dir, 'png-id.npy')));
    const ph = parseNpy(readFileSync(phantom));
    expect(p.shape).toEqual([64, 64, 1]);
    for (let i = 0; i < p.data.length; i++) expect(Math.abs(p.data[i]! - Math.min(1, Math.max(0, ph.data[i]!)))).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
  });

  it('plugins info documents parameters and defaults', async () => {
    const r = await runCli(['plugins', 'info', 'mri', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { parameters: { key: string; default?: unknown }[] };
    expect(j.parameters).toContainEqual(expect.objectContaining({ key: 'acceleration', default: 4 }));
    const b = await runCli(['plugins', 'info', 'blur', '--plugin', join(repoRoot, 'plugins/operator-blur')]);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stdout).toMatch(/sigma/);
  });

  it('the example operator plugin works from the CLI', async () => {
    const out = join(dir, 'blurred.npy');
    const r = await runCli(['forward', '--plugin', join(repoRoot, 'plugins/operator-blur'), '--operator', 'blur', '--set', 'sigma=1.5', '--in', phantom, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseNpy(readFileSync(out)).shape).toEqual([64, 64, 1]);
  });

  it('plugins new operator scaffolds a package', async () => {
    const target = join(dir, 'scaffolded');
    const r = await runCli(['plugins', 'new', 'operator', 'my-op', '--dir', target, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(target, 'src/index.ts'))).toBe(true);
    expect(existsSync(join(target, 'test'))).toBe(true);
    expectOneLineError(await runCli(['plugins', 'new', 'operator', 'my-op', '--dir', target]));
  });

  describe('bad input: one line, non-zero exit, no output', () => {
    beforeAll(() => {
      writeNpyFile(join(dir, 'halfmask.npy'), Array.from({ length: 64 * 64 }, (_, i) => (i % 3 === 0 ? 0.5 : 1)), [64, 64]);
      writeNpyFile(join(dir, 'maps.npy'), new Array(2 * 32 * 32 * 2).fill(0.5), [2, 32, 32, 2]);
    });
    const cases: [string, () => string[], RegExp][] = [
      ['image/operator shape mismatch (adjoint)', () => ['forward', '--operator', 'radon', '--set', 'angles=23', '--adjoint', '--shape', '32,32', '--in', join(dir, 'sino.npy')], /does not match operator 'radon' output/],
      ['angles out of range', () => ['forward', '--operator', 'radon', '--set', 'angle_list=[0,45,200]', '--in', phantom], /angle/],
      ['acceleration < 1', () => ['forward', '--operator', 'mri', '--set', 'acceleration=0.5', '--in', phantom], /acceleration/],
      ['coil-map shape mismatch', () => ['forward', '--operator', 'mri', '--set', `coil_maps=${join(dir, 'maps.npy')}`, '--in', phantom], /coil/],
      ['mask not 0/1', () => ['forward', '--operator', 'mask', '--set', `file=${join(dir, 'halfmask.npy')}`, '--in', phantom], /not 0\/1/],
      ['unknown operator', () => ['forward', '--operator', 'nope', '--in', phantom], /unknown operator 'nope'/],
      ['missing input file', () => ['forward', '--operator', 'radon', '--in', join(dir, 'missing.npy')], /cannot read/],
      ['method without pseudo-inverse', () => ['baseline', '--operator', 'blur', '--plugin', join(repoRoot, 'plugins/operator-blur'), '--method', 'fbp', '--shape', '64,64', '--in', phantom], /pseudo-inverse/],
    ];
    for (const [name, args, re] of cases) {
      it(name, async () => {
        const out = join(dir, `bad-${name.replace(/\W+/g, '-')}.npy`);
        const line = expectOneLineError(await runCli([...args(), '--out', out]));
        expect(line).toMatch(re);
        expect(existsSync(out)).toBe(false);
      });
    }
    it('metrics on images of different shapes', async () => {
      writeNpyFile(join(dir, 'small.npy'), new Array(16).fill(0), [4, 4]);
      expect(expectOneLineError(await runCli(['metrics', '--ref', phantom, '--test', join(dir, 'small.npy')]))).toMatch(/differ in shape/);
    });
  });
});
