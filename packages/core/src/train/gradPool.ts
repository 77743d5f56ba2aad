/**
 * Data-parallel training on several CPU cores: worker threads (gradWorker.ts), each with its own
 * tfjs engine (wasm by default) and a copy of the network, compute the gradients of the step's
 * micro-batch chunks; the trainer sums them in chunk order and applies Adam in this thread.
 * Every chunk's gradient is the same computation as in-process (chunkGrads.ts) on the same kind
 * of backend, and the sum runs in the same order, so `--workers n` trains exactly like
 * `--micro-batch m` in one thread.
 */
import { Worker } from 'node:worker_threads';
import { ScoresdeError } from '../errors.js';
import { builtWorkerUrl } from '../parallel/workerUrl.js';
import { networkConfigToJson, type NetworkConfig } from '../nn/config.js';
import type { ScoreNetwork } from '../nn/network.js';

export interface PoolChunk {
  x0: Float32Array;
  shape: number[];
  t: Float32Array;
  z: Float32Array;
  dropoutSeed: number;
  weight: number;
}

type Msg = { type: 'ready' } | { type: 'done'; id: number; loss: number; grads: Float32Array[] } | { type: 'error'; message: string };

const workerUrl = () => builtWorkerUrl(new URL('./gradWorker.js', import.meta.url), new URL('../../dist/train/gradWorker.js', import.meta.url), 'parallel training');

export class GradientPool {
  private readonly waiting = new Map<number, { resolve: (m: { loss: number; grads: Float32Array[] }) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private failed?: Error;
  private closing = false;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: Msg) => {
        if (m.type === 'done') {
          const p = this.waiting.get(m.id);
          this.waiting.delete(m.id);
          p?.resolve(m);
        } else if (m.type === 'error') this.fail(new ScoresdeError(`gradient worker: ${m.message}`));
      });
      w.on('error', (e) => this.fail(new ScoresdeError(`gradient worker crashed: ${e.message.split('\n')[0]}`)));
      w.on('exit', (code) => {
        if (!this.closing) this.fail(new ScoresdeError(`gradient worker exited unexpectedly (code ${code})`));
      });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /** Start `n` workers holding a copy of `net` (config and every parameter) on `backend`. */
  static async start(n: number, config: NetworkConfig, net: ScoreNetwork, backend = 'wasm'): Promise<GradientPool> {
    if (!Number.isInteger(n) || n < 1) throw new ScoresdeError(`parallel training: workers must be a positive integer, got ${n}`);
    const url = workerUrl();
    const state = [...(await net.params.stateDict()).entries()];
    const workers: Worker[] = [];
    try {
      await Promise.all(
        Array.from({ length: n }, async () => {
          const w = new Worker(url);
          workers.push(w);
          await new Promise<void>((resolve, reject) => {
            w.once('message', (m: Msg) => (m.type === 'ready' ? resolve() : reject(new ScoresdeError(`gradient worker: ${m.type === 'error' ? m.message : 'bad start'}`))));
            w.once('error', (e) => reject(new ScoresdeError(`gradient worker failed to start: ${e.message.split('\n')[0]}`)));
            w.postMessage({ type: 'init', backend, config: networkConfigToJson(config), state });
          });
        }),
      );
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    return new GradientPool(workers);
  }

  /**
   * Gradients (trainable order) and weighted loss of each chunk, chunk i on worker i mod n,
   * all with this step's `weights`. Results come back in chunk order.
   */
  async run(weights: Float32Array[], chunks: PoolChunk[], likelihoodWeighting: boolean): Promise<{ loss: number; grads: Float32Array[] }[]> {
    if (this.failed) throw this.failed;
    // Per worker, its chunks one after another; workers in parallel.
    const byWorker = this.workers.map((w, i) => chunks.map((c, k) => ({ c, k })).filter(({ k }) => k % this.workers.length === i));
    const out: { loss: number; grads: Float32Array[] }[] = new Array(chunks.length);
    await Promise.all(
      byWorker.map(async (list, i) => {
        for (const { c, k } of list) {
          const id = this.nextId++;
          const done = new Promise<{ loss: number; grads: Float32Array[] }>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
          this.workers[i]!.postMessage({ type: 'chunk', id, weights, likelihoodWeighting, ...c });
          out[k] = await done;
        }
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
