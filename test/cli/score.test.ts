/** `scoresde score` reproduces score_sde_pytorch's parity fixtures by hand, as a user would check. */
import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNpy } from '@scoresde/core';
import { runCli, tempDir, expectOneLineError, repoRoot } from '../helpers/cli.js';

const parity = join(repoRoot, '..', 'shared', 'parity');
const have = existsSync(parity);

function maxRel(a: Float32Array, b: Float32Array): number {
  let m = 0, r = 0;
  for (let i = 0; i < b.length; i++) { m = Math.max(m, Math.abs(a[i]! - b[i]!)); r = Math.max(r, Math.abs(b[i]!)); }
  return m / r;
}

describe.skipIf(!have)('scoresde score on the parity fixtures (nchw)', () => {
  const dir = tempDir();
  for (const name of ['ncsnpp_ve', 'ddpmpp_vp', 'ddpm_vp']) {
    it(`${name}: score and raw output within 1e-4·max|ref|`, async () => {
      const f = join(parity, name);
      for (const [raw, ref] of [[false, 'score.npy'], [true, 'net_out.npy']] as const) {
        const out = join(dir, `${name}-${ref}`);
        const r = await runCli(['score', '--model', f, '--in', join(f, 'x.npy'), '--t', join(f, 't.npy'), '--layout', 'nchw', ...(raw ? ['--raw'] : []), '--out', out, '--backend', 'wasm']);
        expect(r.code, r.stderr).toBe(0);
        const got = parseNpy(readFileSync(out));
        const want = parseNpy(readFileSync(join(f, ref)));
        expect(got.shape).toEqual(want.shape);
        expect(maxRel(got.data, want.data)).toBeLessThan(1e-4);
      }
    });
  }
  it('an input of the wrong layout is one clear line', async () => {
    const f = join(parity, 'ncsnpp_ve');
    const line = expectOneLineError(await runCli(['score', '--model', f, '--in', join(f, 'x.npy'), '--t', join(f, 't.npy'), '--out', join(dir, 'bad.npy')]));
    expect(line).toMatch(/does not match the model's \[B, 16, 16, 1\] \(nhwc\)/);
  });
});
