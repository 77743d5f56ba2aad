#!/usr/bin/env node
/**
 * Judge the shapes pack's samples with an independent clean classifier (issue 5's acceptance):
 * the share of unconditional samples recognised as some shape, and the share of class-conditional
 * samples (classifier guidance with the pack's noise-conditional classifier) recognised as the
 * class asked for. Run from the repository root after `npm run build`:
 *
 *   node plugins/prior-shapes-32/recipe/judge.mjs [--n 100] [--per-class 50] [--steps 100]
 *        [--scale 1] [--snr 0.16] [--seed 1] [--samples DIR] [--classifier CKPT] [--json]
 *
 * The judge is trained here, from scratch, on clean data only and never sees a sample: a small
 * CNN of its own architecture (3×3 convolutions: 16 channels at full resolution, then 32/64/64 at
 * stride 2, ReLU, global average pooling, dense) in tfjs layers, seeded, 4000 Adam steps
 * (lr 1e-3) of batch 64 on 20 000 images: `shapes` drawn with seed 11 (the prior and its
 * classifier were trained on seed 0) and, for one image in five, a fifth class "not one shape":
 * Gaussian noise (smoothed, random level), near-empty images, two overlapping shapes (the second
 * adding ≥ 20% mass), and a shape with 25–75% of its mass cut away along a random line. A sample is *recognised* when the judge's
 * most likely class is one of the four shapes and *on target* when it is the class asked for.
 * The judge's own accuracy on 2000 fresh clean shapes (seed 12) and its rejection of 500 fresh
 * junk images are printed with the rates, so a weak judge shows.
 *
 * Samples are drawn by `scoresde sample` (PC, reverse diffusion + Langevin) into --samples
 * (default: a temporary folder) as unconditional.npy and class-K.npy; existing files there are
 * reused, so a second judge run can re-use the draws. The trained judge is kept there too
 * (judge-weights.json) and reused; `--judge FILE` loads one from elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng, initBackend, readNpy, tf } from '@scoresde/core';
import { ShapesDataset, shapeImage } from '@scoresde/datasets';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const N_UNCOND = Number(opt('n', 100));
const PER_CLASS = Number(opt('per-class', 50));
const STEPS = Number(opt('steps', 100));
const SCALE = Number(opt('scale', 1));
const SNR = Number(opt('snr', 0.16));
const SEED = Number(opt('seed', 1));
const JSON_OUT = args.includes('--json');
// The guiding classifier: the pack's (default) or another checkpoint, e.g. a candidate's.
const CLASSIFIER = opt('classifier', 'prior-shapes-32');
const samplesDir = opt('samples', undefined) ?? mkdtempSync(join(tmpdir(), 'scoresde-judge-'));
const S = 32;
const CLASSES = ['disk', 'square', 'triangle', 'ring'];
const JUNK = 4;
const log = (m) => process.stderr.write(`judge: ${m}\n`);

await initBackend('wasm');

// ---------- junk: images that are not one clean shape ----------
function smooth(img, n, passes) {
  let a = img;
  for (let p = 0; p < passes; p++) {
    const b = new Float32Array(n * n);
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        let s = 0;
        let c = 0;
        for (let dy = -1; dy <= 1; dy++)
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy >= 0 && yy < n && xx >= 0 && xx < n) {
              s += a[yy * n + xx];
              c++;
            }
          }
        b[y * n + x] = s / c;
      }
    a = b;
  }
  return a;
}

function junkImage(rng, n) {
  const kind = Math.floor(rng.uniform() * 4);
  const clip = (v) => (v < 0 ? 0 : v > 1 ? 1 : v);
  if (kind === 0) {
    const level = 0.1 + 0.5 * rng.uniform();
    const z = rng.normalArray(n * n).map((v) => level + 0.4 * v);
    return smooth(z, n, Math.floor(rng.uniform() * 3)).map(clip);
  }
  if (kind === 1) {
    const c = 0.15 * rng.uniform();
    return rng.normalArray(n * n).map((v) => clip(c + 0.03 * v));
  }
  const mass = (img) => img.reduce((t, v) => t + v, 0);
  for (;;) {
    const a = shapeImage(rng, n, Math.floor(rng.uniform() * 4));
    let out;
    if (kind === 2) {
      // Two shapes, the second adding at least a fifth of the first's mass.
      const b = shapeImage(rng, n, Math.floor(rng.uniform() * 4));
      out = a.map((v, i) => Math.max(v, b[i]));
      if (mass(out) < 1.2 * mass(a)) continue;
    } else {
      // A shape with a quarter to three quarters of it cut away along a random line.
      const th = 2 * Math.PI * rng.uniform();
      const off = (rng.uniform() - 0.5) * 0.8 * n;
      const c = Math.cos(th);
      const sn = Math.sin(th);
      out = a.map((v, i) => (((i % n) - n / 2) * c + (Math.floor(i / n) - n / 2) * sn > off ? 0 : v));
      const kept = mass(out) / mass(a);
      if (kept < 0.25 || kept > 0.75) continue;
    }
    return out;
  }
}

/** A labelled batch: 4/5 clean shapes (balanced) and 1/5 junk. */
function makeSet(count, seed) {
  const shapes = new ShapesDataset({ imageSize: S, seed });
  const rng = new Rng(seed).fork('junk');
  const x = new Float32Array(count * S * S);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (i % 5 === 4) {
      x.set(junkImage(rng, S), i * S * S);
      y[i] = JUNK;
    } else {
      const b = shapes.batch(Int32Array.of(i));
      x.set(b.x, i * S * S);
      y[i] = b.labels[0];
    }
  }
  return { x, y };
}

