import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';
import { tf, initBackend, parseNpy, Rng } from '@scoresde/core';
import { fft2c, ifft2c, centeredDft1d } from '../../src/fft/index.js';

const fx = (name: string) => {
  const a = parseNpy(readFileSync(fileURLToPath(new URL(`./fixtures/${name}.npy`, import.meta.url))), { name });
  return tf.tensor(a.data, a.shape);
};
const CASES = ['2x16x16', '1x48x40', '3x7x9', '1x1x12', '1x32x20'];

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fft2c on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });
    for (const method of ['kernel', 'matmul'] as const) {
      for (const c of CASES) {
        it(`${method}: matches numpy fftshift(fft2(ifftshift(x), norm='ortho')) and its inverse, ${c}`, () => {
          const before = tf.memory().numTensors;
          tf.tidy(() => {
            const x = fx(`x_${c}`);
            expect(maxAbsDiff(fft2c(x, { method }), fx(`fft2c_${c}`))).toBeLessThan(1e-5);
            expect(maxAbsDiff(ifft2c(x, { method }), fx(`ifft2c_${c}`))).toBeLessThan(1e-5);
            // round trip
            expect(maxAbsDiff(ifft2c(fft2c(x, { method }), { method }), x)).toBeLessThan(1e-5);
          });
          // the matmul path keeps its cached DFT matrices; the kernel path leaks nothing
          if (method === 'kernel') expect(tf.memory().numTensors).toBe(before);
        });
      }
    }

    it('transforms several complex planes (multi-coil layout [B,H,W,2K]) independently', () => {
      tf.tidy(() => {
        const a = fx('x_2x16x16');
        const b = tf.mul(a, -0.5).add(0.25);
        const both = tf.reshape(tf.stack([a, b], 3), [2, 16, 16, 4]);
        const yb = tf.reshape(fft2c(both), [2, 16, 16, 2, 2]);
        const [ya, yb2] = tf.unstack(yb, 3);
        expect(maxAbsDiff(ya!, fft2c(a))).toBeLessThan(1e-6);
        expect(maxAbsDiff(yb2!, fft2c(b))).toBeLessThan(1e-6);
      });
    });

    it('gradient of ‖F x − y‖² equals 2 F⁻¹(F x − y) (kernel and matmul)', () => {
      tf.tidy(() => {
        const rng = new Rng(3);
        const x = rng.normalTensor([2, 12, 10, 2]);
        const y = rng.normalTensor([2, 12, 10, 2]);
        for (const method of ['kernel', 'matmul'] as const) {
          for (const inverse of [false, true]) {
            const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.sub(fft2c(v, { method, inverse }), y))))(x);
            const want = tf.mul(2, fft2c(tf.sub(fft2c(x, { method, inverse }), y), { method, inverse: !inverse }));
            expect(maxAbsDiff(g, want)).toBeLessThan(1e-4);
          }
        }
      });
    });
  });
}

describe('centeredDft1d', () => {
  it('Bluestein and radix-2 plans agree with the O(n²) definition for n = 1..70', () => {
    const rng = new Rng(11);
    for (let n = 1; n <= 70; n++) {
      const re = Float64Array.from(rng.normalArray(n));
      const im = Float64Array.from(rng.normalArray(n));
      const h = n >> 1;
      for (const inverse of [false, true]) {
        const wr = new Float64Array(n);
        const wi = new Float64Array(n);
        const s = inverse ? 1 : -1;
        for (let k = 0; k < n; k++) {
          for (let j = 0; j < n; j++) {
            const ang = (s * 2 * Math.PI * (k - h) * (j - h)) / n;
            wr[k]! += (re[j]! * Math.cos(ang) - im[j]! * Math.sin(ang)) / Math.sqrt(n);
            wi[k]! += (re[j]! * Math.sin(ang) + im[j]! * Math.cos(ang)) / Math.sqrt(n);
          }
        }
        const gr = re.slice();
        const gi = im.slice();
        centeredDft1d(n).run(gr, gi, inverse);
        for (let k = 0; k < n; k++) {
          expect(Math.abs(gr[k]! - wr[k]!)).toBeLessThan(1e-9);
          expect(Math.abs(gi[k]! - wi[k]!)).toBeLessThan(1e-9);
        }
      }
    }
  });
});

describe('fft2c input checks', () => {
  it('rejects shapes that are not [B,H,W,2K]', async () => {
    await initBackend('cpu');
    expect(() => fft2c(tf.zeros([4, 4, 2]))).toThrow(/expected \[B, H, W, 2K\]/);
    expect(() => fft2c(tf.zeros([1, 4, 4, 3]))).toThrow(/expected \[B, H, W, 2K\]/);
  });
});
