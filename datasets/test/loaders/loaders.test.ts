/** PNG-folder and .npy-stack loaders: values, channels, shapes, and one-line errors. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { writeNpy } from '@scoresde/core';
import { loadNpyStack, loadPngFolder } from '@scoresde/datasets';

const root = mkdtempSync(path.join(tmpdir(), 'scoresde-loaders-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function ramp(n: number, c: number, off: number): Uint8Array {
  const a = new Uint8Array(n * n * c);
  for (let i = 0; i < a.length; i++) a[i] = (i * 7 + off) % 256;
  return a;
}

describe('PNG folder', () => {
  it('reads grayscale PNGs in name order as [0, 1] values', async () => {
    const dir = path.join(root, 'gray');
    mkdirSync(dir);
    const imgs = [ramp(8, 1, 0), ramp(8, 1, 50)];
    await sharp(Buffer.from(imgs[1]!), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toFile(path.join(dir, 'b.png'));
    await sharp(Buffer.from(imgs[0]!), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toFile(path.join(dir, 'a.png'));
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
    const ds = await loadPngFolder(dir);
    expect(ds.size).toBe(2);
    expect(ds.shape).toEqual([8, 8, 1]);
    expect(ds.files).toEqual(['a.png', 'b.png']);
    const { x } = await ds.batch([1, 0]);
    for (let i = 0; i < 64; i++) {
      expect(x[i]).toBeCloseTo(imgs[1]![i]! / 255, 7);
      expect(x[64 + i]).toBeCloseTo(imgs[0]![i]! / 255, 7);
    }
  });

  it('reads RGB as 3 channels (or gray on request) and 16-bit grayscale as v / 65535', async () => {
    const dir = path.join(root, 'rgb');
    mkdirSync(dir);
    const rgb = ramp(4, 3, 9);
    await sharp(Buffer.from(rgb), { raw: { width: 4, height: 4, channels: 3 } }).png().toFile(path.join(dir, 'c.png'));
    const ds = await loadPngFolder(dir);
    expect(ds.shape).toEqual([4, 4, 3]);
    const { x } = await ds.batch([0]);
    for (let i = 0; i < rgb.length; i++) expect(x[i]).toBeCloseTo(rgb[i]! / 255, 7);
    const g = await loadPngFolder(dir, { channels: 1 });
    expect(g.shape).toEqual([4, 4, 1]);
    const gx = (await g.batch([0])).x;
    // Luminance of (r, g, b) lies between min and max of the channels.
    for (let p = 0; p < 16; p++) {
      const c = [rgb[3 * p]!, rgb[3 * p + 1]!, rgb[3 * p + 2]!].map((v) => v / 255);
      expect(gx[p]!).toBeGreaterThanOrEqual(Math.min(...c) - 1 / 255);
      expect(gx[p]!).toBeLessThanOrEqual(Math.max(...c) + 1 / 255);
    }
    const d16 = path.join(root, 'deep');
    mkdirSync(d16);
    // A 16-bit grayscale PNG (sharp widens 8-bit v to v·257 in grey16).
    const v8 = ramp(4, 1, 3);
    await sharp(Buffer.from(v8), { raw: { width: 4, height: 4, channels: 1 } }).toColourspace('grey16').png().toFile(path.join(d16, 'd.png'));
    expect((await sharp(path.join(d16, 'd.png')).metadata()).depth).toBe('ushort');
    const deep = await loadPngFolder(d16);
    expect(deep.shape).toEqual([4, 4, 1]);
    const dx = (await deep.batch([0])).x;
    for (let i = 0; i < 16; i++) expect(dx[i]).toBeCloseTo((v8[i]! * 257) / 65535, 6);
  });

  it('refuses empty folders, mixed sizes and non-square images in one line', async () => {
    const empty = path.join(root, 'empty');
    mkdirSync(empty);
    await expect(loadPngFolder(empty)).rejects.toThrow(/holds no \.png files/);
    await expect(loadPngFolder(path.join(root, 'missing'))).rejects.toThrow(/cannot read PNG folder .*ENOENT/);
    const mixed = path.join(root, 'mixed');
    mkdirSync(mixed);
    await sharp(Buffer.from(ramp(4, 1, 0)), { raw: { width: 4, height: 4, channels: 1 } }).toColourspace('b-w').png().toFile(path.join(mixed, 'a.png'));
    await sharp(Buffer.from(ramp(8, 1, 0)), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toFile(path.join(mixed, 'b.png'));
    await expect(loadPngFolder(mixed)).rejects.toThrow(/b\.png is 8×8 but a\.png is 4×4/);
    const resized = await loadPngFolder(mixed, { resize: 6 });
    expect(resized.shape).toEqual([6, 6, 1]);
    const bad = path.join(root, 'bad');
    mkdirSync(bad);
    writeFileSync(path.join(bad, 'x.png'), 'not a png');
    await expect(loadPngFolder(bad)).rejects.toThrow(/x\.png: not a readable PNG/);
  });
});

describe('.npy stack', () => {
  it('reads [N, H, W] and [N, H, W, C] stacks with labels', async () => {
    const data = new Float32Array(3 * 4 * 4 * 2).map((_, i) => (i % 11) / 10);
    const p4 = path.join(root, 's4.npy');
    await writeNpy(p4, { data, shape: [3, 4, 4, 2] });
    const lp = path.join(root, 'l.npy');
    await writeNpy(lp, { data: new Float32Array([2, 0, 1]), shape: [3] });
    const ds = await loadNpyStack(p4, { labels: lp });
    expect(ds.size).toBe(3);
    expect(ds.shape).toEqual([4, 4, 2]);
    expect(ds.numClasses).toBe(3);
    const b = await ds.batch([2, 0]);
    expect([...b.x.subarray(0, 32)]).toEqual([...data.subarray(64, 96)]);
    expect([...b.labels!]).toEqual([1, 2]);
    const p3 = path.join(root, 's3.npy');
    await writeNpy(p3, { data: data.subarray(0, 48), shape: [3, 4, 4] });
    expect((await loadNpyStack(p3)).shape).toEqual([4, 4, 1]);
  });

  it('refuses wrong ranks, non-square images, out-of-range values and bad labels', async () => {
    const p = path.join(root, 'bad.npy');
    await writeNpy(p, { data: new Float32Array(8), shape: [8] });
    await expect(loadNpyStack(p)).rejects.toThrow(/expected an \[N, H, W, C\] or \[N, H, W\] stack/);
    await writeNpy(p, { data: new Float32Array(12), shape: [1, 3, 4] });
    await expect(loadNpyStack(p)).rejects.toThrow(/need square images/);
    await writeNpy(p, { data: new Float32Array([0, 2, 0, 0]), shape: [1, 2, 2] });
    await expect(loadNpyStack(p)).rejects.toThrow(/values span \[0, 2\]; training data must lie in \[0, 1\]/);
    expect((await loadNpyStack(p, { allowAnyRange: true })).size).toBe(1);
    const lp = path.join(root, 'badl.npy');
    await writeNpy(lp, { data: new Float32Array([0.5]), shape: [1] });
    await expect(loadNpyStack(p, { allowAnyRange: true, labels: lp })).rejects.toThrow(/label 0 is 0.5/);
  });
});