// ---------- the judge ----------
function buildJudge() {
  const init = (seed) => tf.initializers.heNormal({ seed });
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [S, S, 1], filters: 16, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(3) }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(6) }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  return m;
}

function predict(model, x, count) {
  return tf.tidy(() => {
    const logits = model.predict(tf.tensor4d(x, [count, S, S, 1]));
    return tf.argMax(logits, -1).dataSync();
  });
}

async function trainJudge() {
  const t0 = Date.now();
  const train = makeSet(20000, 11);
  const model = buildJudge();
  const opt = tf.train.adam(1e-3);
  const rng = new Rng(5);
  const B = 64;
  const STEPS_J = 4000;
  for (let step = 1; step <= STEPS_J; step++) {
    const idx = Array.from({ length: B }, () => Math.floor(rng.uniform() * train.y.length));
    const xb = new Float32Array(B * S * S);
    idx.forEach((j, k) => xb.set(train.x.subarray(j * S * S, (j + 1) * S * S), k * S * S));
    const yb = Int32Array.from(idx, (j) => train.y[j]);
    const loss = opt.minimize(() => {
      const logits = model.apply(tf.tensor4d(xb, [B, S, S, 1]));
      return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(yb, 'int32'), 5).toFloat(), logits);
    }, true);
    if (step % 500 === 0) log(`judge training ${step}/${STEPS_J} loss ${(await loss.data())[0].toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    loss.dispose();
  }
  const test = makeSet(2500, 12);
  const pred = predict(model, test.x, test.y.length);
  let shapeOk = 0;
  let shapeN = 0;
  let junkOk = 0;
  let junkN = 0;
  test.y.forEach((t, i) => {
    if (t === JUNK) {
      junkN++;
      if (pred[i] === JUNK) junkOk++;
    } else {
      shapeN++;
      if (pred[i] === t) shapeOk++;
    }
  });
  return { model, cleanAccuracy: shapeOk / shapeN, junkRejection: junkOk / junkN, seconds: (Date.now() - t0) / 1000 };
}

// ---------- samples ----------
async function draw(file, extra, n) {
  const path = join(samplesDir, file);
  if (existsSync(path)) return readNpy(path);
  const cli = join('packages', 'cli', 'dist', 'main.js');
  const a = ['sample', '--plugin', './plugins/prior-shapes-32', '--model', 'prior-shapes-32', '--n', String(n), '--steps', String(STEPS), '--snr', String(SNR), '--seed', String(SEED), '--backend', 'wasm', '--quiet', '--out', path, ...extra];
  log(`scoresde ${a.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...a], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`scoresde sample exited ${r.status}`);
  return readNpy(path);
}

