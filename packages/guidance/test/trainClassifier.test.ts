/**
 * The trainable classifier: trained (≤ 2 min CPU) on labelled samples of a 3-component GMM on
 * 4×4×1 images (VP SDE), it agrees with the exact p_t(k|x) of the prior on ≥ 95 % of top-1
 * decisions over t ∈ [0.05, 1] on fresh perturbed samples; its checkpoint reloads to the same
 * outputs; resuming from a checkpoint continues exactly as an uninterrupted run.
 */
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GmmPrior, Rng, VESDE, VPSDE, createRegistries, tf, type SDE } from '@scoresde/core';
import { registerGuidance } from '../src/register.js';
import { ClassifierGuidanceTerm } from '../src/terms/classifierGuidance.js';
import { trainClassifier } from '../src/classifiers/train.js';
import { loadConvClassifier, sidecarPath } from '../src/classifiers/checkpoint.js';
import type { ConvClassifier } from '../src/classifiers/convClassifier.js';
import { gmm3, startBackend } from './helpers.js';

beforeAll(startBackend);

function gmm16(sde: SDE): GmmPrior {
  const mk = (f: (r: number, c: number) => number) => Array.from({ length: 16 }, (_, i) => f(Math.floor(i / 4), i % 4));
  return new GmmPrior({
    shape: [4, 4, 1],
    sde,
    components: [
      { weight: 0.5, mean: mk((r) => (r < 2 ? 1 : -1)), cov: 0.3 },
      { weight: 0.3, mean: mk((_r, c) => (c < 2 ? 1 : -1)), cov: 0.3 },
      { weight: 0.2, mean: mk(() => 0), cov: 0.3 },
    ],
  });
}

async function agreement(clf: ConvClassifier, prior: GmmPrior, n: number, seed: number): Promise<number> {
  const rng = new Rng(seed);
  const { x } = prior.sampleData(n, rng.fork('x'));
  const times = Float32Array.from({ length: n }, () => 0.05 + 0.95 * rng.uniform());
  const [a, b] = tf.tidy(() => {
    const alpha = tf.tensor4d(Float32Array.from(times, (t) => prior.sde.marginal(t).alpha), [n, 1, 1, 1]);
    const std = tf.tensor4d(Float32Array.from(times, (t) => prior.sde.marginal(t).std), [n, 1, 1, 1]);
    const xt = tf.add(tf.mul(x, alpha), tf.mul(rng.normalTensor([n, 4, 4, 1]), std));
    return [tf.argMax(prior.logResponsibilities(xt, times), 1), tf.argMax(clf.logProbs(xt, times), 1)];
  });
  const [av, bv] = [await a.data(), await b.data()];
  tf.dispose([a, b, x]);
  let same = 0;
  for (let i = 0; i < n; i++) if (av[i] === bv[i]) same++;
  return same / n;
}

