/**
 * Exact adjointness |⟨Ax,y⟩ − ⟨x,Aᵀy⟩| ≤ 1e-5·‖Ax‖‖y‖ (random x, y) for several geometries, on the
 * wasm and cpu host kernels and on the tfjs-op fallback; and agreement of kernels and fallback.
 */
import { describe, expect, it, beforeAll } from 'vitest';
import { Rng, initBackend, tf } from '@scoresde/core';
import { adjointCheckDetailed } from '../../src/testing/adjointCheck.js';
import { RadonOperator, type RadonOperatorOptions } from '../../src/radon/radonOperator.js';
import { evenAngles } from '../../src/radon/geometry.js';
import { relL2 } from './fixtures.js';

const geometries: [string, RadonOperatorOptions][] = [
  ['32², 30 views', { size: 32, anglesDeg: evenAngles(30) }],
  ['odd 33², 17 views', { size: 33, anglesDeg: evenAngles(17) }],
  ['32², 45 detectors', { size: 32, anglesDeg: evenAngles(20), detectors: 45 }],
  ['31², 20 detectors', { size: 31, anglesDeg: evenAngles(12), detectors: 20 }],
  ['limited 40°–110°, 35 views', { size: 32, anglesDeg: evenAngles(35, 40, 110) }],
  ['explicit list incl. 0°, 45°, 90°', { size: 24, anglesDeg: [0, 45, 90, 12.25, 179.9] }],
  ['no circle, 27²', { size: 27, anglesDeg: evenAngles(16), circle: false }],
];

/**
 * Smaller versions of the same cases for the fallback on cpu: tfjs-cpu's UnsortedSegmentSum
 * loops over every segment (O(pixels × samples)), so the op path is only practical there at
 * toy sizes; it is meant for webgpu/tensorflow.
 */
const small: [string, RadonOperatorOptions][] = [
  ['odd 15², 7 views', { size: 15, anglesDeg: evenAngles(7) }],
  ['14², 19 detectors, limited 40°–110°', { size: 14, anglesDeg: evenAngles(6, 40, 110), detectors: 19 }],
  ['13², 9 detectors, explicit list', { size: 13, anglesDeg: [0, 45, 90, 12.25, 179.9], detectors: 9 }],
  ['no circle, 11²', { size: 11, anglesDeg: evenAngles(8), circle: false }],
];

const impls = [
  ['wasm', 'kernels', geometries, 3],
  ['cpu', 'kernels', geometries, 3],
  ['cpu', 'ops', small, 1],
] as const;

describe.each(impls)('radon adjointness on %s (%s)', (backend, implementation, cases, trials) => {
  beforeAll(async () => {
    await initBackend(backend);
  });
  it.each(cases)('%s', async (_name, opts) => {
    const op = new RadonOperator({ ...opts, implementation });
    const rng = new Rng(7);
    for (let trial = 0; trial < trials; trial++) {
      const r = await adjointCheckDetailed(op, rng, { batch: 2 });
      expect(r.error).toBeLessThan(1e-5);
      expect(Math.abs(r.lhs)).toBeGreaterThan(0);
    }
    op.dispose();
  });
});

describe('kernels and fallback agree (cpu)', () => {
  it.each(small)('%s', async (_name, opts) => {
    await initBackend('cpu');
    const k = new RadonOperator({ ...opts, implementation: 'kernels' });
    const o = new RadonOperator({ ...opts, implementation: 'ops' });
    const rng = new Rng(3);
    const x = rng.normalTensor([2, ...k.inputShape]);
    const y = rng.normalTensor([2, ...k.outputShape]);
    const pairs: [tf.Tensor, tf.Tensor][] = [
      [k.forward(x), o.forward(x)],
      [k.adjoint(y), o.adjoint(y)],
      [k.fbp(y, 'shepp-logan'), o.fbp(y, 'shepp-logan')],
    ];
    for (const [a, b] of pairs) expect(relL2(a.dataSync(), b.dataSync())).toBeLessThan(2e-6);
    tf.dispose([x, y, ...pairs.flat()]);
    k.dispose();
    o.dispose();
  });
});
