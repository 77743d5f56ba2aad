import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRegistries, encodeNpy, Rng, ScoresdeError, tf, type Registries } from '@scoresde/core';
import { adjointCheck, boxMask, halfMask, MaskOperator, randomMask, registerOperators } from '@scoresde/forward-operators';
import { BACKENDS, useBackend } from './helpers.js';

let reg: Registries;
let dir: string;
beforeAll(() => {
  reg = createRegistries();
  registerOperators(reg);
  dir = mkdtempSync(join(tmpdir(), 'mask-'));
});

const ctx = (inputShape: number[]) => ({ inputShape, cwd: dir, registries: reg });

describe.each(BACKENDS)('mask on %s', (backend) => {
  it('is self-adjoint (per pixel and per channel) to float precision', async () => {
    await useBackend(backend);
    const rng = new Rng(5);
    for (const params of [{ ratio: 0.3 }, { ratio: 0.6, per_channel: true }, { side: 'left' }, { box: [2, 3, 5, 4] }]) {
      const op = await reg.operators.create('mask', params, ctx([16, 12, 3]));
      expect(await adjointCheck(op, rng, { batch: 2 })).toBeLessThan(1e-5);
      op.dispose?.();
    }
  });

  it('decomposition: embed(Ax) = Λ ⊙ T x and T⁻¹T = I', async () => {
    await useBackend(backend);
    const op = await reg.operators.create('mask', { ratio: 0.4, seed: 2 }, ctx([8, 8, 2]));
    const d = op.decomposition!;
    const x = new Rng(1).normalTensor([2, 8, 8, 2]);
    const lhs = d.embed(op.forward(x)).dataSync();
    const rhs = d.mask().mul(d.transform(x)).dataSync();
    expect(Array.from(lhs)).toEqual(Array.from(rhs));
    expect(Array.from(d.inverseTransform(d.transform(x)).dataSync())).toEqual(Array.from(x.dataSync()));
    expect(d.mask().shape).toEqual([1, 8, 8, 2]);
    expect(Array.from(op.pseudoInverse!(op.forward(x)).dataSync())).toEqual(Array.from(lhs));
  });
});

describe('mask patterns', () => {
  it('random: exact observed count, reproducible by seed, different across seeds', () => {
    const a = randomMask(10, 20, 1, 0.25, 3);
    expect(a.data.reduce((s, v) => s + v, 0)).toBe(50);
    expect(Array.from(randomMask(10, 20, 1, 0.25, 3).data)).toEqual(Array.from(a.data));
    expect(Array.from(randomMask(10, 20, 1, 0.25, 4).data)).not.toEqual(Array.from(a.data));
    const pc = randomMask(10, 20, 3, 0.5, 3);
    expect(pc.shape).toEqual([10, 20, 3]);
    for (let c = 0; c < 3; c++) expect(pc.data.filter((_, i) => i % 3 === c).reduce((s, v) => s + v, 0)).toBe(100);
  });

  it('box and half cover the documented pixels', () => {
    const b = boxMask(6, 8, [1, 2, 3, 2]);
    const zeros: number[] = [];
    b.data.forEach((v, i) => v === 0 && zeros.push(i));
    expect(zeros).toEqual([2 * 8 + 1, 2 * 8 + 2, 2 * 8 + 3, 3 * 8 + 1, 3 * 8 + 2, 3 * 8 + 3]);
    const right = halfMask(2, 5, 'right');
    expect(Array.from(right.data)).toEqual([1, 1, 1, 0, 0, 1, 1, 1, 0, 0]);
    const top = halfMask(3, 2, 'top');
    expect(Array.from(top.data)).toEqual([0, 0, 1, 1, 1, 1]);
    expect(Array.from(halfMask(2, 4, 'left').data)).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    expect(Array.from(halfMask(4, 1, 'bottom').data)).toEqual([1, 1, 0, 0]);
  });

  it('reads .npy and .png masks (per pixel and per channel)', async () => {
    const m = new Float32Array(4 * 6);
    m.forEach((_, i) => (m[i] = i % 3 === 0 ? 1 : 0));
    writeFileSync(join(dir, 'm.npy'), encodeNpy({ data: m, shape: [4, 6] }));
    const op = (await reg.operators.create('mask', { file: 'm.npy' }, ctx([4, 6, 2]))) as MaskOperator;
    expect(Array.from(op.maskTensor.dataSync())).toEqual(Array.from(m));
    const png = Buffer.from(Array.from(m, (v) => v * 255));
    await sharp(png, { raw: { width: 6, height: 4, channels: 1 } }).png().toFile(join(dir, 'm.png'));
    const op2 = (await reg.operators.create('mask', { file: join(dir, 'm.png') }, ctx([4, 6, 3]))) as MaskOperator;
    expect(Array.from(op2.maskTensor.dataSync())).toEqual(Array.from(m));
    expect(op2.maskTensor.shape).toEqual([1, 4, 6, 1]);
    const rgb = Buffer.alloc(4 * 6 * 3);
    rgb.forEach((_, i) => (rgb[i] = i % 2 ? 255 : 0));
    await sharp(rgb, { raw: { width: 6, height: 4, channels: 3 } }).png().toFile(join(dir, 'rgb.png'));
    const op3 = (await reg.operators.create('mask', { file: 'rgb.png' }, ctx([4, 6, 3]))) as MaskOperator;
    expect(op3.maskTensor.shape).toEqual([1, 4, 6, 3]);
    expect(Array.from(op3.maskTensor.dataSync())).toEqual(Array.from(rgb, (v) => v / 255));
  });
});

