/**
 * The project's forward GEMM kernels on webgpu (opt-in: batched matmul and conv2d on the tiled
 * generator, small / medium / large tiles) against the cpu backend on random inputs.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Rng, deviceHasF16, gemmF16Active, initBackend, setGemmF16, setProjectGemm, projectGemmActive, tf } from '../../src/index.js';
import { relL2, relMax, runOn, webgpuAvailable } from './compare.js';

const gpu = await webgpuAvailable();
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

const MATMUL: { a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
  { a: [1, 1], b: [1, 1], ta: false, tb: false },
  { a: [7, 13], b: [13, 5], ta: false, tb: false },
  { a: [13, 7], b: [13, 5], ta: true, tb: false },
  { a: [7, 13], b: [5, 13], ta: false, tb: true },
  { a: [13, 7], b: [5, 13], ta: true, tb: true },
  { a: [3, 33, 65], b: [3, 65, 17], ta: false, tb: false },
  { a: [3, 33, 65], b: [1, 65, 17], ta: false, tb: false },
  { a: [1, 40, 30], b: [4, 30, 50], ta: false, tb: false },
  { a: [2, 2, 64, 48], b: [2, 2, 64, 80], ta: true, tb: false },
  { a: [300, 200], b: [200, 260], ta: false, tb: false },
  { a: [1030, 520], b: [520, 1040], ta: false, tb: false },
];

const CONV: { x: [number, number, number, number]; k: [number, number, number, number]; s: number; pad: 'same' | 'valid'; d: number }[] = [
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 1, pad: 'same', d: 1 },
  { x: [2, 7, 9, 3], k: [3, 3, 3, 5], s: 2, pad: 'valid', d: 1 },
  { x: [1, 12, 12, 4], k: [3, 3, 4, 6], s: 1, pad: 'same', d: 2 },
  { x: [2, 9, 7, 5], k: [1, 1, 5, 7], s: 1, pad: 'same', d: 1 },
  { x: [1, 64, 64, 32], k: [3, 3, 32, 64], s: 1, pad: 'same', d: 1 },
];

describe.runIf(gpu)('project GEMM kernels on webgpu match the cpu backend', () => {
  afterAll(async () => {
    await initBackend('webgpu');
    setProjectGemm(false);
  });

  it('are opt-in and switch on', async () => {
    await initBackend('webgpu');
    expect(projectGemmActive()).toBe(false);
    setProjectGemm(true);
    expect(projectGemmActive()).toBe(true);
  });

  for (const [i, c] of MATMUL.entries()) {
    it(`matMul [${c.a.join('×')}]${c.ta ? 'ᵀ' : ''} · [${c.b.join('×')}]${c.tb ? 'ᵀ' : ''} and its gradients`, async () => {
      const rng = new Rng(60 + i);
      const ins = [
        { data: rng.normalArray(size(c.a)), shape: c.a },
        { data: rng.normalArray(size(c.b)), shape: c.b },
      ];
      const f = (a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.matMul(a, b, c.ta, c.tb);
        const r = tf.cos(tf.range(0, y.size).mul(0.3)).reshape(y.shape);
        const [ga, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.matMul(u, v, c.ta, c.tb).mul(r).sum())([a, b]);
        return [y, ga!, gb!];
      };
      const ref = await runOn('cpu', ins, f);
      const got = await runOn('webgpu', ins, f);
      expect(projectGemmActive()).toBe(true);
      for (let j = 0; j < 3; j++) {
        expect(relL2(got[j]!, ref[j]!)).toBeLessThan(1e-5);
        expect(relMax(got[j]!, ref[j]!)).toBeLessThan(1e-5);
      }
    });
  }

  for (const [i, c] of CONV.entries()) {
    it(`conv2d x[${c.x.join(',')}] k[${c.k.join(',')}] stride ${c.s} ${c.pad} dilation ${c.d}`, async () => {
      const rng = new Rng(80 + i);
      const ins = [
        { data: rng.normalArray(size(c.x)), shape: c.x },
        { data: rng.normalArray(size(c.k)), shape: c.k },
      ];
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.s, c.pad, 'NHWC', c.d);
      const ref = await runOn('cpu', ins, f);
      const got = await runOn('webgpu', ins, f);
      expect(relL2(got[0]!, ref[0]!)).toBeLessThan(1e-5);
      expect(relMax(got[0]!, ref[0]!)).toBeLessThan(1e-5);
    });
  }
});

describe.runIf(gpu)('f16-staged GEMM tiles (shader-f16), f32 accumulation', () => {
  it('the project device asks for shader-f16 when the adapter offers it', async () => {
    await initBackend('webgpu');
    const gpuApi = (globalThis as unknown as { navigator: { gpu: { requestAdapter(): Promise<{ features: Set<string> } | null> } } }).navigator.gpu;
    const adapter = await gpuApi.requestAdapter();
    expect(deviceHasF16()).toBe(adapter!.features.has('shader-f16'));
  });

  it('matmul, conv2d and conv gradients within f16 rounding of cpu', async (ctx) => {
    if (!deviceHasF16()) ctx.skip();
    const rng = new Rng(7);
    const ins = [
      { data: rng.normalArray(2 * 16 * 16 * 8), shape: [2, 16, 16, 8] },
      { data: rng.normalArray(3 * 3 * 8 * 16), shape: [3, 3, 8, 16] },
      { data: rng.normalArray(300 * 200), shape: [300, 200] },
      { data: rng.normalArray(200 * 150), shape: [200, 150] },
    ];
    const f = (x: tf.Tensor, w: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => {
      const conv = (u: tf.Tensor, v: tf.Tensor) => tf.conv2d(u as tf.Tensor4D, v as tf.Tensor4D, 1, 'same');
      const [gx, gw] = tf.grads((u: tf.Tensor, v: tf.Tensor) => conv(u, v).square().sum())([x, w]);
      return [tf.matMul(a, b), conv(x, w), gx!, gw!];
    };
    const ref = await runOn('cpu', ins, f);
    await initBackend('webgpu');
    setGemmF16(true);
    setProjectGemm(true);
    try {
      expect(gemmF16Active()).toBe(true);
      const got = await runOn('webgpu', ins, f);
      for (let j = 0; j < 4; j++) {
        const e = relL2(got[j]!, ref[j]!);
        expect(e).toBeLessThan(2e-3);
        expect(e).toBeGreaterThan(1e-5); // really f16: f32 staging would be ~1e-7
      }
    } finally {
      setGemmF16(false);
      setProjectGemm(false);
    }
  });
});
