/**
 * One demo task: measure the phantoms, reconstruct them with the naive baseline (the operator's
 * pseudo-inverse: FBP / zero-filled), TV, and posterior sampling with the score prior
 * (projection guidance, PC sampler: reverse diffusion + Langevin), all phantoms × samples in one
 * sampler batch; then PSNR / SSIM (data range 1) of each method against the truth. All
 * reconstructions are clipped to [0, 1] before metrics and display.
 */
import { Rng, tf, langevinCorrector, reverseDiffusionPredictor, type Registries, type ScoreModel, type Tensor } from '@scoresde/core';
import { psnr, ssim, tvReconstruct } from '@scoresde/forward-operators';
import { reconstruct } from '@scoresde/guidance';
import type { DemoSettings } from './settings.js';
import type { DemoTask } from './tasks.js';
import { clip01, summarise } from './posterior.js';
import { FbpConsistencyTerm, pinvGain } from './fbpConsistency.js';

export const METHODS = ['naive', 'tv', 'ours'] as const;
export type Method = (typeof METHODS)[number];

export interface MethodScores {
  psnr: number[];
  ssim: number[];
}

export interface TaskResult {
  task: DemoTask;
  /** [P, H·W] images: truth, naive, tv, ours (posterior mean), |ours − truth|, posterior std. */
  images: { truth: Float32Array; naive: Float32Array; tv: Float32Array; ours: Float32Array; error: Float32Array; std: Float32Array };
  scores: Record<Method, MethodScores>;
  seconds: { baselines: number; sampling: number };
  nfe: number;
}

export interface TaskContext {
  registries: Registries;
  cwd: string;
  model: ScoreModel;
  onStep?: (done: number, total: number) => void;
}

async function host(t: Tensor): Promise<Float32Array> {
  const d = (await t.data()) as Float32Array;
  return Float32Array.from(d);
}

export async function runTask(task: DemoTask, truth: Float32Array, P: number, s: DemoSettings, c: TaskContext): Promise<TaskResult> {
  const shape = c.model.sampleShape;
  const d = shape.reduce((a, b) => a * b, 1);
  const K = s.samples;
  const op = await c.registries.operators.create(task.operator, task.params, { inputShape: shape, cwd: c.cwd, registries: c.registries });
  const held: Tensor[] = [];
  try {
    const x = tf.tensor(truth, [P, ...shape], 'float32');
    held.push(x);
    const y = tf.tidy(() => op.forward(x));
    held.push(y);
    const t0 = Date.now();
    const naiveT = tf.tidy(() => op.pseudoInverse!(y));
    held.push(naiveT);
    const naive = clip01(await host(naiveT));
    const tvT = await tvReconstruct(op, y, { lambda: task.tvLambda, iters: s.tvIters, nonneg: true });
    held.push(tvT);
    const tv = clip01(await host(tvT));
    const t1 = Date.now();
    const yRep = tf.tidy(() => {
      const ys = y.shape.slice(1);
      return tf.reshape(tf.tile(tf.expandDims(y, 1), [1, K, ...ys.map(() => 1)]), [P * K, ...ys]);
    });
    held.push(yRep);
    const terms =
      task.guidance === 'projection'
        ? [await c.registries.likelihoods.create('projection', { lambda: task.lambda }, { model: c.model, operator: op, y: yRep, registries: c.registries })]
        : [new FbpConsistencyTerm(op, yRep, task.lambda, await pinvGain(op))];
    let nfe = 0;
    let samples: Float32Array;
    try {
      const r = await reconstruct({
        model: c.model,
        terms,
        samples: P * K,
        rng: new Rng(s.seed).fork(task.id),
        steps: task.steps,
        predictor: reverseDiffusionPredictor(),
        corrector: langevinCorrector({ snr: s.snr }),
        noSummary: true,
        onStep: c.onStep,
      });
      nfe = r.nfe;
      samples = await host(r.samples);
      r.samples.dispose();
    } finally {
      for (const t of terms) t.dispose?.();
    }
    const t2 = Date.now();
    const post = summarise(samples, P, K, d);
    const ours = clip01(post.mean);
    const error = ours.map((v, i) => Math.abs(v - truth[i]!));
    const scores = {} as Record<Method, MethodScores>;
    const recon: Record<Method, Float32Array> = { naive, tv, ours };
    for (const m of METHODS) {
      scores[m] = { psnr: [], ssim: [] };
      for (let p = 0; p < P; p++) {
        const ref = { data: truth.subarray(p * d, (p + 1) * d), shape };
        const test = { data: recon[m].subarray(p * d, (p + 1) * d), shape };
        scores[m].psnr.push(psnr(ref, test, { dataRange: 1 }));
        scores[m].ssim.push(ssim(ref, test, { dataRange: 1 }));
      }
    }
    return {
      task,
      images: { truth, naive, tv, ours, error, std: post.std },
      scores,
      seconds: { baselines: (t1 - t0) / 1000, sampling: (t2 - t1) / 1000 },
      nfe,
    };
  } finally {
    tf.dispose(held);
    op.dispose?.();
  }
}
