#!/usr/bin/env node
/**
 * How the demo's TV weights were chosen: mean PSNR of the TV baseline (x ≥ 0, 300 PDHG
 * iterations) on 4 training-seed phantoms (ellipses seed 0, indices 0–3 — not the demo's
 * held-out seed) over a grid of λ, per demo task. Run from the repository root after a build.
 */
import { initBackend, tf, createContainer, registriesOf } from '@scoresde/core';
import { registerOperators, tvReconstruct, psnr } from '@scoresde/forward-operators';
import { EllipsesDataset } from '@scoresde/datasets';

await initBackend('wasm');
const registries = registriesOf(createContainer({ cwd: process.cwd() }));
registerOperators(registries);
const P = 4;
const truth = new EllipsesDataset({ imageSize: 64, seed: 0 }).batch([0, 1, 2, 3]).x;
const mri = (r) => ({ mask: 'random', acceleration: r, center_fraction: 0.08, seed: 1 });
const tasks = [
  ['ct-23', 'radon', { angles: 23 }, [0.01, 0.03, 0.1, 0.3, 1]],
  ['mri-4x', 'mri', mri(4), [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02]],
  ['mri-8x', 'mri', mri(8), [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02]],
];
for (const [id, name, params, lambdas] of tasks) {
  const op = await registries.operators.create(name, params, { inputShape: [64, 64, 1], cwd: process.cwd(), registries });
  const x = tf.tensor(truth, [P, 64, 64, 1]);
  const y = op.forward(x);
  const row = [];
  for (const lambda of lambdas) {
    const r = await tvReconstruct(op, y, { lambda, iters: 300, nonneg: true });
    const d = await r.data();
    r.dispose();
    let s = 0;
    for (let p = 0; p < P; p++) {
      const a = truth.subarray(p * 4096, (p + 1) * 4096);
      const b = Float32Array.from(d.subarray(p * 4096, (p + 1) * 4096), (v) => Math.min(1, Math.max(0, v)));
      s += psnr({ data: a, shape: [64, 64, 1] }, { data: b, shape: [64, 64, 1] }, { dataRange: 1 }) / P;
    }
    row.push(`λ ${lambda}: ${s.toFixed(2)} dB`);
  }
  console.log(`${id}: ${row.join(', ')}`);
  tf.dispose([x, y]);
}
