/** `scoresde doctor`, `png`, `--config` merging and `--help` examples, end to end. */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { runCli, tempDir, writeNpyFile, expectOneLineError, repoRoot } from '../helpers/cli.js';

const dir = tempDir();
const phantom = join(repoRoot, 'packages/forward-operators/test/radon/fixtures/phantom64.npy');

describe('scoresde doctor', () => {
  it('reports every backend with a reason when unavailable, and what auto picks', async () => {
    const r = await runCli(['doctor', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { backends: { name: string; available: boolean; reason?: string }[]; auto: string };
    expect(j.backends.map((b) => b.name)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    for (const b of j.backends) if (!b.available) expect(b.reason).toMatch(/\S/);
    expect(j.backends.find((b) => b.name === 'wasm')!.available).toBe(true);
    expect(['tensorflow', 'webgpu', 'wasm']).toContain(j.auto);
  });
});

describe('scoresde png', () => {
  it('renders an image with a fixed range and a stack as a grid', async () => {
    const out = join(dir, 'ph.png');
    expect((await runCli(['png', '--in', phantom, '--range', '0,1', '--out', out])).code).toBe(0);
    const m = await sharp(readFileSync(out)).metadata();
    expect([m.width, m.height, m.channels]).toEqual([64, 64, 1]);
    const stack = Array.from({ length: 5 * 8 * 8 }, (_, i) => i % 7);
    writeNpyFile(join(dir, 'stack.npy'), stack, [5, 8, 8, 1]);
    const g = join(dir, 'grid.png');
    expect((await runCli(['png', '--in', join(dir, 'stack.npy'), '--cols', '3', '--out', g])).code).toBe(0);
    const gm = await sharp(readFileSync(g)).metadata();
    expect([gm.width, gm.height]).toEqual([3 * 8 + 2 * 2, 2 * 8 + 2]);
    const raw = await sharp(readFileSync(g)).extractChannel(0).raw().toBuffer();
    expect(raw[0]).toBe(0); // value 0 → black
    expect(raw[6]).toBe(255); // value 6 = max → white
  });

  it('windows CT data', async () => {
    writeNpyFile(join(dir, 'hu.npy'), [-1000, -160, 40, 240, 3000, 0], [2, 3]);
    const out = join(dir, 'hu.png');
    expect((await runCli(['png', '--in', join(dir, 'hu.npy'), '--window', '40,400', '--out', out])).code).toBe(0);
    const raw = await sharp(readFileSync(out)).extractChannel(0).raw().toBuffer();
    expect(Array.from(raw)).toEqual([0, 0, 128, 255, 255, 102]); // lo = −160, hi = 240
  });

  it('bad window is one line and writes nothing', async () => {
    const out = join(dir, 'bad.png');
    expect(expectOneLineError(await runCli(['png', '--in', phantom, '--window', '40', '--out', out]))).toMatch(/--window expects two numbers/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('--config and --help', () => {
  it('reads options from a JSON file, and flags win over it', async () => {
    const cfg = join(dir, 'cfg.json');
    writeFileSync(cfg, JSON.stringify({ operator: 'radon', set: ['angles=10'], out: join(dir, 'from-config.npy') }));
    let r = await runCli(['forward', '--config', cfg, '--in', phantom, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).shape).toEqual([10, 64, 1]);
    r = await runCli(['forward', '--config', cfg, '--set', 'angles=12', '--in', phantom, '--json']);
    expect(JSON.parse(r.stdout).shape).toEqual([12, 64, 1]);
    writeFileSync(cfg, JSON.stringify({ operatr: 'radon' }));
    expect(expectOneLineError(await runCli(['forward', '--config', cfg, '--operator', 'radon', '--in', phantom, '--out', join(dir, 'x.npy')]))).toMatch(
      /unknown option 'operatr'/,
    );
  });

  it('every command has --help with an example', async () => {
    for (const c of ['sample', 'reconstruct', 'score', 'forward', 'baseline', 'metrics', 'png', 'doctor', 'plugins list', 'plugins info', 'plugins new']) {
      const r = await runCli([...c.split(' '), '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/Example/);
    }
  });
});
