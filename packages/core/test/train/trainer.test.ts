/**
 * The training loop end to end on tiny networks:
 *  - the DSM loss of a micro NCSN++ (VE) and a micro DDPM++ (VP) on ellipse phantoms falls
 *    over 25–35 steps (wasm), measured on a fixed held-out batch with fixed t and z, eval mode;
 *  - resume after N steps equals uninterrupted 2N steps bit for bit on cpu (weights.safetensors
 *    and training-state bytes), with dropout on;
 *  - a checkpoint folder loads as a model (loadScoreModelFolder) and its score is the EMA net's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  NetworkScoreModel, Rng, Trainer, buildTrainConfig, drawDsmNoise, dsmLoss, initBackend, loadScoreModelFolder, makeRecipe,
  readTrainingStateInfo, resumeTrainer, saveCheckpoint, tf, type Dataset, type NetworkConfig, type TrainRecipe,
} from '@scoresde/core';
import { EllipsesDataset } from '@scoresde/datasets';

const MICRO_NCSNPP = { name: 'ncsnpp', nf: 8, ch_mult: [1, 2], num_res_blocks: 1, attn_resolutions: [4], fir: false, progressive_input: 'none', embedding_type: 'fourier', scale_by_sigma: true, dropout: 0.1 };
const MICRO_DDPMPP = { ...MICRO_NCSNPP, embedding_type: 'positional', scale_by_sigma: false };

const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'scoresde-train-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** Eval-mode DSM loss of `net` on a fixed batch with fixed noise. */
async function heldOutLoss(model: NetworkScoreModel, x0: tf.Tensor, seed: number): Promise<number> {
  const noise = drawDsmNoise(new Rng(seed), x0.shape[0]!, x0.shape.slice(1), model.sde);
  const l = dsmLoss((xt, t) => model.score(xt, t), x0, noise, model.sde);
  const v = (await l.data())[0]!;
  l.dispose();
  return v;
}

async function fixedBatch(data: Dataset, cfg: NetworkConfig, n: number): Promise<tf.Tensor> {
  const idx = Array.from({ length: n }, (_, i) => data.size - 1 - i);
  const { x } = await data.batch(idx);
  const t = tf.tensor4d(x, [n, ...data.shape]);
  return cfg.centered ? tf.tidy(() => tf.sub(tf.mul(t, 2), 1)) : t;
}

