import { describe, expect, it, beforeAll } from 'vitest';
import { tf, initBackend, Rng } from '@scoresde/core';
import { adjointCheck } from '../../src/testing/adjointCheck.js';
import { fixture, makeMri } from './helpers.js';

function maxAbs(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}
const t = (a: { data: Float32Array; shape: number[] }, shape = a.shape) => tf.tensor(a.data, shape);

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`mri operator on ${backend}`, () => {
    beforeAll(async () => {
      await initBackend(backend);
    });

    it('single-coil forward matches numpy mask·fft2c(x) (48×40 real image, 1-D mask from .npy)', async () => {
      const op = await makeMri({ mask_file: 'mask_48x40.npy' }, [48, 40, 1]);
      const x = t(fixture('x_real_48x40.npy'), [1, 48, 40, 1]);
      const y = op.forward(x);
      expect(y.shape).toEqual([1, 48, 40, 2]);
      expect(maxAbs(y, t(fixture('y_real_48x40.npy'), [1, 48, 40, 2]))).toBeLessThan(1e-5);
      tf.dispose([x, y]);
      op.dispose();
    });

    it('multi-coil forward matches numpy mask·fft2c(S_c x) (3 coils, complex 24×20, 2-D mask)', async () => {
      for (const fft of ['auto', 'matmul']) {
        const op = await makeMri({ mask_file: 'mask_24x20.npy', coil_maps: 'maps_3x24x20.npy', fft }, [24, 20, 2]);
        expect(op.outputShape).toEqual([24, 20, 6]);
        const x = t(fixture('xc_24x20.npy'), [1, 24, 20, 2]);
        const y = op.forward(x);
        expect(maxAbs(y, t(fixture('ymc_24x20.npy'), [1, 24, 20, 6]))).toBeLessThan(1e-5);
        tf.dispose([x, y]);
        op.dispose();
      }
    });

    it('multi-coil adjoint matches numpy Σ_c conj(S_c)·ifft2c(M ⊙ y_c) (4 coils, 32×24)', async () => {
      for (const fft of ['auto', 'matmul']) {
        const op = await makeMri({ mask_file: 'cal_mask_32x24.npy', coil_maps: 'cal_maps_4x32x24.npy', fft }, [32, 24, 2]);
        const y = t(fixture('cal_y_32x24x8.npy'), [1, 32, 24, 8]);
        const a = op.adjoint(y);
        expect(maxAbs(a, t(fixture('cal_adj_32x24x2.npy'), [1, 32, 24, 2]))).toBeLessThan(1e-5);
        tf.dispose([y, a]);
        op.dispose();
      }
    });

    const configs: [string, Record<string, unknown>, number[]][] = [
      ['single-coil real, random 4×', { acceleration: 4 }, [32, 24, 1]],
      ['single-coil complex, poisson 3×', { mask: 'poisson', acceleration: 3 }, [20, 18, 2]],
      ['single-coil real, radial, matmul FFT', { mask: 'radial', spokes: 9, fft: 'matmul' }, [16, 16, 1]],
      ['single-coil complex, odd 15×13, equispaced-fraction along h', { mask: 'equispaced-fraction', axis: 'h', acceleration: 3 }, [15, 13, 2]],
      ['multi-coil real, odd 15×13, 3 synthetic coils, radial golden', { mask: 'radial', golden: true, coils: 3 }, [15, 13, 1]],
      ['multi-coil real, 4 synthetic coils, gaussian 4×', { mask: 'gaussian', coils: 4 }, [24, 20, 1]],
      ['multi-coil complex, .npy maps, equispaced 2×', { mask: 'equispaced', acceleration: 2, coil_maps: 'maps_3x24x20.npy' }, [24, 20, 2]],
      ['multi-coil real, .npy maps, tf-op/matmul path', { mask: 'radial', spokes: 7, coil_maps: 'maps_3x24x20.npy', fft: 'matmul' }, [24, 20, 1]],
      ['multi-coil complex, 2 synthetic coils, tf-op/matmul path', { acceleration: 3, coils: 2, fft: 'matmul' }, [24, 20, 2]],
    ];
    for (const [label, params, shape] of configs) {
      it(`adjoint: |⟨Ax,y⟩ − ⟨x,Aᵀy⟩| ≤ 1e-5‖Ax‖‖y‖ — ${label}`, async () => {
        const op = await makeMri(params, shape);
        await adjointCheck(op, new Rng(4)); // warm-up: the matmul FFT caches its DFT matrices once
        const before = tf.memory().numTensors;
        const err = await adjointCheck(op, new Rng(5), { batch: 3 });
        expect(err).toBeLessThan(1e-5);
        expect(tf.memory().numTensors).toBe(before);
        op.dispose();
      });

      it(`gradient of ‖Ax − y‖² equals 2Aᵀ(Ax − y) — ${label}`, async () => {
        const op = await makeMri(params, shape);
        const rng = new Rng(8);
        tf.tidy(() => {
          const x = rng.normalTensor([2, ...op.inputShape]);
          const y = rng.normalTensor([2, ...op.outputShape]);
          const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.sub(op.forward(v), y))))(x);
          const want = tf.mul(2, op.adjoint(tf.sub(op.forward(x), y)));
          expect(maxAbs(g, want)).toBeLessThan(1e-4);
        });
        op.dispose();
      });
    }

    it('no tensor leaks across repeated gradient steps (single- and multi-coil, kernel and matmul)', async () => {
      for (const params of [{}, { coils: 3 }, { coils: 3, fft: 'matmul' }]) {
        const op = await makeMri({ acceleration: 4, ...params }, [16, 12, 1]);
        const rng = new Rng(9);
        const y = tf.tidy(() => op.forward(rng.normalTensor([2, 16, 12, 1])));
        let x = rng.normalTensor([2, 16, 12, 1]);
        const step = () => {
          const next = tf.tidy(() => {
            const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(tf.sub(op.forward(v), y))))(x);
            return tf.sub(x, tf.mul(g, 0.25));
          });
          x.dispose();
          x = next;
        };
        step(); // warm-up (matmul caches its DFT matrices)
        const before = tf.memory().numTensors;
        for (let i = 0; i < 5; i++) step();
        expect(tf.memory().numTensors).toBe(before);
        tf.dispose([x, y]);
        op.dispose();
      }
    });

    it('decomposition: Λ ⊙ T x = A x, T⁻¹ T x = x, embed(y) = y; pseudo-inverse = zero-filled adjoint', async () => {
      const op = await makeMri({ acceleration: 4, seed: 3 }, [32, 24, 1]);
      const d = op.decomposition!;
      expect(d.transformShape).toEqual([32, 24, 2]);
      tf.tidy(() => {
        const x = new Rng(1).normalTensor([2, 32, 24, 1]);
        const y = op.forward(x);
        const tx = d.transform(x);
        const m = d.mask();
        expect(m.shape).toEqual([1, 32, 24, 2]);
        expect(maxAbs(tf.mul(m, tx), y)).toBeLessThan(1e-6);
        expect(maxAbs(d.inverseTransform(tx), x)).toBeLessThan(1e-5);
        expect(maxAbs(d.embed(y), y)).toBe(0);
        expect(maxAbs(op.pseudoInverse(y), op.adjoint(y))).toBe(0);
      });
      op.dispose();
    });

    it('multi-coil kernel and tf-op paths agree (forward and adjoint, real and complex)', async () => {
      for (const ch of [1, 2]) {
        const a = await makeMri({ mask: 'gaussian', coil_maps: 'maps_3x24x20.npy' }, [24, 20, ch]);
        const b = await makeMri({ mask: 'gaussian', coil_maps: 'maps_3x24x20.npy', fft: 'matmul' }, [24, 20, ch]);
        tf.tidy(() => {
          const rng = new Rng(ch);
          const x = rng.normalTensor([2, 24, 20, ch]);
          const y = rng.normalTensor([2, 24, 20, 6]);
          expect(maxAbs(a.forward(x), b.forward(x))).toBeLessThan(1e-5);
          expect(maxAbs(a.adjoint(y), b.adjoint(y))).toBeLessThan(1e-5);
        });
        a.dispose();
        b.dispose();
      }
    });

    it('multi-coil pseudo-inverse inverts full sampling exactly and is Σ S̄ F⁻¹ y / Σ|S|² otherwise', async () => {
      const full = await makeMri({ mask: 'full', coil_maps: 'maps_3x24x20.npy' }, [24, 20, 2]);
      const sub = await makeMri({ mask_file: 'mask_24x20.npy', coil_maps: 'maps_3x24x20.npy' }, [24, 20, 2]);
      const maps = fixture('maps_3x24x20.npy').data;
      tf.tidy(() => {
        const x = t(fixture('xc_24x20.npy'), [1, 24, 20, 2]);
        expect(maxAbs(full.pseudoInverse(full.forward(x)), x)).toBeLessThan(1e-5);
        // pseudo-inverse = adjoint / Σ|S_c|² pixel-wise
        const y = sub.forward(x);
        const adj = sub.adjoint(y).dataSync();
        const pinv = sub.pseudoInverse(y).dataSync();
        let worst = 0;
        for (let p = 0; p < 24 * 20; p++) {
          let s2 = 0;
          for (let c = 0; c < 3; c++) s2 += maps[(c * 480 + p) * 2]! ** 2 + maps[(c * 480 + p) * 2 + 1]! ** 2;
          for (let k = 0; k < 2; k++) worst = Math.max(worst, Math.abs(pinv[2 * p + k]! - adj[2 * p + k]! / s2));
        }
        expect(worst).toBeLessThan(1e-4);
      });
      full.dispose();
      sub.dispose();
    });
  });
}

describe('mri noise', () => {
  it('adds N(0, σ²) to each real channel of measured entries only', async () => {
    await initBackend('cpu');
    const op = await makeMri({ acceleration: 4, noise: 'gaussian', noise_sigma: 0.5 }, [64, 64, 1]);
    expect(op.noise.kind).toBe('gaussian');
    expect(op.noise.sigma).toBe(0.5);
    const clean = tf.zeros([2, 64, 64, 2]);
    const noisy = op.noise.sample(clean, new Rng(4));
    const v = noisy.dataSync();
    const m = op.maskData.data;
    let n = 0;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < v.length; i++) {
      const p = Math.floor(i / 2) % (64 * 64);
      if (m[p] === 0) expect(v[i]).toBe(0);
      else {
        n++;
        s += v[i]!;
        s2 += v[i]! ** 2;
      }
    }
    const sd = Math.sqrt(s2 / n - (s / n) ** 2);
    expect(n).toBeGreaterThan(4000);
    expect(Math.abs(s / n)).toBeLessThan(4 * (0.5 / Math.sqrt(n)));
    expect(Math.abs(sd - 0.5)).toBeLessThan(0.02);
    tf.dispose([clean, noisy]);
    op.dispose();
  });
});
