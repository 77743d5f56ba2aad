/**
 * Synthetic data sets: seeded determinism, value ranges, geometry of the rasteriser and the
 * shapes, balanced labels.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '@scoresde/core';
import { EllipsesDataset, ShapesDataset, addRegion, ellipseTest, ellipsePhantom, SHAPE_CLASSES } from '@scoresde/datasets';

describe('rasteriser', () => {
  it('covers an ellipse with its area π·a·b (supersampled)', () => {
    const n = 128;
    const img = new Float32Array(n * n);
    addRegion(img, n, ellipseTest(0.1, -0.2, 0.5, 0.3, 0.7), 1, 4);
    const area = img.reduce((a, b) => a + b, 0) * (2 / n) ** 2;
    expect(Math.abs(area - Math.PI * 0.5 * 0.3) / (Math.PI * 0.15)).toBeLessThan(0.005);
    // Row 0 is the top (y = +1): an ellipse centred below the middle weighs more on lower rows.
    let top = 0;
    let bottom = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i < n / 2) top += img[i * n + j]!;
        else bottom += img[i * n + j]!;
      }
    }
    expect(bottom).toBeGreaterThan(top);
  });
});

describe('ellipse phantoms', () => {
  it('are seeded, in [0, 1], head-shaped, at 64² and 128²', () => {
    for (const size of [64, 128]) {
      const ds = new EllipsesDataset({ imageSize: size, seed: 7 });
      expect(ds.shape).toEqual([size, size, 1]);
      const a = ds.sample(3);
      expect([...ds.sample(3)]).toEqual([...a]);
      expect([...ds.sample(4)]).not.toEqual([...a]);
      expect([...new EllipsesDataset({ imageSize: size, seed: 8 }).sample(3)]).not.toEqual([...a]);
      for (let k = 0; k < 5; k++) {
        const img = ds.sample(k);
        let lo = Infinity;
        let hi = -Infinity;
        for (const v of img) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        expect(lo).toBe(0); // the corners are outside the head
        expect(hi).toBeLessThanOrEqual(1);
        expect(img[0]).toBe(0);
        // The skull: the top-centre rim of the head is bright (≈1).
        let rim = 0;
        for (let i = 0; i < size / 4; i++) rim = Math.max(rim, img[i * size + size / 2]!);
        expect(rim).toBeGreaterThan(size >= 128 ? 0.9 : 0.7);
        // Inside: brain tissue (0.15–0.35 before inner ellipses) — the centre is neither 0 nor skull.
        const fg = img.filter((v) => v > 0).length / img.length;
        expect(fg).toBeGreaterThan(0.35);
        expect(fg).toBeLessThan(0.75);
      }
      const b = ds.batch([3, 0]);
      expect([...b.x.subarray(0, size * size)]).toEqual([...a]);
      expect(b.labels).toBeUndefined();
    }
    expect(() => new EllipsesDataset({ imageSize: 4 })).toThrow(/image size/);
    expect(() => new EllipsesDataset({ imageSize: 16, count: 2 }).sample(2)).toThrow(/outside 0..1/);
  });

  it('vary: the mean image over many phantoms is smooth and the pixel variance is substantial', () => {
    const n = 32;
    const m = new Float64Array(n * n);
    const K = 200;
    let varSum = 0;
    const imgs = Array.from({ length: K }, (_, k) => ellipsePhantom(new Rng(1).fork(k), n));
    for (const img of imgs) for (let i = 0; i < m.length; i++) m[i]! += img[i]! / K;
    for (const img of imgs) for (let i = 0; i < m.length; i++) varSum += (img[i]! - m[i]!) ** 2 / K;
    expect(varSum / m.length).toBeGreaterThan(0.005);
  });
});

describe('shapes', () => {
  /** area² / polar moment about the centroid (scale-free), the centroid pixel, the intensity. */
  function geometry(img: Float32Array, n: number): { ratio: number; centre: number; value: number } {
    const value = Math.max(...img);
    let area = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const w = img[i * n + j]! / value;
        area += w;
        cx += w * j;
        cy += w * i;
      }
    cx /= area;
    cy /= area;
    let polar = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) polar += (img[i * n + j]! / value) * ((j - cx) ** 2 + (i - cy) ** 2);
    return { ratio: (area * area) / polar, centre: img[Math.round(cy) * n + Math.round(cx)]! / value, value };
  }

  it('are balanced, labelled i mod 4, seeded, in [0, 1], and each class has its geometry', () => {
    const n = 64;
    const ds = new ShapesDataset({ imageSize: n, seed: 2 });
    expect(ds.numClasses).toBe(4);
    expect(SHAPE_CLASSES).toEqual(['disk', 'square', 'triangle', 'ring']);
    const b = ds.batch(Array.from({ length: 400 }, (_, i) => i + 1000));
    const counts = [0, 0, 0, 0];
    for (const l of b.labels!) counts[l]!++;
    expect(counts).toEqual([100, 100, 100, 100]);
    expect([...ds.sample(5)]).toEqual([...new ShapesDataset({ imageSize: n, seed: 2 }).sample(5)]);
    expect([...ds.sample(5)]).not.toEqual([...new ShapesDataset({ imageSize: n, seed: 3 }).sample(5)]);
    // area² / J (J = polar moment about the centroid): disk 2π, square 6, equilateral triangle
    // 9/√3 ≈ 5.196 (a pixel's own moment adds 1/6 per unit area, negligible here); rings have an empty centre.
    const want = [2 * Math.PI, 6, 9 / Math.sqrt(3)];
    for (let i = 0; i < 40; i++) {
      const img = ds.sample(i);
      expect(Math.min(...img)).toBe(0);
      expect(Math.max(...img)).toBeLessThanOrEqual(1);
      const g = geometry(img, n);
      expect(g.value).toBeGreaterThanOrEqual(0.4);
      const label = ds.label(i);
      if (label === 3) expect(g.centre).toBeLessThan(0.05);
      else {
        expect(g.centre).toBeGreaterThan(0.95);
        expect(Math.abs(g.ratio - want[label]!) / want[label]!, `sample ${i} (${SHAPE_CLASSES[label]})`).toBeLessThan(0.015);
      }
    }
    expect(() => new ShapesDataset({ imageSize: 32, count: 0 })).toThrow(/count/);
  });
});
