/**
 * What a parallel sampling job is, in plain JSON (it crosses into worker threads), and how a
 * batch of n samples is cut into chunks.
 *
 * Determinism: samples are cut into fixed-size chunks, chunk c = samples [c·chunkSize,
 * min(n, (c + 1)·chunkSize)), and chunk c draws all its randomness (prior sample, predictor and
 * corrector noise) from its own stream `new Rng(seed).fork('chunk:' + c)`. Each chunk runs as one
 * sampler batch wherever it runs, so the output depends on (seed, chunkSize, n, the sampler
 * settings, the backend) and NOT on the number of workers. It does differ from an unchunked
 * single-batch run with the same seed (different streams).
 *
 * Batch-coupled steps: score_sde's Langevin corrector (`langevin`, per_sample false, the default)
 * averages ‖score‖ and ‖noise‖ over the batch to pick one step size; here that batch is the chunk.
 * Results are still reproducible for a fixed chunkSize, but a chunkSize of 1 (or
 * `per_sample: true`) gives every sample its own step size and makes each sample independent of
 * its batch-mates entirely.
 */
import { ScoresdeError } from '../errors.js';
import { Rng } from '../rng/rng.js';

export interface PartSpec {
  name: string;
  params?: Record<string, unknown>;
}

export interface ParallelSampleSpec {
  /**
   * MODEL as the CLI takes it: a model folder (weights.safetensors + config.json), or
   * NAME:SPEC / NAME of a core score model (`gaussian:mean.npy,cov.npy`, `gmm:spec.json`).
   */
  model: string;
  /** SDE for analytic priors (networks carry their own), e.g. {name: 'vp'}. */
  sde?: PartSpec;
  /** PC predictor (default reverse_diffusion) and corrector (default langevin, snr 0.16). */
  predictor?: PartSpec;
  corrector?: PartSpec;
  /** PC time steps (default sde.N), smallest time, final denoising (default true). */
  steps?: number;
  eps?: number;
  denoise?: boolean;
  /** Backend every worker (and the inline path) initialises; default 'wasm'. */
  backend?: string;
  /** Directory relative paths in `model` resolve against (default process.cwd()). */
  cwd?: string;
}

export interface Chunk {
  index: number;
  start: number;
  count: number;
}

/** Fixed-size chunks covering n samples (the last one may be shorter). */
export function planChunks(n: number, chunkSize: number): Chunk[] {
  if (!Number.isInteger(n) || n < 1) throw new ScoresdeError(`parallel sampling: n must be a positive integer, got ${n}`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new ScoresdeError(`parallel sampling: chunkSize must be a positive integer, got ${chunkSize}`);
  const out: Chunk[] = [];
  for (let start = 0, index = 0; start < n; start += chunkSize, index++) out.push({ index, start, count: Math.min(chunkSize, n - start) });
  return out;
}

/** The random stream of chunk `index` under `seed`. */
export function chunkRng(seed: number, index: number): Rng {
  return new Rng(seed).fork(`chunk:${index}`);
}

/** Reject what cannot cross a thread boundary or is obviously wrong, with one line. */
export function checkSpec(s: ParallelSampleSpec): void {
  if (!s || typeof s.model !== 'string' || s.model.length === 0) throw new ScoresdeError('parallel sampling: model must be a model folder path or NAME:SPEC');
  if (s.steps !== undefined && (!Number.isInteger(s.steps) || s.steps < 1)) throw new ScoresdeError(`parallel sampling: steps must be a positive integer, got ${s.steps}`);
  try {
    JSON.stringify(s);
  } catch {
    throw new ScoresdeError('parallel sampling: the job description must be plain JSON');
  }
}
