#!/usr/bin/env node
/**
 * One-off measurement for the README / report (not a test: ~30 s): the issue-3 acceptance at
 * full size — 256² Shepp–Logan (fixture), 23 views over [0°, 180°), noiseless: FBP (each filter)
 * vs TV-PDHG (x ≥ 0) on wasm; plus FBP from 180 views against skimage's iradon PSNR.
 * Uses the built packages: `npx tsc -b && node packages/forward-operators/test/radon/sparse_view_256.mjs`.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..', '..');
const core = await import(pathToFileURL(join(root, 'packages', 'core', 'dist', 'index.js')).href);
const ops = await import(pathToFileURL(join(root, 'packages', 'forward-operators', 'dist', 'index.js')).href);
const { tf } = core;
await core.initBackend('wasm');

const fx = JSON.parse(readFileSync(join(here, 'fixtures', 'radon_fixtures.json'), 'utf8'));
const npy = (name) => core.parseNpy(readFileSync(join(here, 'fixtures', name)));
const ph = npy('phantom256.npy').data;
const psnr = (img) => ops.psnr({ data: ph, shape: [256, 256] }, { data: img, shape: [256, 256] }, { dataRange: 1 });

const x = tf.tensor4d(ph, [1, 256, 256, 1]);
const full = new ops.RadonOperator({ size: 256, anglesDeg: ops.evenAngles(180) });
const sino = tf.tensor4d(npy('sl256_a180_sino.npy').data, [1, 180, 256, 1]);
const f180 = full.fbp(sino, 'ram-lak');
console.log(`180 views: FBP ram-lak ${psnr(f180.dataSync()).toFixed(3)} dB, skimage iradon ramp ${fx.fbp256_ramp_psnr.toFixed(3)} dB`);

const op = new ops.RadonOperator({ size: 256, anglesDeg: ops.evenAngles(23) });
const y = op.forward(x);
for (const f of ['ram-lak', 'shepp-logan', 'cosine', 'hann']) {
  const r = op.fbp(y, f);
  console.log(`23 views: FBP ${f} ${psnr(r.dataSync()).toFixed(2)} dB`);
  r.dispose();
}
for (const lambda of [0.01, 0.03]) {
  const t0 = performance.now();
  const tv = await ops.tvReconstruct(op, y, { lambda, iters: 300, nonneg: true });
  console.log(`23 views: TV λ=${lambda} 300 iters ${psnr(tv.dataSync()).toFixed(2)} dB (${((performance.now() - t0) / 1e3).toFixed(1)} s)`);
  tv.dispose();
}