describe('training loop', () => {
  it.each([
    ['NCSN++ / VE', MICRO_NCSNPP, 've', 35],
    ['DDPM++ / VP', MICRO_DDPMPP, 'vp', 25],
  ] as const)('%s: the loss on held-out ellipses falls (wasm)', async (_name, model, sde, steps) => {
    await initBackend('wasm');
    const data = new EllipsesDataset({ imageSize: 16, seed: 4, count: 5000 });
    const cfg = buildTrainConfig({ model: { ...model }, sde, imageSize: 16, numChannels: 1 });
    const recipe = makeRecipe({ data: data.description, seed: 1, batchSize: 8, adam: { lr: 2e-3, warmup: 5, gradClip: 1 }, emaRate: 0.9 });
    const tr = await Trainer.create(cfg, recipe, data);
    const x0 = await fixedBatch(data, cfg, 64);
    const raw = new NetworkScoreModel(tr.net, tr.sde);
    const before = await heldOutLoss(raw, x0, 77);
    const losses: number[] = [];
    const n0 = tf.memory().numTensors;
    for (let i = 0; i < steps; i++) losses.push((await tr.trainStep()).loss);
    expect(tf.memory().numTensors).toBe(n0);
    const after = await heldOutLoss(raw, x0, 77);
    const afterEma = await heldOutLoss(tr.emaScoreModel(), x0, 77);
    const first = losses.slice(0, 10).reduce((a, b) => a + b) / 10;
    const last = losses.slice(-10).reduce((a, b) => a + b) / 10;
    console.log(`${_name}: held-out loss ${before.toFixed(2)} → ${after.toFixed(2)} (EMA ${afterEma.toFixed(2)}); training loss ${first.toFixed(2)} → ${last.toFixed(2)}`);
    expect(after).toBeLessThan(0.6 * before);
    expect(afterEma).toBeLessThan(0.8 * before);
    expect(last).toBeLessThan(first);
    expect(tr.step).toBe(steps);
    x0.dispose();
    tr.dispose();
  });

  it('resume after N steps equals 2N uninterrupted steps bit for bit (cpu)', async () => {
    await initBackend('cpu');
    const data = new EllipsesDataset({ imageSize: 8, seed: 2, count: 5 }); // batches straddle epochs
    const cfg = buildTrainConfig({ model: { ...MICRO_NCSNPP }, sde: 've', imageSize: 8, numChannels: 1 });
    const recipe: TrainRecipe = makeRecipe({ data: data.description, seed: 3, batchSize: 3, adam: { lr: 1e-3, warmup: 2, gradClip: 1 }, emaRate: 0.99 });
    const N = 2;
    const full = tmp();
    const a = await Trainer.create(cfg, recipe, data);
    const lossesA: number[] = [];
    for (let i = 0; i < 2 * N; i++) lossesA.push((await a.trainStep()).loss);
    await saveCheckpoint(a, full);
    a.dispose();

    const half = tmp();
    const b = await Trainer.create(cfg, recipe, data);
    const lossesB: number[] = [];
    for (let i = 0; i < N; i++) lossesB.push((await b.trainStep()).loss);
    await saveCheckpoint(b, half);
    b.dispose();
    const info = await readTrainingStateInfo(half);
    expect(info.step).toBe(N);
    const c = await resumeTrainer(half, data);
    expect(c.step).toBe(N);
    for (let i = 0; i < N; i++) lossesB.push((await c.trainStep()).loss);
    await saveCheckpoint(c, half);
    c.dispose();

    expect(lossesB).toEqual(lossesA);
    const wa = readFileSync(path.join(full, 'weights.safetensors'));
    const wb = readFileSync(path.join(half, 'weights.safetensors'));
    expect(wb.equals(wa)).toBe(true);
    expect(readFileSync(path.join(half, 'training-state.safetensors')).equals(readFileSync(path.join(full, 'training-state.safetensors')))).toBe(true);
    expect(readFileSync(path.join(half, 'config.json'), 'utf8')).toBe(readFileSync(path.join(full, 'config.json'), 'utf8'));

    // The folder is a model: its score is the EMA network's, which differs from the raw one.
    const m = await loadScoreModelFolder(full);
    const r = await resumeTrainer(full, data);
    const x = new Rng(5).normalTensor([2, 8, 8, 1]);
    const t = new Float32Array([0.3, 0.7]);
    const sFolder = (await m.score(x, t).data()) as Float32Array;
    const sEma = (await r.emaScoreModel().score(x, t).data()) as Float32Array;
    const sRaw = (await new NetworkScoreModel(r.net, r.sde).score(x, t).data()) as Float32Array;
    expect([...sFolder]).toEqual([...sEma]);
    expect([...sFolder]).not.toEqual([...sRaw]);
    const cfgJson = JSON.parse(readFileSync(path.join(full, 'config.json'), 'utf8')) as { train: { step: number; optim: { warmup: number } }; training: { sde: string } };
    expect(cfgJson.train.step).toBe(2 * N);
    expect(cfgJson.train.optim.warmup).toBe(2);
    expect(cfgJson.training.sde).toBe('vesde');
    m.dispose();
    r.dispose();
    x.dispose();
  });

  it('micro-batches (gradient accumulation) give the full-batch loss and gradient (cpu, no dropout)', async () => {
    await initBackend('cpu');
    const data = new EllipsesDataset({ imageSize: 8, seed: 6, count: 50 });
    const cfg = buildTrainConfig({ model: { ...MICRO_DDPMPP, dropout: 0 }, sde: 'vp', imageSize: 8, numChannels: 1 });
    const run = async (microBatch: number) => {
      const tr = await Trainer.create(cfg, makeRecipe({ data: data.description, seed: 8, batchSize: 4, microBatch }), data);
      const { loss, grads } = await tr.gradients();
      const flat = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
      tf.dispose(grads);
      tr.dispose();
      return { loss, flat };
    };
    const full = await run(4);
    for (const mb of [2, 3]) {
      const part = await run(mb);
      expect(Math.abs(part.loss - full.loss) / full.loss).toBeLessThan(1e-6);
      let num = 0;
      let den = 0;
      for (let i = 0; i < full.flat.length; i++) {
        for (let j = 0; j < full.flat[i]!.length; j++) {
          num += (part.flat[i]![j]! - full.flat[i]![j]!) ** 2;
          den += full.flat[i]![j]! ** 2;
        }
      }
      expect(Math.sqrt(num / den), `micro-batch ${mb}`).toBeLessThan(1e-5);
      expect(den).toBeGreaterThan(0);
    }
    expect(() => makeRecipe({ data: 'x', batchSize: 4, microBatch: 5 })).toThrow(/micro-batch must be an integer in \[1, batch size 4\]/);
  });

  it('refuses to resume on other data or from a folder without state', async () => {
    await initBackend('cpu');
    const data = new EllipsesDataset({ imageSize: 8, seed: 2, count: 5 });
    const cfg = buildTrainConfig({ model: { ...MICRO_NCSNPP }, sde: 've', imageSize: 8, numChannels: 1 });
    const tr = await Trainer.create(cfg, makeRecipe({ data: data.description, batchSize: 2 }), data);
    const d = tmp();
    await saveCheckpoint(tr, d);
    tr.dispose();
    await expect(resumeTrainer(d, new EllipsesDataset({ imageSize: 8, seed: 3, count: 5 }))).rejects.toThrow(/trained on 'ellipses\(size=8,count=5,seed=2\)'/);
    await expect(resumeTrainer(tmp(), data)).rejects.toThrow(/does not exist/);
    await expect(Trainer.create(cfg, makeRecipe({ data: 'x' }), new EllipsesDataset({ imageSize: 16, count: 5 }))).rejects.toThrow(/16×16×1 but the model config needs 8×8×1/);
  });
});
