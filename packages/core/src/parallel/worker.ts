/**
 * Worker-thread entry of the sampling pool. Protocol (all plain structured-clone messages):
 *   in:  {type: 'init', spec}                   → out: {type: 'ready'}
 *   in:  {type: 'chunk', seed, chunk}           → out: {type: 'done', index, data, shape, nfe}
 *                                                  (data's buffer is transferred)
 *   any failure                                 → out: {type: 'error', message}
 * The worker holds its own tfjs engine, backend and model; the pool terminates it when done.
 */
import { parentPort } from 'node:worker_threads';
import { prepareSampler, sampleChunk, type PreparedSampler } from './prepare.js';
import type { Chunk, ParallelSampleSpec } from './spec.js';

type In = { type: 'init'; spec: ParallelSampleSpec } | { type: 'chunk'; seed: number; chunk: Chunk };

const port = parentPort;
if (!port) throw new Error('parallel/worker.js must run in a worker thread');
let prepared: PreparedSampler | undefined;

port.on('message', (m: In) => {
  void handle(m).catch((e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
});

async function handle(m: In): Promise<void> {
  if (m.type === 'init') {
    prepared = await prepareSampler(m.spec);
    port!.postMessage({ type: 'ready' });
    return;
  }
  if (!prepared) throw new Error('chunk before init');
  const r = await sampleChunk(prepared, m.seed, m.chunk);
  const data = r.data.slice(); // own buffer, safe to transfer
  port!.postMessage({ type: 'done', index: m.chunk.index, data, shape: r.shape, nfe: r.nfe }, [data.buffer]);
}
