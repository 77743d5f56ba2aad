import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';
import { tf, initBackend, parseNpy, Rng } from '@scoresde/core';
import { fft2c, ifft2c, centeredDft1d, maskedFft2c, embedReal, realPart, fft2cMethodFor } from '../../src/fft/index.js';
import { webgpuAvailable } from '../../../core/test/engine/compare.js';

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

/** Masks that exercise the line-skipping paths: zero columns, zero rows, scattered 2-D. */
function testMasks(H: number, W: number): [string, tf.Tensor][] {
  const rng = new Rng(21);
  const cols = Array.from({ length: W }, () => (rng.uniform() < 0.3 ? 1 : 0));
  const rows = Array.from({ length: H }, () => (rng.uniform() < 0.3 ? 1 : 0));
  const colM = new Float32Array(H * W);
  const rowM = new Float32Array(H * W);
  const m2 = new Float32Array(H * W);
  for (let i = 0; i < H; i++)
    for (let j = 0; j < W; j++) {
      colM[i * W + j] = cols[j]!;
      rowM[i * W + j] = rows[i]!;
      m2[i * W + j] = rng.uniform() < 0.4 ? 1 : 0;
    }
  return [
    ['column mask', tf.tensor4d(colM, [1, H, W, 1])],
    ['row mask', tf.tensor4d(rowM, [1, H, W, 1])],
    ['2-D mask', tf.tensor4d(m2, [1, H, W, 1])],
  ];
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`maskedFft2c on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });
    for (const [H, W] of [
      [16, 12],
      [9, 14],
    ] as const) {
      it(`equals M ⊙ fft2c and fft2c⁻¹(M ⊙ ·) (real and complex, kernel and matmul), ${H}×${W}`, () => {
        tf.tidy(() => {
          const rng = new Rng(H * W);
          const xr = rng.normalTensor([2, H, W, 2]); // two real planes
          const xc = rng.normalTensor([2, H, W, 4]); // two complex planes
          for (const [, mask] of testMasks(H, W)) {
            for (const method of ['kernel', 'matmul'] as const) {
              const fwdC = maskedFft2c(xc, mask, { method });
              expect(maxAbsDiff(fwdC, tf.mul(fft2c(xc), mask))).toBeLessThan(1e-5);
              const fwdR = maskedFft2c(xr, mask, { method, real: true });
              expect(fwdR.shape).toEqual([2, H, W, 4]);
              expect(maxAbsDiff(fwdR, tf.mul(fft2c(embedReal(xr)), mask))).toBeLessThan(1e-5);
              const invC = maskedFft2c(xc, mask, { method, inverse: true });
              expect(maxAbsDiff(invC, ifft2c(tf.mul(xc, mask)))).toBeLessThan(1e-5);
              const invR = maskedFft2c(xc, mask, { method, inverse: true, real: true });
              expect(invR.shape).toEqual([2, H, W, 2]);
              expect(maxAbsDiff(invR, realPart(ifft2c(tf.mul(xc, mask))))).toBeLessThan(1e-5);
              // gradients: the real forward's vector–Jacobian product is the real inverse
              const dy = rng.normalTensor([2, H, W, 4]);
              const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(maskedFft2c(v, mask, { method, real: true }), dy)))(xr);
              expect(maxAbsDiff(g, maskedFft2c(dy, mask, { method, inverse: true, real: true }))).toBeLessThan(1e-5);
              const gi = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(maskedFft2c(v, mask, { method, inverse: true, real: true }), xr)))(dy);
              expect(maxAbsDiff(gi, maskedFft2c(xr, mask, { method, real: true }))).toBeLessThan(1e-5);
            }
          }
        });
      });
    }
  });
}

const gpu = await webgpuAvailable();

describe.runIf(gpu)('fft2c on webgpu (Stockham shader) matches the cpu host kernel', () => {
  const SHAPES: [number, number, number, number][] = [
    [2, 16, 16, 2],
    [1, 2, 4, 2],
    [1, 8, 32, 4],
    [3, 64, 16, 2],
    [1, 128, 256, 2],
    [1, 1024, 8, 2],
  ];
  async function both(shape: number[], seed: number, f: (x: tf.Tensor, m: tf.Tensor) => tf.Tensor | tf.Tensor[], method: 'gpu' | 'kernel') {
    const rng = new Rng(seed);
    const n = shape.reduce((a, b) => a * b, 1);
    const xs = rng.normalArray(n);
    const ms = Float32Array.from({ length: shape[1]! * shape[2]! }, () => (rng.uniform() < 0.4 ? 1 : 0));
    await initBackend(method === 'gpu' ? 'webgpu' : 'cpu');
    const before = tf.memory().numTensors;
    const x = tf.tensor(xs, shape);
    const m = tf.tensor(ms, [1, shape[1]!, shape[2]!, 1]);
    const out = tf.tidy(() => f(x, m));
    const res: Float32Array[] = [];
    for (const t of Array.isArray(out) ? out : [out]) res.push(Float32Array.from(await t.data()));
    tf.dispose([x, m, out]);
    expect(tf.memory().numTensors).toBe(before);
    return res;
  }
  const close = (a: Float32Array[], b: Float32Array[]) => {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      expect(a[i]!.length).toBe(b[i]!.length);
      let num = 0;
      let den = 0;
      for (let j = 0; j < a[i]!.length; j++) {
        num = Math.max(num, Math.abs(a[i]![j]! - b[i]![j]!));
        den = Math.max(den, Math.abs(b[i]![j]!));
      }
      expect(num / den).toBeLessThan(2e-6 * Math.log2(a[i]!.length));
    }
  };
  for (const [i, shape] of SHAPES.entries()) {
    it(`forward, inverse and their gradients, [${shape.join(', ')}]`, async () => {
      const f = (method: 'gpu' | 'kernel') => (x: tf.Tensor) => {
        const r = tf.sin(tf.range(0, x.size).mul(0.37)).reshape(x.shape);
        return [fft2c(x, { method }), ifft2c(x, { method }), tf.grad((z: tf.Tensor) => fft2c(z, { method }).mul(r).sum())(x)];
      };
      close(await both(shape, 10 + i, f('gpu'), 'gpu'), await both(shape, 10 + i, f('kernel'), 'kernel'));
    });
    it(`masked MRI pair (real in / real out and complex), [${shape.join(', ')}]`, async () => {
      const f = (method: 'gpu' | 'kernel') => (x: tf.Tensor, m: tf.Tensor) => {
        const real = tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]);
        return [
          maskedFft2c(real, m, { real: true, method }),
          maskedFft2c(x, m, { inverse: true, real: true, method }),
          maskedFft2c(x, m, { method }),
          maskedFft2c(x, m, { inverse: true, method }),
        ];
      };
      close(await both(shape, 20 + i, f('gpu'), 'gpu'), await both(shape, 20 + i, f('kernel'), 'kernel'));
    });
  }
});

describe('centeredDft1d', () => {
  it('Bluestein and radix-2 plans agree with the O(n²) definition for n = 1..70, 320, 368, 512, 640, 997', () => {
    const rng = new Rng(11);
    for (const n of [...Array.from({ length: 70 }, (_, i) => i + 1), 320, 368, 512, 640, 997]) {
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

describe('fft2c method choice', () => {
  it('host kernel on cpu/wasm, GPU FFT on webgpu for powers of two ≤ 1024, DFT-as-matmul elsewhere; forcing an absent one is an error', () => {
    expect(fft2cMethodFor('cpu')).toBe('kernel');
    expect(fft2cMethodFor('wasm')).toBe('kernel');
    expect(fft2cMethodFor('webgpu')).toBe('matmul');
    expect(fft2cMethodFor('webgpu', 'auto', [256, 128])).toBe('gpu');
    expect(fft2cMethodFor('webgpu', 'auto', [320, 320])).toBe('matmul');
    expect(fft2cMethodFor('webgpu', 'auto', [2048, 2048])).toBe('matmul');
    expect(() => fft2cMethodFor('webgpu', 'gpu', [320, 256])).toThrow(/powers of two up to 1024, got 320×256/);
    expect(() => fft2cMethodFor('wasm', 'gpu')).toThrow(/GPU FFT exists only on webgpu, not on 'wasm'/);
    expect(fft2cMethodFor('tensorflow')).toBe('matmul');
    expect(fft2cMethodFor('wasm', 'matmul')).toBe('matmul');
    expect(() => fft2cMethodFor('webgpu', 'kernel')).toThrow(/exists only on cpu and wasm, not on 'webgpu'/);
  });
});

describe('fft2c input checks', () => {
  it('rejects shapes that are not [B,H,W,2K]', async () => {
    await initBackend('cpu');
    expect(() => fft2c(tf.zeros([4, 4, 2]))).toThrow(/expected \[B, H, W, 2K\]/);
    expect(() => fft2c(tf.zeros([1, 4, 4, 3]))).toThrow(/expected \[B, H, W, 2K\]/);
  });
});
