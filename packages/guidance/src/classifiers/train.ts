/**
 * Training a noise-conditional classifier on SDE-perturbed labelled data:
 *   per step: a batch (x₀, k) drawn uniformly (seeded), t ~ U(ε, T) per sample,
 *   x_t = alpha(t) x₀ + std(t) z,  loss = mean cross-entropy −log q_φ(k | x_t, t),
 * minimised with Adam (tfjs's `tf.train.adam`, optional gradient-norm clipping), with an
 * exponential moving average of the weights (score_sde's rule: decay min(rate, (1+n)/(10+n)))
 * that is what the trained classifier and its checkpoint use. Checkpoints (checkpoint.ts) keep the
 * raw weights, the EMA, the Adam moments and the step, so training resumes where it stopped;
 * the data order and noise come from Rng(seed).fork(step), so a resumed run equals an
 * uninterrupted one.
 */
import { Rng, ScoresdeError, tf, type SDE } from '@scoresde/core';
import { ConvClassifier, type ConvClassifierArch } from './convClassifier.js';
import { loadClassifierCheckpoint, saveClassifierCheckpoint, type ClassifierCheckpoint } from './checkpoint.js';

export interface TrainClassifierOptions {
  /** Training images [N, H, W, C] (host, C order) and their labels. */
  data: { x: Float32Array; labels: Int32Array | number[] };
  sde: SDE;
  arch: Omit<ConvClassifierArch, 'shape' | 'numClasses'> & { shape: number[]; numClasses?: number };
  steps: number;
  batchSize?: number;
  lr?: number;
  /** Clip the global gradient norm (default 1; ≤ 0 disables). */
  gradClip?: number;
  emaRate?: number;
  /** Smallest training time (default sde.eps). */
  eps?: number;
  seed?: number;
  /** Write a checkpoint here every `checkpointEvery` steps and at the end. */
  checkpoint?: string;
  checkpointEvery?: number;
  /** Resume from this checkpoint (its architecture, SDE and classes must match). */
  resume?: string;
  onProgress?: (p: { step: number; steps: number; loss: number }) => void;
}

export interface TrainClassifierResult {
  /** The classifier with the EMA weights. */
  classifier: ConvClassifier;
  /** The classifier with the raw weights (disposed by the caller). */
  raw: ConvClassifier;
  losses: number[];
  step: number;
}

