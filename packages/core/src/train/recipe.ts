/**
 * A training recipe: everything besides the network config that determines a run bit for bit
 * (with the data). Kept in the training state and in the model folder's config.json (`train`).
 */
import { ScoresdeError } from '../errors.js';
import { ADAM_DEFAULTS, type AdamOptions } from './adam.js';
import { TRAIN_EPS } from './loss.js';

export interface TrainRecipe {
  seed: number;
  batchSize: number;
  /**
   * Samples per forward/backward pass (gradient accumulation; default: the whole batch). The
   * loss and gradient are those of the full batch up to float rounding; it bounds the memory
   * a step needs (the wasm heap is limited). Part of the recipe since it changes the rounding.
   */
  microBatch: number;
  adam: AdamOptions;
  /** EMA rate (score_sde model.ema_rate). */
  emaRate: number;
  likelihoodWeighting: boolean;
  /** Smallest training time (t ~ U(eps, T)). */
  eps: number;
  /** The data set's description (Dataset.description). */
  data: string;
}

/** A recipe with score_sde's defaults for what is not given (Adam 2e-4, warm-up 5000, clip 1, EMA 0.999). */
export function makeRecipe(r: Partial<Omit<TrainRecipe, 'adam'>> & { data: string; adam?: Partial<AdamOptions> }): TrainRecipe {
  const out: TrainRecipe = {
    seed: r.seed ?? 0,
    batchSize: r.batchSize ?? 16,
    microBatch: r.microBatch ?? r.batchSize ?? 16,
    adam: { ...ADAM_DEFAULTS, ...(r.adam ?? {}) },
    emaRate: r.emaRate ?? 0.999,
    likelihoodWeighting: r.likelihoodWeighting ?? false,
    eps: r.eps ?? TRAIN_EPS,
    data: r.data,
  };
  if (!Number.isInteger(out.seed)) throw new ScoresdeError(`training: seed must be an integer, got ${out.seed}`);
  if (!Number.isInteger(out.batchSize) || out.batchSize < 1) throw new ScoresdeError(`training: batch size must be a positive integer, got ${out.batchSize}`);
  if (!Number.isInteger(out.microBatch) || out.microBatch < 1 || out.microBatch > out.batchSize) {
    throw new ScoresdeError(`training: micro-batch must be an integer in [1, batch size ${out.batchSize}], got ${out.microBatch}`);
  }
  if (!(out.emaRate >= 0 && out.emaRate <= 1)) throw new ScoresdeError(`training: ema rate must lie in [0, 1], got ${out.emaRate}`);
  if (!(out.eps > 0 && out.eps < 1)) throw new ScoresdeError(`training: eps must lie in (0, 1), got ${out.eps}`);
  return out;
}

/** The score_sde-style JSON form (snake_case) stored under `train` in config.json. */
export function recipeToJson(r: TrainRecipe, step: number): Record<string, unknown> {
  return {
    step,
    seed: r.seed,
    batch_size: r.batchSize,
    micro_batch: r.microBatch,
    ema_rate: r.emaRate,
    likelihood_weighting: r.likelihoodWeighting,
    eps: r.eps,
    reduce_mean: false,
    data: r.data,
    optim: { optimizer: 'Adam', weight_decay: 0, lr: r.adam.lr, beta1: r.adam.beta1, beta2: r.adam.beta2, eps: r.adam.eps, warmup: r.adam.warmup, grad_clip: r.adam.gradClip },
  };
}

/** The first field in which two recipes differ ('' when equal). */
export function recipeDifference(a: TrainRecipe, b: TrainRecipe): string {
  const fa = flatten(a);
  const fb = flatten(b);
  for (const k of new Set([...Object.keys(fa), ...Object.keys(fb)])) {
    if (fa[k] !== fb[k]) return `${k}: ${JSON.stringify(fa[k])} vs ${JSON.stringify(fb[k])}`;
  }
  return '';
}

function flatten(o: object, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(out, flatten(v as object, `${prefix}${k}.`));
    else out[`${prefix}${k}`] = Array.isArray(v) ? JSON.stringify(v) : v;
  }
  return out;
}
