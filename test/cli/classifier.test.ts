/** `scoresde train-classifier` and class guidance with the trained checkpoint, end to end. */
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '@scoresde/core';
import { runCli, tempDir, expectOneLineError } from '../helpers/cli.js';

const dir = tempDir();
const gmm = join(dir, 'gmm.json');
const ckpt = join(dir, 'clf.safetensors');

beforeAll(() => {
  writeFileSync(gmm, JSON.stringify({
    shape: [1, 1, 2],
    components: [
      { weight: 0.5, mean: [-3, 0], cov: 0.25 },
      { weight: 0.3, mean: [3, 1], cov: [0.5, 0.2] },
      { weight: 0.2, mean: [0, 4], cov: [[0.4, 0.1], [0.1, 0.3]] },
    ],
  }));
});

describe('scoresde train-classifier', () => {
  it('trains, checkpoints with a sidecar, resumes, and guides sampling', async () => {
    let r = await runCli(['train-classifier', '--data', `gmm:${gmm}`, '--sde', 'vp', '--steps', '150', '--channels', '8', '--blocks', '1', '--data-count', '4000', '--out', ckpt, '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).steps).toBe(150);
    expect(existsSync(ckpt) && existsSync(join(dir, 'clf.json'))).toBe(true);
    r = await runCli(['train-classifier', '--data', `gmm:${gmm}`, '--sde', 'vp', '--steps', '250', '--channels', '8', '--blocks', '1', '--data-count', '4000', '--out', ckpt, '--resume', '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).steps).toBe(250);
    const out = join(dir, 'c2.npy');
    r = await runCli(['sample', '--model', `gmm:${gmm}`, '--sde', 'vp', '--class', '2', '--classifier', ckpt, '--scale', '2', '--steps', '150', '--n', '200', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const s = parseNpy(readFileSync(out)).data;
    let near = 0;
    for (let k = 0; k < 200; k++) if (Math.hypot(s[2 * k]!, s[2 * k + 1]! - 4) < 2) near++;
    // Class 2 has prior weight 0.2: guidance must move most samples there.
    expect(near / 200).toBeGreaterThan(0.6);
  });

  it('a classifier whose classes do not match the prior is one clear line', async () => {
    const four = join(dir, 'gmm4.json');
    writeFileSync(four, JSON.stringify({ shape: [1, 1, 2], components: [0, 1, 2, 3].map((k) => ({ weight: 0.25, mean: [k * 3, 0], cov: 0.3 })) }));
    const out = join(dir, 'bad.npy');
    const line = expectOneLineError(await runCli(['sample', '--model', `gmm:${four}`, '--sde', 'vp', '--class', '1', '--classifier', ckpt, '--n', '4', '--steps', '5', '--out', out]));
    expect(line).toMatch(/class/);
    expect(line).toMatch(/3/);
    expect(existsSync(out)).toBe(false);
  });

  it('--ch-mult: a two-level classifier on shapes (its sidecar records the levels)', async () => {
    const out = join(dir, 'levels.safetensors');
    const r = await runCli(['train-classifier', '--data', 'shapes', '--size', '16', '--data-count', '64', '--sde', 've', '--steps', '3', '--batch-size', '8', '--channels', '4', '--blocks', '1', '--ch-mult', '1,2', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'levels.json'), 'utf8')).arch).toMatchObject({ channels: 4, blocks: 1, chMult: [1, 2] });
  });

  it('bad input: missing SDE, stack without labels, bad --ch-mult', async () => {
    expect(expectOneLineError(await runCli(['train-classifier', '--data', 'shapes', '--sde', 've', '--ch-mult', '1,x', '--out', join(dir, 'x.safetensors')]))).toMatch(/--ch-mult must be a comma-separated list of integers ≥ 1, got '1,x'/);
    expect(expectOneLineError(await runCli(['train-classifier', '--data', 'shapes', '--size', '12', '--sde', 've', '--ch-mult', '1,1,1,1', '--steps', '1', '--out', join(dir, 'x.safetensors')]))).toMatch(/multiples of 8, got 12×12/);
    expect(expectOneLineError(await runCli(['train-classifier', '--data', `gmm:${gmm}`, '--out', join(dir, 'x.safetensors')]))).toMatch(/sde/i);
    expect(expectOneLineError(await runCli(['train-classifier', '--data', gmm, '--sde', 'vp', '--out', join(dir, 'x.safetensors')]))).toMatch(/not 'shapes'/);
  });
});
