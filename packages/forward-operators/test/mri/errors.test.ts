import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { tf, initBackend, encodeNpy, ScoresdeError } from '@scoresde/core';
import { makeMri } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mri-errors-'));
function npy(name: string, data: number[] | Float32Array, shape: number[]): string {
  const p = join(dir, name);
  writeFileSync(p, encodeNpy({ data: Float32Array.from(data), shape }));
  return p;
}

async function oneLineError(p: Promise<unknown>, re: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ScoresdeError);
  const msg = (e as Error).message;
  expect(msg).toMatch(re);
  expect(msg.includes('\n')).toBe(false);
}

describe('mri bad input: one clear ScoresdeError line', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('acceleration < 1', async () => {
    await oneLineError(makeMri({ acceleration: 0.5 }, [16, 16, 1]), /^mri: acceleration must be ≥ 1, got 0.5$/);
    await oneLineError(makeMri({ mask: 'gaussian', acceleration: 0 }, [16, 16, 1]), /acceleration must be ≥ 1/);
  });

  it('a mask that is not 0/1, or does not fit the image', async () => {
    const bad = npy('bad.npy', [1, 0, 0.5, 1], [2, 2]);
    await oneLineError(makeMri({ mask_file: bad }, [2, 2, 1]), /values must be 0 or 1 \(found 0.5 at flat index 2\)/);
    const wrong = npy('wrong.npy', new Float32Array(12).fill(1), [3, 4]);
    await oneLineError(makeMri({ mask_file: wrong }, [4, 4, 1]), /does not fit the 4×4 image/);
    await oneLineError(makeMri({ mask_file: join(dir, 'missing.npy') }, [4, 4, 1]), /cannot read mask .*missing\.npy: ENOENT/);
  });

  it('coil-map shape mismatch', async () => {
    const maps = npy('maps.npy', new Float32Array(2 * 8 * 6 * 2).fill(0.5), [2, 8, 6, 2]);
    await oneLineError(makeMri({ coil_maps: maps }, [8, 8, 1]), /coil maps .* have shape \[2, 8, 6, 2\], expected \[coils, 8, 8, 2\] for a 8×8 image/);
    const flat = npy('flat.npy', new Float32Array(8 * 8 * 2).fill(0.5), [8, 8, 2]);
    await oneLineError(makeMri({ coil_maps: flat }, [8, 8, 1]), /expected \[coils, 8, 8, 2\]/);
    const ok = npy('ok.npy', new Float32Array(2 * 8 * 8 * 2).fill(0.5), [2, 8, 8, 2]);
    await oneLineError(makeMri({ coil_maps: ok, coils: 3 }, [8, 8, 1]), /coils=3 but the coil maps have 2 coils/);
  });

  it('image / measurement shape mismatch and unsupported channel counts', async () => {
    const op = await makeMri({}, [16, 16, 1]);
    const x = tf.zeros([1, 16, 12, 1]);
    expect(() => op.forward(x)).toThrow(/mri: image 16×12×1 does not match operator input 16×16×1/);
    const y = tf.zeros([1, 16, 16, 1]);
    expect(() => op.adjoint(y)).toThrow(/mri: measurement 16×16×1 does not match operator output 16×16×2/);
    tf.dispose([x, y]);
    op.dispose();
    await oneLineError(makeMri({}, [16, 16, 3]), /input must have 1 \(real\) or 2 \(re, im\) channels, got 3/);
  });

  it('noise settings', async () => {
    await oneLineError(makeMri({ noise: 'poisson' }, [8, 8, 1]), /noise 'poisson' is not meaningful/);
    await oneLineError(makeMri({ noise: 'gaussian' }, [8, 8, 1]), /needs noise_sigma > 0/);
  });
});
