import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { createRegistries, initBackend, Rng, tf, type ForwardOperator, type Registries } from '@scoresde/core';
import plugin, { defaultKernelSize, gaussianKernel2d } from '../src/index.js';
import { registerPlugin, loadPlugin } from '@scoresde/core';

const pluginDir = fileURLToPath(new URL('..', import.meta.url));

async function registries(): Promise<Registries> {
  const r = createRegistries();
  await registerPlugin(plugin, r, 'operator-blur');
  return r;
}

async function blur(r: Registries, params: Record<string, unknown>, shape: number[]): Promise<ForwardOperator> {
  return r.operators.create('blur', params, { inputShape: shape, cwd: pluginDir, registries: r });
}

/** |⟨Ax,y⟩ − ⟨x,Aᵀy⟩| / (‖Ax‖‖y‖) in float64 */
function adjointError(op: ForwardOperator, seed: number): number {
  const rng = new Rng(seed);
  const x = rng.normalTensor([2, ...op.inputShape]);
  const y = rng.normalTensor([2, ...op.outputShape]);
  const ax = op.forward(x).dataSync();
  const aty = op.adjoint!(y).dataSync();
  const xs = x.dataSync();
  const ys = y.dataSync();
  let l = 0, r = 0, na = 0, ny = 0;
  for (let i = 0; i < ax.length; i++) {
    l += ax[i]! * ys[i]!;
    na += ax[i]! ** 2;
    ny += ys[i]! ** 2;
  }
  for (let i = 0; i < xs.length; i++) r += xs[i]! * aty[i]!;
  return Math.abs(l - r) / Math.sqrt(na * ny);
}

/** Direct host convolution y[i,j] = Σ h[a,b] x̃[i−a, j−b] of one H×W plane. */
function convRef(x: Float32Array, h: number, w: number, k: Float64Array, size: number, boundary: string): Float64Array {
  const r = (size - 1) / 2;
  const out = new Float64Array(h * w);
  for (let i = 0; i < h; i++)
    for (let j = 0; j < w; j++) {
      let s = 0;
      for (let a = -r; a <= r; a++)
        for (let b = -r; b <= r; b++) {
          let ii = i - a;
          let jj = j - b;
          if (boundary === 'zero' && (ii < 0 || ii >= h || jj < 0 || jj >= w)) continue;
          ii = Math.min(h - 1, Math.max(0, ii));
          jj = Math.min(w - 1, Math.max(0, jj));
          s += k[(a + r) * size + (b + r)]! * x[ii * w + jj]!;
        }
      out[i * w + j] = s;
    }
  return out;
}

describe('gaussian kernel', () => {
  it('is normalised, symmetric, and has the requested σ', () => {
    const k = gaussianKernel2d(1.2, 9);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    expect(k[4 * 9 + 5]! / k[4 * 9 + 4]!).toBeCloseTo(Math.exp(-1 / (2 * 1.44)), 12);
    expect(defaultKernelSize(1.5)).toBe(11);
  });
});

describe.each(['cpu', 'wasm'])('blur on %s', (backend) => {
  it('has an exact adjoint for zero and replicate boundaries', async () => {
    await initBackend(backend);
    const r = await registries();
    for (const boundary of ['zero', 'replicate']) {
      for (const [params, shape] of [
        [{ sigma: 1.5 }, [16, 13, 3]],
        [{ sigma: 2, size: 7 }, [5, 9, 1]],
        [{ sigma: 3, size: 15 }, [6, 4, 2]], // kernel larger than the image
      ] as const) {
        const op = await blur(r, { ...params, boundary }, [...shape]);
        expect(adjointError(op, 3)).toBeLessThan(1e-5);
        op.dispose?.();
      }
    }
  });

  it('is differentiable: ∇ₓ ½‖Ax‖² = Aᵀ(Ax)', async () => {
    await initBackend(backend);
    const r = await registries();
    const op = await blur(r, { sigma: 1, boundary: 'replicate' }, [7, 6, 2]);
    const x = new Rng(4).normalTensor([1, 7, 6, 2]);
    const g = tf.grad((v: tf.Tensor) => op.forward(v).square().sum().mul(0.5))(x).dataSync();
    const want = op.adjoint!(op.forward(x)).dataSync();
    let err = 0;
    for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(g[i]! - want[i]!));
    expect(err).toBeLessThan(1e-5);
  });

  it('matches a direct convolution; replicate preserves constants', async () => {
    await initBackend(backend);
    const r = await registries();
    const [h, w] = [9, 11];
    const x = new Rng(5).normalArray(h * w);
    for (const boundary of ['zero', 'replicate']) {
      const op = await blur(r, { sigma: 1.3, size: 5, boundary }, [h, w, 1]);
      const got = op.forward(tf.tensor(x, [1, h, w, 1])).dataSync();
      const ref = convRef(x, h, w, gaussianKernel2d(1.3, 5), 5, boundary);
      let err = 0;
      for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(got[i]! - ref[i]!));
      expect(err).toBeLessThan(1e-5);
    }
    const rep = await blur(r, { sigma: 2, boundary: 'replicate' }, [8, 8, 2]);
    const c = rep.forward(tf.fill([1, 8, 8, 2], 0.7)).dataSync();
    for (const v of c) expect(v).toBeCloseTo(0.7, 5);
  });
});

describe('blur plugin loading and errors', () => {
  it('loads by path from its built dist through core loadPlugin', async () => {
    expect(existsSync(`${pluginDir}/dist/index.js`)).toBe(true); // built by `tsc -b` (npm test runs it first)
    const r = createRegistries();
    const p = await loadPlugin(pluginDir, r);
    expect(p.name).toBe('operator-blur');
    expect(p.registered).toEqual([{ kind: 'operators', name: 'blur' }]);
    expect(r.operators.get('blur').source).toBe('operator-blur');
    await initBackend('cpu');
    const op = await r.operators.create('blur', { sigma: 1 }, { inputShape: [8, 8, 1], cwd: '.', registries: r });
    expect(adjointError(op, 9)).toBeLessThan(1e-5);
  });

  it('rejects bad parameters and shapes with one-line messages', async () => {
    const r = await registries();
    await expect(blur(r, { sigma: 0 }, [8, 8, 1])).rejects.toThrow(/sigma/);
    await expect(blur(r, { sigma: 1, size: 4 }, [8, 8, 1])).rejects.toThrow('blur: size must be odd, got 4');
    await expect(blur(r, { boundary: 'wrap' }, [8, 8, 1])).rejects.toThrow(/boundary/);
    await expect(blur(r, { noise: 'gaussian' }, [8, 8, 1])).rejects.toThrow(/noise_sigma > 0/);
    const op = await blur(r, { noise: 'gaussian', noise_sigma: 0.1 }, [8, 8, 1]);
    expect(op.noise.sigma).toBe(0.1);
    expect(() => op.forward(tf.zeros([1, 8, 7, 1]))).toThrow('blur: image 8×7×1 does not match operator input 8×8×1');
  });
});
