/**
 * The projector and FBP against skimage 0.19 (fixtures/make_radon_fixtures.py): radon(image,
 * theta, circle).T and iradon(sinogram, theta, filter_name, circle).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { initBackend, tf } from '@scoresde/core';
import { RadonOperator } from '../../src/radon/radonOperator.js';
import type { FbpFilter } from '../../src/radon/fbpFilter.js';
import { fixtures, npy, relL2, psnr } from './fixtures.js';

const impls = [
  ['wasm', 'kernels'],
  ['cpu', 'kernels'],
  ['cpu', 'ops'],
] as const;

describe.each(impls)('radon vs skimage on %s (%s)', (backend, implementation) => {
  beforeAll(async () => {
    await initBackend(backend);
  });

  for (const [name, c] of Object.entries(fixtures.cases)) {
    if (implementation === 'ops' && c.n > 64) continue;
    it(`forward matches skimage radon: ${name}`, () => {
      const op = new RadonOperator({ size: c.n, anglesDeg: c.theta, circle: c.circle, implementation });
      expect(op.outputShape).toEqual([c.theta.length, c.detectors, 1]);
      const img = npy(c.phantom);
      const ref = npy(c.sino);
      const y = tf.tidy(() => op.forward(tf.tensor4d(img.data, [1, c.n, c.n, 1])));
      const err = relL2(y.dataSync(), ref.data);
      y.dispose();
      op.dispose();
      // bilinear sampling at the same points as skimage's warp: agreement is at float precision
      expect(err).toBeLessThan(1e-5);
    });
  }

  it('FBP matches skimage iradon for every filter (64², 180 views)', () => {
    const c = fixtures.cases['sl64_a180']!;
    const op = new RadonOperator({ size: 64, anglesDeg: c.theta, implementation });
    const sino = tf.tensor4d(npy(c.sino).data, [1, 180, 64, 1]);
    for (const [ours, theirs] of [
      ['ram-lak', 'ramp'],
      ['shepp-logan', 'shepp-logan'],
      ['cosine', 'cosine'],
      ['hann', 'hann'],
    ] as [FbpFilter, string][]) {
      const rec = op.fbp(sino, ours);
      const ref = npy(`fbp64_${theirs}.npy`).data;
      expect(relL2(rec.dataSync(), ref), ours).toBeLessThan(1e-5);
      rec.dispose();
    }
    sino.dispose();
    op.dispose();
  });

  it('FBP matches iradon on an explicit angle list (odd N) and without circle', () => {
    for (const name of ['sl63_list', 'sl48_nocircle']) {
      const c = fixtures.cases[name]!;
      const op = new RadonOperator({ size: c.n, anglesDeg: c.theta, circle: c.circle, implementation });
      const sino = tf.tensor4d(npy(c.sino).data, [1, c.theta.length, c.detectors, 1]);
      const rec = op.pseudoInverse(sino);
      expect(relL2(rec.dataSync(), npy(c.fbp!).data), name).toBeLessThan(1e-5);
      tf.dispose([sino, rec]);
      op.dispose();
    }
  });
});

describe('FBP acceptance (256² Shepp–Logan, 180 views, wasm)', () => {
  it('is within 1 dB PSNR of skimage iradon(filter_name="ramp") on the same sinogram', async () => {
    await initBackend('wasm');
    const c = fixtures.cases['sl256_a180']!;
    const op = new RadonOperator({ size: 256, anglesDeg: c.theta });
    const phantom = npy(c.phantom).data;
    const sino = tf.tensor4d(npy(c.sino).data, [1, 180, 256, 1]);
    const rec = op.fbp(sino, 'ram-lak');
    const ours = psnr(phantom, rec.dataSync(), fixtures.psnr_data_range);
    tf.dispose([sino, rec]);
    op.dispose();
    expect(Math.abs(ours - fixtures.fbp256_ramp_psnr)).toBeLessThan(1);
    // it is the same algorithm, so in fact the PSNRs agree far more closely
    expect(Math.abs(ours - fixtures.fbp256_ramp_psnr)).toBeLessThan(0.01);
  });
});
