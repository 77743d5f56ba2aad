/**
 * The model path of `scoresde batch`: for a batch of B normalised slices (model size, [B, H, W, 1]),
 * simulate y = A(x) (+ the operator's noise model), build the guidance term for y repeated K times
 * (slice-major, so sample k of slice b is row b·K + k), draw the B·K posterior samples in one
 * sampler call, and return the per-slice mean and unbiased standard deviation over the K samples.
 */
import { Rng, tf, ScoresdeError, fittingBatch, measureScoreMemory, memoryBudget, type Corrector, type ForwardOperator, type Predictor, type ScoreModel, type Tensor } from '@scoresde/core';
import { reconstruct } from '@scoresde/guidance';
import type { CliContext } from '../context.js';
import { resolveModel } from '../model.js';
import type { BatchTask } from './task.js';

export interface SliceBatchResult {
  mean: Float32Array[];
  std: Float32Array[];
}

export class SeriesReconstructor {
  private constructor(
    private readonly task: BatchTask,
    private readonly ctx: CliContext,
    readonly model: ScoreModel,
    private readonly operator: ForwardOperator,
    private readonly guidance: string,
    /** Slices sampled together: the task's batch_size, or fewer when the backend's memory says so. */
    readonly slicesPerCall: number,
    /** Why slicesPerCall is below batch_size (for the progress line), if it is. */
    readonly memoryNote: string | undefined,
    private readonly predictor?: Predictor,
    private readonly corrector?: Corrector,
  ) {}

  static async create(task: BatchTask, ctx: CliContext): Promise<SeriesReconstructor> {
    const sde = task.sde ? await ctx.registries.sdes.create(task.sde, task.sde_set, { registries: ctx.registries }) : undefined;
    const model = await resolveModel(task.model, ctx, sde);
    const [h, w, c] = model.sampleShape;
    if (model.sampleShape.length !== 3 || c !== 1) {
      model.dispose?.();
      throw new ScoresdeError(`batch: model ${task.model} samples [${model.sampleShape.join(', ')}]; DICOM batch needs a one-channel image model [H, W, 1]`);
    }
    void h;
    void w;
    const operator = await ctx.registries.operators.create(task.operator!, task.set, { inputShape: model.sampleShape, cwd: ctx.cwd, registries: ctx.registries });
    const guidance = task.guidance ?? (operator.decomposition ? 'projection' : 'dps');
    let predictor: Predictor | undefined;
    let corrector: Corrector | undefined;
    if (task.sampler === 'pc') {
      const cp: Record<string, unknown> = {};
      if (task.snr !== undefined) cp['snr'] = task.snr;
      if (task.corrector_steps !== undefined) cp['n_steps'] = task.corrector_steps;
      predictor = await ctx.registries.predictors.create(task.predictor, {}, { sde: model.sde });
      corrector = await ctx.registries.correctors.create(task.corrector, cp, { sde: model.sde });
    }
    // batch_size slices × samples rows go through the sampler at once; fewer when they would not fit.
    let slicesPerCall = task.batch_size;
    let memoryNote: string | undefined;
    const budget = memoryBudget();
    if (budget && task.batch_size * task.samples > 1) {
      const m = await measureScoreMemory(model);
      const rows = fittingBatch(m, budget);
      const fit = Math.max(1, Math.floor(rows / task.samples));
      if (fit < task.batch_size) {
        slicesPerCall = fit;
        memoryNote = `batch_size ${task.batch_size} × ${task.samples} samples would not fit (${budget.source}; ${(m.perSampleBytes / 2 ** 20).toFixed(1)} MiB per sample): ${fit} slice(s) at a time`;
      }
    }
    return new SeriesReconstructor(task, ctx, model, operator, guidance, slicesPerCall, memoryNote, predictor, corrector);
  }

  get size(): [number, number] {
    return [this.model.sampleShape[0]!, this.model.sampleShape[1]!];
  }

  /** Posterior mean / std of each slice in `x` ([B, H, W] normalised, model size). */
  async run(x: Float32Array, b: number, rng: Rng): Promise<SliceBatchResult> {
    const [h, w] = this.size;
    const K = this.task.samples;
    const held: Tensor[] = [];
    try {
      const y = tf.tidy(() => {
        const clean = this.operator.forward(tf.tensor4d(x, [b, h, w, 1]));
        const noisy = this.operator.noise.kind === 'none' ? clean : this.operator.noise.sample(clean, rng.fork('measurement'));
        const idx = tf.tensor1d(Array.from({ length: b * K }, (_, i) => Math.floor(i / K)), 'int32');
        return tf.gather(noisy, idx);
      });
      held.push(y);
      const term = await this.ctx.registries.likelihoods.create(this.guidance, this.task.guidance_set, {
        model: this.model,
        operator: this.operator,
        y,
        registries: this.ctx.registries,
      });
      let samples: Float32Array;
      try {
        const r = await reconstruct({
          model: this.model,
          terms: [term],
          samples: b * K,
          batchSize: b * K,
          rng: rng.fork('sampler'),
          sampler: this.task.sampler,
          predictor: this.predictor,
          corrector: this.corrector,
          steps: this.task.steps,
          eps: this.task.eps,
          denoise: this.task.denoise,
          noSummary: true,
        });
        held.push(r.samples, ...(r.mean ? [r.mean] : []), ...(r.std ? [r.std] : []));
        samples = (await r.samples.data()) as Float32Array;
      } finally {
        term.dispose?.();
      }
      const n = h * w;
      const mean: Float32Array[] = [];
      const std: Float32Array[] = [];
      for (let s = 0; s < b; s++) {
        const m = new Float32Array(n);
        const sd = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          let acc = 0;
          for (let k = 0; k < K; k++) acc += samples[(s * K + k) * n + i]!;
          const mu = acc / K;
          let v = 0;
          for (let k = 0; k < K; k++) v += (samples[(s * K + k) * n + i]! - mu) ** 2;
          m[i] = mu;
          sd[i] = K > 1 ? Math.sqrt(v / (K - 1)) : 0;
          if (!Number.isFinite(mu)) throw new ScoresdeError('batch: the sampler produced non-finite values (try more steps or another sampler)');
        }
        mean.push(m);
        std.push(sd);
      }
      return { mean, std };
    } finally {
      tf.dispose(held);
    }
  }

  dispose(): void {
    this.operator.dispose?.();
    this.model.dispose?.();
  }
}
