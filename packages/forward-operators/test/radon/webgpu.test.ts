/**
 * Radon kernels on webgpu (webgpuRadon.ts): exact adjointness on the device, and agreement with
 * the cpu host kernels for W, Wᵀ, FBP and the gradient of FBP (P's transpose), parallel and fan
 * beams, on random inputs. Metric: relative L2 error.
 */
import { describe, expect, it } from 'vitest';
import { Rng, initBackend, tf } from '@scoresde/core';
import { adjointCheckDetailed } from '../../src/testing/adjointCheck.js';
import { RadonOperator, type RadonOperatorOptions } from '../../src/radon/radonOperator.js';
import { evenAngles } from '../../src/radon/geometry.js';
import { relL2 } from './fixtures.js';
import { webgpuAvailable } from '../../../core/test/engine/compare.js';

const gpu = await webgpuAvailable();
const fan360 = (n: number) => evenAngles(n, 0, 360, 360);

const CASES: [string, RadonOperatorOptions][] = [
  ['32², 30 views', { size: 32, anglesDeg: evenAngles(30) }],
  ['odd 33², 17 views', { size: 33, anglesDeg: evenAngles(17) }],
  ['31², 20 detectors', { size: 31, anglesDeg: evenAngles(12), detectors: 20 }],
  ['explicit list incl. 0°, 45°, 90°', { size: 24, anglesDeg: [0, 45, 90, 12.25, 179.9] }],
  ['no circle, 27²', { size: 27, anglesDeg: evenAngles(16), circle: false }],
  ['256², 23 views (the CT benchmark)', { size: 256, anglesDeg: evenAngles(23) }],
  ['fan 32², 40 views, R = 64', { size: 32, anglesDeg: fan360(40), beam: 'fan', sourceDistance: 64 }],
  ['fan odd 33², R = 30, 41 detectors', { size: 33, anglesDeg: fan360(25), beam: 'fan', sourceDistance: 30, detectors: 41 }],
  ['fan no circle 24², R = 60, short scan', { size: 24, anglesDeg: evenAngles(20, 10, 250, 360), beam: 'fan', sourceDistance: 60, circle: false }],
];

async function maps(backend: 'cpu' | 'webgpu', opts: RadonOperatorOptions, seed: number): Promise<Float32Array[]> {
  await initBackend(backend);
  const op = new RadonOperator({ ...opts, implementation: backend === 'cpu' ? 'kernels' : 'gpu' });
  const rng = new Rng(seed);
  const x = rng.normalTensor([2, ...op.inputShape]);
  const y = rng.normalTensor([2, ...op.outputShape]);
  const r = rng.normalTensor([2, ...op.inputShape]);
  const outs = tf.tidy(() => [
    op.forward(x),
    op.adjoint(y),
    op.fbp(y, 'ram-lak'),
    op.fbp(y, 'shepp-logan'),
    tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op.fbp(v, 'ram-lak'), r)))(y),
    tf.grad((v: tf.Tensor) => tf.sum(tf.mul(op.forward(v), y)))(x),
  ]);
  const res: Float32Array[] = [];
  for (const t of outs) res.push(Float32Array.from(await t.data()));
  tf.dispose([x, y, r, ...outs]);
  op.dispose();
  return res;
}

describe.runIf(gpu)('radon on webgpu', () => {
  it.each(CASES)('%s: W, Wᵀ, FBP and gradients match the cpu host kernels', async (_name, opts) => {
    const ref = await maps('cpu', opts, 5);
    const got = await maps('webgpu', opts, 5);
    for (let i = 0; i < ref.length; i++) expect(relL2(got[i]!, ref[i]!), `output ${i}`).toBeLessThan(1e-5);
  });

  it.each(CASES.filter(([n]) => !n.startsWith('256')))('%s: exact adjoint on the device', async (_name, opts) => {
    await initBackend('webgpu');
    const op = new RadonOperator({ ...opts, implementation: 'gpu' });
    const rng = new Rng(7);
    for (let trial = 0; trial < 2; trial++) {
      const r = await adjointCheckDetailed(op, rng, { batch: 2 });
      expect(r.error).toBeLessThan(1e-5);
    }
    op.dispose();
  });

  it("'gpu' elsewhere is a one-line error", async () => {
    await initBackend('cpu');
    const op = new RadonOperator({ size: 16, anglesDeg: evenAngles(4), implementation: 'gpu' });
    expect(() => op.forward(tf.zeros([1, 16, 16, 1]))).toThrow(/^radon: implementation 'gpu' needs the webgpu backend \(active: cpu\)$/);
    op.dispose();
  });
});
