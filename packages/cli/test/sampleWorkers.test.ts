/** `scoresde sample --workers N` (packages/core/src/parallel) through the built CLI. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '@scoresde/core';
import { expectOneLineError, runCli, tempDir, writeNpyFile } from '../../../test/helpers/cli.js';

describe('scoresde sample --workers', () => {
  it('1 and 2 worker threads write the same samples; bad combinations are one-line errors', async () => {
    const dir = tempDir('scoresde-sample-workers-');
    const d = 16;
    const cov: number[] = [];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov.push(i === j ? 1 + 0.1 * i : 0.3 * Math.cos(i - j) * (i === j ? 0 : 0.5));
    writeNpyFile(join(dir, 'mean.npy'), Array.from({ length: d }, (_, i) => Math.sin(i)), [4, 4, 1]);
    writeNpyFile(join(dir, 'cov.npy'), cov, [d, d]);
    const base = ['sample', '--model', 'gaussian:mean.npy,cov.npy', '--sde', 'vp', '--steps', '30', '--n', '5', '--batch-size', '2', '--seed', '3', '--quiet'];
    const one = await runCli([...base, '--workers', '1', '--out', 'a.npy', '--json'], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ n: 5, shape: [5, 4, 4, 1], workers: 1, nfe: 3 * 2 * 30 });
    const two = await runCli([...base, '--workers', '2', '--out', 'b.npy', '--json'], { cwd: dir });
    expect(two.code, two.stderr).toBe(0);
    expect(JSON.parse(two.stdout)).toMatchObject({ workers: 2 });
    const a = readFileSync(join(dir, 'a.npy'));
    const b = readFileSync(join(dir, 'b.npy'));
    expect(b.equals(a)).toBe(true);
    const arr = parseNpy(a);
    expect(arr.shape).toEqual([5, 4, 4, 1]);
    expect(Array.from(arr.data).every(Number.isFinite)).toBe(true);

    const ode = await runCli([...base, '--workers', '2', '--sampler', 'ode', '--out', 'c.npy'], { cwd: dir });
    expect(expectOneLineError(ode)).toMatch(/--workers runs the PC sampler only/);
    const zero = await runCli([...base, '--workers', '0', '--out', 'c.npy'], { cwd: dir });
    expect(expectOneLineError(zero)).toMatch(/--workers must be an integer ≥ 1/);
  }, 120_000);
});
