#!/usr/bin/env node
/**
 * Recipe of the prior-shapes-32 noise-conditional classifier (run from the repository root after
 * `npm run build`):
 *
 *   node plugins/prior-shapes-32/recipe/train-classifier.mjs OUT_DIR [--steps N] [--resume]
 *
 * Data: the first 8000 images of the `shapes` data set (32², seed 0, the prior's training data),
 * labels 0 disk, 1 square, 2 triangle, 3 ring. SDE: the prior's VE SDE (σ_min 0.01, σ_max 25).
 * Classifier: ConvClassifier, 16 channels, 2 residual blocks, Fourier time features.
 * Training: trainClassifier (perturbed cross-entropy, t ~ U(ε, 1)), batch 64, Adam lr 2e-3,
 * clip 1, EMA 0.995, seed 3. Writes OUT_DIR/classifier.safetensors (+ its JSON sidecar); a
 * checkpoint every 25 steps, and `--resume` continues it exactly.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, VESDE } from '@scoresde/core';
import { ShapesDataset } from '@scoresde/datasets';
import { trainClassifier } from '@scoresde/guidance';

const args = process.argv.slice(2);
const out = args[0];
if (!out || out.startsWith('--')) {
  console.error('usage: train-classifier.mjs OUT_DIR [--steps N] [--resume]');
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const steps = Number(opt('--steps', '3000'));
const channels = Number(opt('--channels', '16'));
const blocks = Number(opt('--blocks', '2'));
const chMult = opt('--ch-mult', '1').split(',').map(Number);
const N = Number(opt('--data-count', '8000'));
const resume = args.includes('--resume');

await initBackend('wasm');
mkdirSync(out, { recursive: true });
const ckpt = join(out, 'classifier.safetensors');
const ds = new ShapesDataset({ imageSize: 32, seed: 0 });
const { x, labels } = ds.batch(Int32Array.from({ length: N }, (_, i) => i));
const sde = new VESDE({ sigmaMin: 0.01, sigmaMax: 25 });
const t0 = Date.now();
const res = await trainClassifier({
  data: { x, labels },
  sde,
  arch: { shape: [32, 32, 1], numClasses: 4, channels, blocks, chMult, embedding: 'fourier' },
  steps,
  batchSize: 64,
  lr: 2e-3,
  gradClip: 1,
  emaRate: 0.995,
  seed: 3,
  checkpoint: ckpt,
  checkpointEvery: 25,
  resume: resume ? ckpt : undefined,
  onProgress: ({ step, steps: total, loss }) => {
    if (step % 10 === 0) console.error(`classifier: ${step}/${total} loss ${loss.toFixed(4)} ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  },
});
console.error(`classifier: trained to step ${res.step}; checkpoint ${ckpt}`);