describe('trainClassifier', () => {
  it('agrees with the exact p_t(k|x) on ≥ 95 % of top-1 decisions over t ∈ [0.05, 1]', async () => {
    const sde = new VPSDE();
    const prior = gmm16(sde);
    const { x, labels } = prior.sampleData(4000, new Rng(1));
    const data = { x: (await x.data()) as Float32Array, labels };
    x.dispose();
    const t0 = performance.now();
    const r = await trainClassifier({ data, sde, arch: { shape: [4, 4, 1], channels: 16, blocks: 1 }, steps: 1200, batchSize: 128, lr: 3e-3, emaRate: 0.99, seed: 3 });
    const secs = (performance.now() - t0) / 1000;
    const acc = await agreement(r.classifier, prior, 4000, 77);
    const first = r.losses.slice(0, 20).reduce((a, b) => a + b, 0) / 20;
    const last = r.losses.slice(-50).reduce((a, b) => a + b, 0) / 50;
    console.log(`trained 1200 steps in ${secs.toFixed(1)} s, loss ${first.toFixed(3)} → ${last.toFixed(3)}, top-1 agreement ${(100 * acc).toFixed(2)} %`);
    expect(secs).toBeLessThan(120);
    expect(acc).toBeGreaterThanOrEqual(0.95);
    r.classifier.dispose();
    r.raw.dispose();
    prior.dispose();
  });

  it('checkpoint round trip and exact resume', async () => {
    const sde = new VPSDE();
    const prior = gmm16(sde);
    const { x, labels } = prior.sampleData(500, new Rng(2));
    const data = { x: (await x.data()) as Float32Array, labels };
    x.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'clf-'));
    const arch = { shape: [4, 4, 1], channels: 8, blocks: 1 };
    const full = await trainClassifier({ data, sde, arch, steps: 12, batchSize: 32, seed: 5 });
    const ck = join(dir, 'half.safetensors');
    const half = await trainClassifier({ data, sde, arch, steps: 6, batchSize: 32, seed: 5, checkpoint: ck });
    expect(existsSync(ck)).toBe(true);
    const meta = JSON.parse(readFileSync(sidecarPath(ck), 'utf8'));
    expect(meta).toMatchObject({ format: 'scoresde-classifier', classes: 3, shape: [4, 4, 1], step: 6, sde: { name: 'vp', params: { betaMin: 0.1, betaMax: 20 } } });
    const loaded = await loadConvClassifier(ck);
    const probe = new Rng(9).normalTensor([5, 4, 4, 1]);
    const lp1 = half.classifier.logProbs(probe, 0.3).dataSync();
    const lp2 = loaded.logProbs(probe, 0.3).dataSync();
    lp1.forEach((v, i) => expect(lp2[i]).toBe(v));
    // classifier guidance through the trained net: autodiff gradient = central differences
    const term = new ClassifierGuidanceTerm({ classifier: loaded, label: 1 });
    const x1 = new Rng(12).normalTensor([1, 4, 4, 1]);
    const g = term.grad(x1, 0.4).dataSync();
    const x1v = Float64Array.from(x1.dataSync());
    const f = (v: Float64Array) => tf.tidy(() => loaded.logProbs(tf.tensor4d(Float32Array.from(v), [1, 4, 4, 1]), 0.4).dataSync()[1]!);
    for (const i of [0, 5, 15]) {
      const p = Float64Array.from(x1v);
      const q = Float64Array.from(x1v);
      p[i]! += 1e-2;
      q[i]! -= 1e-2;
      expect(g[i]).toBeCloseTo((f(p) - f(q)) / 2e-2, 2);
    }
    const resumed = await trainClassifier({ data, sde, arch, steps: 12, batchSize: 32, seed: 5, resume: ck });
    expect(resumed.step).toBe(12);
    for (const [key, v] of full.raw.params) {
      const a = v.dataSync();
      const b = resumed.raw.params.get(key)!.dataSync();
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-6);
      const ea = full.classifier.params.get(key)!.dataSync();
      const eb = resumed.classifier.params.get(key)!.dataSync();
      for (let i = 0; i < ea.length; i++) expect(Math.abs(ea[i]! - eb[i]!)).toBeLessThan(1e-6);
    }
    await expect(trainClassifier({ data, sde, arch: { ...arch, channels: 12 }, steps: 8, resume: ck })).rejects.toThrow(/cannot resume: checkpoint architecture/);
    // through the registry ('conv:CKPT'), checked against the model
    const reg = createRegistries();
    registerGuidance(reg);
    const viaReg = await reg.classifiers.create('conv', {}, { model: prior, spec: 'half.safetensors', cwd: dir, registries: reg });
    expect(viaReg.numClasses).toBe(3);
    const other = gmm3(sde);
    await expect(reg.classifiers.create('conv', {}, { model: other, spec: 'half.safetensors', cwd: dir, registries: reg })).rejects.toThrow(/was trained on samples \[4, 4, 1\], the model samples \[1, 2, 1\]/);
    await expect(reg.classifiers.create('conv', {}, { model: gmm16(new VESDE()), spec: 'half.safetensors', cwd: dir, registries: reg })).rejects.toThrow(/trained with SDE 'vp', the model uses 've'/);
    await expect(reg.classifiers.create('conv', {}, { model: prior, spec: 'nope.safetensors', cwd: dir, registries: reg })).rejects.toThrow(/cannot read/);
    viaReg.dispose?.();
    for (const c of [full.classifier, full.raw, half.classifier, half.raw, resumed.classifier, resumed.raw, loaded]) c.dispose();
    prior.dispose();
  });
});
