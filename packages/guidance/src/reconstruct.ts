/**
 * Posterior sampling: draw K samples of p(x | y) with the PC sampler or the probability-flow ODE,
 * following the prior score plus the guidance terms, and summarise them (per-pixel mean and
 * standard deviation, unbiased). All K samples run as one batch unless `batchSize` is smaller.
 *
 * After sampling, terms that have `finalize` (projection) apply their noise-free consistency
 * step at t = 0. With the ODE sampler, terms' `project` steps are applied after every accepted
 * step when `project` is true, which is the default when some term has `project` but no `grad`.
 *
 * Memory: where the backend can tell what it can give (wasm; webgpu: its per-buffer limit, and the
 * total with SCORESDE_GPU_MEMORY_MB), one score evaluation is measured at batches 1 and 2 first; a
 * batch whose score evaluation alone (or its largest tensor, in one buffer) would not fit is
 * refused before sampling, and an out-of-memory failure during sampling becomes
 * one line naming the batch that would fit (packages/core/src/engine/memory.ts).
 */
import {
  ScoresdeError, fittingBatch, isOutOfMemory, langevinCorrector, measureScoreMemory, memoryBudget, odeSample, outOfMemoryMessage,
  pcSample, reverseDiffusionPredictor, tf,
  type Corrector, type LikelihoodTerm, type OdeMethod, type Predictor, type Rng, type ScoreModel, type SDE, type Tensor,
} from '@scoresde/core';
import { hasFinalize } from './finalize.js';

export type SamplerKind = 'pc' | 'ode';

export interface ReconstructOptions {
  model: ScoreModel;
  /** Default model.sde. */
  sde?: SDE;
  terms: readonly LikelihoodTerm[];
  /** Number of posterior samples K. */
  samples: number;
  rng: Rng;
  sampler?: SamplerKind;
  /** PC: default reverse diffusion + Langevin (snr 0.16), 1000 steps or sde.N. */
  predictor?: Predictor;
  corrector?: Corrector;
  steps?: number;
  eps?: number;
  /** Final denoising step (default true). */
  denoise?: boolean;
  /** ODE: solver, tolerances (default rk45, 1e-5). */
  method?: OdeMethod;
  rtol?: number;
  atol?: number;
  /** ODE: apply terms' `project` after every step (see module doc). */
  project?: boolean;
  /** Samples per sampler batch (default K). */
  batchSize?: number;
  onStep?: (step: number, total: number) => void;
  /** Skip mean/std (default false). */
  noSummary?: boolean;
}

export interface ReconstructResult {
  /** [K, H, W, C]. */
  samples: Tensor;
  /** [1, H, W, C] posterior mean of the samples. */
  mean?: Tensor;
  /** [1, H, W, C] per-pixel standard deviation (unbiased; 0 when K = 1). */
  std?: Tensor;
  nfe: number;
}

export async function reconstruct(o: ReconstructOptions): Promise<ReconstructResult> {
  const K = o.samples;
  if (!Number.isInteger(K) || K < 1) throw new ScoresdeError(`reconstruct: samples must be a positive integer, got ${K}`);
  const bs = o.batchSize ?? K;
  if (!Number.isInteger(bs) || bs < 1) throw new ScoresdeError(`reconstruct: batch size must be a positive integer, got ${bs}`);
  const sde = o.sde ?? o.model.sde;
  const score = (x: Tensor, t: number | Float32Array): Tensor => o.model.score(x, t);
  const parts: Tensor[] = [];
  let nfe = 0;
  const budget = memoryBudget();
  const memory = budget && Math.min(bs, K) > 1 ? await measureScoreMemory(o.model) : undefined;
  const backend = tf.getBackend();
  if (memory && budget && fittingBatch(memory, budget, 1) < Math.min(bs, K)) {
    throw new ScoresdeError(outOfMemoryMessage('sampling', Math.min(bs, K), backend, memory, budget, true));
  }
  let n = 0;
  try {
    for (let start = 0; start < K; start += bs) {
      n = Math.min(bs, K - start);
      const shape = [n, ...o.model.sampleShape];
      let x: Tensor;
      if ((o.sampler ?? 'pc') === 'pc') {
        const r = await pcSample({
          sde, score, shape, rng: o.rng, terms: o.terms,
          predictor: o.predictor ?? reverseDiffusionPredictor(),
          corrector: o.corrector ?? langevinCorrector({ snr: 0.16 }),
          steps: o.steps ?? sde.N, eps: o.eps, denoise: o.denoise, onStep: o.onStep,
        });
        x = r.x;
        nfe += r.nfe;
      } else {
        const projectDefault = o.terms.some((t) => typeof t.project === 'function' && typeof t.grad !== 'function');
        const r = await odeSample({
          sde, score, shape, rng: o.rng, terms: o.terms, method: o.method, rtol: o.rtol, atol: o.atol,
          steps: o.steps, eps: o.eps, denoise: o.denoise, project: o.project ?? projectDefault,
        });
        x = r.x;
        nfe += r.nfe;
      }
      for (const term of o.terms) {
        if (!hasFinalize(term)) continue;
        const nx = tf.tidy(() => term.finalize(x));
        x.dispose();
        x = nx;
      }
      parts.push(x);
      // let the event loop run between batches (a long synchronous PC loop starves timers and IPC)
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } catch (e) {
    tf.dispose(parts);
    if (isOutOfMemory(e)) throw new ScoresdeError(outOfMemoryMessage('sampling', n, backend, memory, budget), { cause: e });
    throw e;
  }
  const samples = parts.length === 1 ? parts[0]! : tf.tidy(() => tf.concat(parts, 0));
  if (parts.length > 1) tf.dispose(parts);
  if (o.noSummary) return { samples, nfe };
  const { mean, std } = tf.tidy(() => {
    const m = tf.mean(samples, 0, true);
    const v = K > 1 ? tf.div(tf.sum(tf.square(tf.sub(samples, m)), 0, true), K - 1) : tf.zerosLike(m);
    return { mean: m, std: tf.sqrt(v) };
  });
  return { samples, mean, std, nfe };
}