const JUDGE_RECIPE = 'cnn16-32-64-64/junk5/4000x64/seed11';

/** The trained judge from `file` if it holds this recipe's weights, else train one and keep it there. */
async function judgeFrom(file) {
  if (existsSync(file)) {
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    if (saved.recipe === JUDGE_RECIPE) {
      const model = buildJudge();
      model.setWeights(saved.weights.map((w) => tf.tensor(w.data, w.shape)));
      log(`judge: loaded ${file}`);
      return { ...saved.scores, model };
    }
  }
  const j = await trainJudge();
  const weights = j.model.getWeights().map((w) => ({ shape: w.shape, data: Array.from(w.dataSync()) }));
  writeFileSync(file, JSON.stringify({ recipe: JUDGE_RECIPE, scores: { cleanAccuracy: j.cleanAccuracy, junkRejection: j.junkRejection, seconds: j.seconds }, weights }));
  return j;
}

mkdirSync(samplesDir, { recursive: true });
const judge = await judgeFrom(opt('judge', join(samplesDir, 'judge-weights.json')));
log(`judge: clean accuracy ${(100 * judge.cleanAccuracy).toFixed(1)}%, junk rejected ${(100 * judge.junkRejection).toFixed(1)}% (${judge.seconds.toFixed(0)} s)`);

const clip01 = (d) => Float32Array.from(d, (v) => (v < 0 ? 0 : v > 1 ? 1 : v));
const result = { samples_dir: samplesDir, steps: STEPS, snr: SNR, scale: SCALE, seed: SEED, judge_clean_accuracy: judge.cleanAccuracy, judge_junk_rejection: judge.junkRejection };
if (N_UNCOND > 0) {
  const u = await draw('unconditional.npy', [], N_UNCOND);
  const p = predict(judge.model, clip01(u.data), N_UNCOND);
  const counts = [0, 0, 0, 0, 0];
  p.forEach((k) => counts[k]++);
  result.unconditional = { n: N_UNCOND, recognised: (N_UNCOND - counts[JUNK]) / N_UNCOND, counts: Object.fromEntries(counts.map((c, k) => [k === JUNK ? 'not-a-shape' : CLASSES[k], c])) };
}
if (PER_CLASS > 0) {
  const per = {};
  const misses = {};
  let hit = 0;
  for (let k = 0; k < 4; k++) {
    const c = await draw(`class-${k}.npy`, ['--class', String(k), '--classifier', CLASSIFIER, '--scale', String(SCALE)], PER_CLASS);
    const p = predict(judge.model, clip01(c.data), PER_CLASS);
    const on = p.filter((v) => v === k).length;
    hit += on;
    per[CLASSES[k]] = on / PER_CLASS;
    for (const v of p) {
      if (v === k) continue;
      const got = v === JUNK ? 'not-a-shape' : CLASSES[v];
      misses[CLASSES[k]] ??= {};
      misses[CLASSES[k]][got] = (misses[CLASSES[k]][got] ?? 0) + 1;
    }
  }
  result.conditional = { per_class: PER_CLASS, classifier: CLASSIFIER, on_target: hit / (4 * PER_CLASS), by_class: per, misses };
}
if (JSON_OUT) console.log(JSON.stringify(result, null, 1));
else {
  if (result.unconditional) console.log(`unconditional: ${(100 * result.unconditional.recognised).toFixed(1)}% recognised as a shape (goal ≥ 90%) ${JSON.stringify(result.unconditional.counts)}`);
  if (result.conditional) console.log(`class-conditional: ${(100 * result.conditional.on_target).toFixed(1)}% on target (goal ≥ 95%) ${JSON.stringify(result.conditional.by_class)}; misses ${JSON.stringify(result.conditional.misses)}`);
}
