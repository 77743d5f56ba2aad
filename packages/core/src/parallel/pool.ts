/**
 * Sampling on several CPU cores: `parallelSample` splits n samples into fixed-size chunks
 * (see spec.ts for the determinism contract) and hands them to `workers` worker threads
 * (node:worker_threads), each with its own tfjs engine on `spec.backend` (default wasm) and its
 * own copy of the model, built from the serialisable spec. Chunks are handed out as workers
 * become free; results are written back at their sample offsets, so the output is the same for
 * any number of workers (workers = 0 runs the chunks inline in this thread, same result).
 * All workers are terminated before the promise settles, on success and on error.
 */
import { Worker } from 'node:worker_threads';
import { ScoresdeError } from '../errors.js';
import { builtWorkerUrl } from './workerUrl.js';
import { prepareSampler, sampleChunk } from './prepare.js';
import { checkSpec, planChunks, type Chunk, type ParallelSampleSpec } from './spec.js';

export interface ParallelSampleOptions extends ParallelSampleSpec {
  /** Number of samples. */
  n: number;
  seed: number;
  /** Worker threads (0: run inline in this thread). */
  workers: number;
  /** Samples per chunk (default 4): the sampler batch each chunk runs as. */
  chunkSize?: number;
  /** Called after each finished chunk with (samples done, n). */
  onChunk?: (done: number, total: number) => void;
}

export interface ParallelSampleResult {
  /** [n, ...sampleShape] float32, sample i at offset i·prod(sampleShape). */
  data: Float32Array;
  shape: number[];
  /** Total score evaluations (summed over chunks). */
  nfe: number;
  chunks: number;
  workers: number;
}

export const DEFAULT_CHUNK_SIZE = 4;

let live = 0;
/** Worker threads started by this module that have not exited yet (for tests and diagnostics). */
export function liveWorkers(): number {
  return live;
}

/** dist/parallel/worker.js next to this module; from the TypeScript sources, the built one. */
const workerUrl = () => builtWorkerUrl(new URL('./worker.js', import.meta.url), new URL('../../dist/parallel/worker.js', import.meta.url), 'parallel sampling');

interface Done {
  index: number;
  data: Float32Array;
  shape: number[];
  nfe: number;
}

type Msg = { type: 'ready' } | ({ type: 'done' } & Done) | { type: 'error'; message: string };

export async function parallelSample(o: ParallelSampleOptions): Promise<ParallelSampleResult> {
  const spec: ParallelSampleSpec = {
    model: o.model, sde: o.sde, predictor: o.predictor, corrector: o.corrector, steps: o.steps, eps: o.eps, denoise: o.denoise,
    backend: o.backend ?? 'wasm', cwd: o.cwd ?? process.cwd(),
  };
  checkSpec(spec);
  if (!Number.isInteger(o.seed)) throw new ScoresdeError(`parallel sampling: seed must be an integer, got ${o.seed}`);
  if (!Number.isInteger(o.workers) || o.workers < 0) throw new ScoresdeError(`parallel sampling: workers must be a non-negative integer, got ${o.workers}`);
  const chunks = planChunks(o.n, o.chunkSize ?? DEFAULT_CHUNK_SIZE);
  const results: Done[] = [];
  let done = 0;
  const finish = (r: Done) => {
    results.push(r);
    done += r.shape[0]!;
    o.onChunk?.(done, o.n);
  };
  const nWorkers = Math.min(o.workers, chunks.length);
  if (nWorkers === 0) {
    const p = await prepareSampler(spec);
    try {
      for (const c of chunks) finish({ index: c.index, ...(await sampleChunk(p, o.seed, c)) });
    } finally {
      p.dispose();
    }
  } else {
    await runWorkers(nWorkers, spec, o.seed, chunks, finish);
  }
  results.sort((a, b) => a.index - b.index);
  const sampleShape = results[0]!.shape.slice(1);
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(o.n * per);
  for (const r of results) data.set(r.data, chunks[r.index]!.start * per);
  return { data, shape: [o.n, ...sampleShape], nfe: results.reduce((a, r) => a + r.nfe, 0), chunks: chunks.length, workers: nWorkers };
}

async function runWorkers(size: number, spec: ParallelSampleSpec, seed: number, chunks: Chunk[], finish: (r: Done) => void): Promise<void> {
  const url = workerUrl();
  const workers: Worker[] = [];
  const exited: Promise<void>[] = [];
  try {
    await new Promise<void>((resolveAll, rejectAll) => {
      let next = 0;
      let finished = 0;
      let failed = false;
      const fail = (msg: string) => {
        if (failed) return;
        failed = true;
        rejectAll(new ScoresdeError(`parallel sampling: ${msg}`));
      };
      const give = (w: Worker) => {
        if (failed) return;
        if (next < chunks.length) w.postMessage({ type: 'chunk', seed, chunk: chunks[next++] });
      };
      for (let i = 0; i < size; i++) {
        const w = new Worker(url);
        live++;
        exited.push(new Promise<void>((r) => w.once('exit', () => {
          live--;
          r();
        })));
        workers.push(w);
        w.on('message', (m: Msg) => {
          if (m.type === 'ready') give(w);
          else if (m.type === 'error') fail(`worker ${i}: ${m.message}`);
          else {
            finish(m);
            if (++finished === chunks.length) resolveAll();
            else give(w);
          }
        });
        w.on('error', (e) => fail(`worker ${i} crashed: ${e.message}`));
        w.on('exit', (code) => {
          if (finished < chunks.length) fail(`worker ${i} exited (code ${code}) before the job was done`);
        });
        w.postMessage({ type: 'init', spec });
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await Promise.all(exited);
  }
}