describe('mask bad input', () => {
  it('rejects a mask that is not 0/1, with a one-line message', async () => {
    const m = new Float32Array(16).fill(1);
    m[5] = 0.5;
    writeFileSync(join(dir, 'bad.npy'), encodeNpy({ data: m, shape: [4, 4] }));
    const p = reg.operators.create('mask', { file: 'bad.npy' }, ctx([4, 4, 1]));
    await expect(p).rejects.toThrow(ScoresdeError);
    await expect(reg.operators.create('mask', { file: 'bad.npy' }, ctx([4, 4, 1]))).rejects.toThrow(/bad\.npy: mask is not 0\/1 \(value 0\.5 at index \[1, 1, 0\]\)$/);
    const gray = Buffer.alloc(16, 255);
    gray[3] = 128;
    await sharp(gray, { raw: { width: 4, height: 4, channels: 1 } }).png().toFile(join(dir, 'gray.png'));
    await expect(reg.operators.create('mask', { file: 'gray.png' }, ctx([4, 4, 1]))).rejects.toThrow(/mask is not 0\/1/);
    expect(() => new MaskOperator({ data: new Float32Array([0, 2, 1, 1]), shape: [2, 2, 1] }, [2, 2, 1])).toThrow(/not 0\/1/);
  });

  it('rejects shape mismatches and bad parameters', async () => {
    writeFileSync(join(dir, 'small.npy'), encodeNpy({ data: new Float32Array(9).fill(1), shape: [3, 3] }));
    await expect(reg.operators.create('mask', { file: 'small.npy' }, ctx([4, 4, 1]))).rejects.toThrow('mask file');
    await expect(reg.operators.create('mask', { file: 'small.npy' }, ctx([4, 4, 1]))).rejects.toThrow(/3×3×1 does not match image 4×4×1/);
    await expect(reg.operators.create('mask', { file: 'nope.npy' }, ctx([4, 4, 1]))).rejects.toThrow(/cannot read/);
    await expect(reg.operators.create('mask', { file: 'm.txt' }, ctx([4, 4, 1]))).rejects.toThrow(/unsupported extension/);
    await expect(reg.operators.create('mask', { ratio: 0 }, ctx([4, 4, 1]))).rejects.toThrow(/ratio/);
    await expect(reg.operators.create('mask', { ratio: 1.5 }, ctx([4, 4, 1]))).rejects.toThrow(ScoresdeError);
    await expect(reg.operators.create('mask', { box: [2, 2, 4, 1] }, ctx([4, 4, 1]))).rejects.toThrow(/does not fit in the 4×4 image/);
    await expect(reg.operators.create('mask', { pattern: 'file' }, ctx([4, 4, 1]))).rejects.toThrow(/needs file=PATH/);
    await expect(reg.operators.create('mask', { side: 'middle' }, ctx([4, 4, 1]))).rejects.toThrow(/side/);
    const op = await reg.operators.create('mask', {}, ctx([8, 8, 1]));
    expect(() => op.forward(tf.zeros([1, 4, 4, 1]))).toThrow('mask: image 4×4×1 does not match operator input 8×8×1');
    expect(() => op.adjoint!(tf.zeros([8, 8, 1]))).toThrow(/measurement .* does not match operator output 8×8×1/);
  });
});
