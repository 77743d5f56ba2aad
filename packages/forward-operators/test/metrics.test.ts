import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseNpy, ScoresdeError } from '@scoresde/core';
import { gaussianWeights, imageMetrics, nmse, psnr, ssim } from '@scoresde/forward-operators';

const fx = (f: string) => fileURLToPath(new URL(`./fixtures/metrics/${f}`, import.meta.url));
const expected = JSON.parse(readFileSync(fx('expected.json'), 'utf8')) as Record<string, { data_range: number; ssim: number; psnr: number; nmse: number }>;

describe('metrics vs scikit-image fixtures', () => {
  for (const [name, e] of Object.entries(expected)) {
    it(`${name}: SSIM, PSNR, NMSE match skimage`, () => {
      const ref = parseNpy(readFileSync(fx(`${name}_ref.npy`)));
      const test = parseNpy(readFileSync(fx(`${name}_test.npy`)));
      expect(Math.abs(ssim(ref, test, { dataRange: e.data_range }) - e.ssim)).toBeLessThan(1e-6);
      expect(Math.abs(psnr(ref, test, { dataRange: e.data_range }) - e.psnr)).toBeLessThan(1e-6);
      expect(Math.abs(nmse(ref, test) - e.nmse) / e.nmse).toBeLessThan(1e-9);
      const all = imageMetrics(ref, test, { dataRange: e.data_range });
      expect([all.ssim, all.psnr, all.nmse, all.dataRange]).toEqual([ssim(ref, test, { dataRange: e.data_range }), psnr(ref, test, { dataRange: e.data_range }), nmse(ref, test), e.data_range]);
    });
  }
});

describe('metrics properties and errors', () => {
  it('gaussian window is the 11-tap σ=1.5 kernel', () => {
    const w = gaussianWeights(1.5, 3.5);
    expect(w.length).toBe(11);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(w[5]! / w[4]!).toBeCloseTo(Math.exp(1 / (2 * 2.25)), 12);
  });

  it('identical images: SSIM 1, PSNR ∞, NMSE 0; batch SSIM averages images', () => {
    const d = Float32Array.from({ length: 16 * 16 }, (_, i) => Math.sin(i));
    const img = { data: d, shape: [16, 16] };
    expect(ssim(img, img)).toBeCloseTo(1, 12);
    expect(psnr(img, img)).toBe(Infinity);
    expect(nmse(img, img)).toBe(0);
    const ref = parseNpy(readFileSync(fx('gray_mild_ref.npy')));
    const test = parseNpy(readFileSync(fx('gray_mild_test.npy')));
    const both = { data: Float32Array.from([...ref.data, ...ref.data]), shape: [2, 48, 40, 1] };
    const both2 = { data: Float32Array.from([...test.data, ...ref.data]), shape: [2, 48, 40, 1] };
    expect(ssim(both, both2, { dataRange: 1 })).toBeCloseTo((expected.gray_mild!.ssim + 1) / 2, 9);
  });

  it('rejects mismatched shapes, small images and constant references in one line', () => {
    const a = { data: new Float32Array(12 * 12), shape: [12, 12] };
    const b = { data: new Float32Array(12 * 13), shape: [12, 13] };
    expect(() => ssim(a, b)).toThrow(ScoresdeError);
    expect(() => psnr(a, b)).toThrow('psnr: reference 12×12 and test 12×13 differ in shape');
    expect(() => ssim(a, a)).toThrow(/data range must be > 0/);
    expect(() => ssim({ data: new Float32Array(64), shape: [8, 8] }, { data: new Float32Array(64), shape: [8, 8] }, { dataRange: 1 })).toThrow(
      /smaller than the 11×11 window/,
    );
    expect(() => nmse(a, a)).toThrow(/all zeros/);
  });
});