export async function trainClassifier(o: TrainClassifierOptions): Promise<TrainClassifierResult> {
  const who = 'train-classifier';
  const [H, W, C] = o.arch.shape as [number, number, number];
  const d = H * W * C;
  const labels = Int32Array.from(o.data.labels);
  const N = labels.length;
  if (N === 0) throw new ScoresdeError(`${who}: no training data`);
  if (o.data.x.length !== N * d) throw new ScoresdeError(`${who}: ${o.data.x.length} values for ${N} labels of shape [${H}, ${W}, ${C}] (expected ${N * d})`);
  let K = 0;
  for (const l of labels) {
    if (!Number.isInteger(l) || l < 0) throw new ScoresdeError(`${who}: labels must be non-negative integers, got ${l}`);
    K = Math.max(K, l + 1);
  }
  const numClasses = o.arch.numClasses ?? K;
  if (K > numClasses) throw new ScoresdeError(`${who}: label ${K - 1} out of range for ${numClasses} classes`);
  if (!Number.isInteger(o.steps) || o.steps < 0) throw new ScoresdeError(`${who}: steps must be a non-negative integer, got ${o.steps}`);
  const batch = o.batchSize ?? 128;
  const lr = o.lr ?? 2e-3;
  const clip = o.gradClip ?? 1;
  const emaRate = o.emaRate ?? 0.999;
  const eps = o.eps ?? o.sde.eps;
  const seed = o.seed ?? 0;
  const arch = { ...o.arch, numClasses };

  const model = new ConvClassifier(arch, o.sde, seed);
  const ema = new ConvClassifier(arch, o.sde, seed);
  const optimizer = tf.train.adam(lr, 0.9, 0.999, 1e-8);
  const trainable = model.trainableVariables();
  const shadow = ema.trainableVariables();
  let step = 0;
  let emaUpdates = 0;
  if (o.resume) {
    const ck = await loadClassifierCheckpoint(o.resume);
    checkCompatible(ck, model, o.sde, who);
    assignAll(model, ck.raw ?? ck.ema);
    assignAll(ema, ck.ema);
    step = ck.meta.step;
    emaUpdates = ck.meta.emaUpdates ?? step;
    if (ck.adam) await restoreAdam(optimizer, trainable, model, ck.adam, ck.meta.step);
  }
  const xAll = tf.tensor2d(o.data.x, [N, d]);
  const losses: number[] = [];
  const save = async (): Promise<void> => {
    if (!o.checkpoint) return;
    await saveClassifierCheckpoint(o.checkpoint, { model, ema, optimizer, step, emaUpdates, sde: o.sde, trainConfig: { lr, batchSize: batch, emaRate, eps, seed, gradClip: clip } });
  };
  try {
    while (step < o.steps) {
      const rng = new Rng(seed).fork(step);
      const idx = Int32Array.from({ length: batch }, () => Math.floor(rng.uniform() * N));
      const times = Float32Array.from({ length: batch }, () => eps + rng.uniform() * (o.sde.T - eps));
      const alpha = new Float32Array(batch);
      const std = new Float32Array(batch);
      times.forEach((t, b) => {
        const m = o.sde.marginal(t);
        alpha[b] = m.alpha;
        std[b] = m.std;
      });
      const z = rng.normalArray(batch * d);
      const lossT = tf.tidy(() => {
        const x0 = tf.gather(xAll, tf.tensor1d(idx, 'int32'));
        const xt = tf.reshape(tf.add(tf.mul(x0, tf.tensor2d(alpha, [batch, 1])), tf.mul(tf.tensor2d(z, [batch, d]), tf.tensor2d(std, [batch, 1]))), [batch, H, W, C]);
        const onehot = tf.oneHot(tf.tensor1d(Int32Array.from(idx, (i) => labels[i]!), 'int32'), numClasses).toFloat();
        const f = () => tf.neg(tf.mean(tf.sum(tf.mul(model.logProbs(xt, times), onehot), 1))) as tf.Scalar;
        const { value, grads } = tf.variableGrads(f, trainable);
        let scale = 1;
        if (clip > 0) {
          const norm = Math.sqrt(Object.values(grads).reduce((s, g) => s + tf.sum(tf.square(g)).dataSync()[0]!, 0));
          scale = Math.min(1, clip / (norm + 1e-6));
        }
        optimizer.applyGradients(trainable.map((v) => ({ name: v.name, tensor: scale === 1 ? grads[v.name]! : tf.mul(grads[v.name]!, scale) })));
        return value;
      });
      const loss = (await lossT.data())[0]!;
      lossT.dispose();
      step++;
      emaUpdates++;
      const decay = Math.min(emaRate, (1 + emaUpdates) / (10 + emaUpdates));
      tf.tidy(() => shadow.forEach((s, i) => s.assign(tf.sub(s, tf.mul(tf.sub(s, trainable[i]!), 1 - decay)))));
      losses.push(loss);
      o.onProgress?.({ step, steps: o.steps, loss });
      if (o.checkpoint && o.checkpointEvery && step % o.checkpointEvery === 0) await save();
      if (step % 20 === 0) await new Promise<void>((r) => setImmediate(r));
    }
    await save();
  } finally {
    xAll.dispose();
    optimizer.dispose();
  }
  return { classifier: ema, raw: model, losses, step };
}

function checkCompatible(ck: ClassifierCheckpoint, model: ConvClassifier, sde: SDE, who: string): void {
  const a = JSON.stringify(ck.meta.arch);
  const b = JSON.stringify(model.arch);
  if (a !== b) throw new ScoresdeError(`${who}: cannot resume: checkpoint architecture ${a} differs from ${b}`);
  if (ck.meta.sde.name !== sde.name) throw new ScoresdeError(`${who}: cannot resume: checkpoint was trained with SDE '${ck.meta.sde.name}', not '${sde.name}'`);
}

function assignAll(c: ConvClassifier, values: Map<string, Float32Array>): void {
  for (const [key, v] of c.params) {
    const data = values.get(key);
    if (!data) throw new ScoresdeError(`classifier checkpoint: missing tensor '${key}'`);
    v.assign(tf.tensor(data, v.shape, 'float32'));
  }
}

/** Adam state: moments per trainable parameter (in declaration order) and the step count. */
async function restoreAdam(opt: tf.AdamOptimizer, trainable: tf.Variable[], model: ConvClassifier, adam: Map<string, Float32Array>, step: number): Promise<void> {
  const keys = model.paramSpecs().filter((s) => s.trainable).map((s) => s.key);
  type Named = { name: string; tensor: tf.Tensor };
  const weights: Named[] = [{ name: 'iter', tensor: tf.scalar(step, 'int32') }];
  const m: Named[] = [];
  const v: Named[] = [];
  keys.forEach((k, i) => {
    const mv = adam.get(`m.${k}`);
    const vv = adam.get(`v.${k}`);
    if (!mv || !vv) throw new ScoresdeError(`classifier checkpoint: missing Adam moments of '${k}'`);
    m.push({ name: `${trainable[i]!.name}/m`, tensor: tf.tensor(mv, trainable[i]!.shape) });
    v.push({ name: `${trainable[i]!.name}/v`, tensor: tf.tensor(vv, trainable[i]!.shape) });
  });
  await opt.setWeights([...weights, ...m, ...v]);
}

