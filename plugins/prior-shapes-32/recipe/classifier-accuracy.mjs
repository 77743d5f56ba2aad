#!/usr/bin/env node
/**
 * How often a shapes classifier checkpoint picks the right class of a perturbed fresh shape, per
 * noise level (run from the repository root after `npm run build`):
 *
 *   node plugins/prior-shapes-32/recipe/classifier-accuracy.mjs CKPT.safetensors [--n 400] [--seed 7]
 *
 * Fresh shapes: the `shapes` data set at 32² with --seed (the pack's training data is seed 0).
 * For each t in a fixed list: x_t = x₀ + σ(t) z (VE, the checkpoint's SDE), accuracy of
 * argmax q(k | x_t, t). Prints one row per t and a JSON line.
 */
import { initBackend, Rng, tf } from '@scoresde/core';
import { ShapesDataset } from '@scoresde/datasets';
import { loadConvClassifier } from '@scoresde/guidance';

const args = process.argv.slice(2);
const ckpt = args[0];
if (!ckpt || ckpt.startsWith('--')) {
  console.error('usage: classifier-accuracy.mjs CKPT.safetensors [--n N] [--seed S]');
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const n = opt('--n', 400);
const seed = opt('--seed', 7);
await initBackend('wasm');
const clf = await loadConvClassifier(ckpt);
const ds = new ShapesDataset({ imageSize: 32, seed, count: n });
const { x, labels } = await ds.batch(Array.from({ length: n }, (_, i) => i));
const rows = [];
for (const t of [0.1, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8, 0.9]) {
  const std = clf.sde.marginal(t).std;
  const rng = new Rng(seed).fork(`t${t}`);
  let right = 0;
  for (let s = 0; s < n; s += 100) {
    const m = Math.min(100, n - s);
    const pred = tf.tidy(() => {
      const x0 = tf.tensor4d(x.subarray(s * 1024, (s + m) * 1024), [m, 32, 32, 1]);
      const xt = tf.add(x0, tf.mul(rng.normalTensor([m, 32, 32, 1]), std));
      return tf.argMax(clf.logits(xt, t), 1);
    });
    const p = await pred.data();
    pred.dispose();
    for (let i = 0; i < m; i++) if (p[i] === labels[s + i]) right++;
  }
  rows.push({ t, sigma: Number(std.toPrecision(3)), accuracy: right / n });
  console.log(`t ${t.toFixed(2)}  σ ${std.toPrecision(3).padStart(6)}  accuracy ${((100 * right) / n).toFixed(1)} %`);
}
console.log(JSON.stringify({ checkpoint: ckpt, n, seed, rows }));
