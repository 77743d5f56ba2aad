/**
 * The identity task for one slice (read, decode, write back as a derived instance), in this
 * thread or in a pool of worker threads. Every derived file depends only on its own source and
 * the series-level UID, so which thread writes it does not change a byte.
 *
 * Workers: `SCORESDE_BATCH_WORKERS=n` (0 = in-process); by default min(cores, 4) workers when a
 * run has ≥ 1000 slices to write, none otherwise: each worker loads the whole engine (tfjs comes
 * with @scoresde/core), ~0.5 s of CPU, which only pays off on large runs.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readDicomFile, writeDerivedSeries } from '@scoresde/datasets';

export interface IdentityJob {
  path: string;
  outDir: string;
  seriesInstanceUid: string;
  key: string;
  seed: number;
  derivationDescription: string;
}

export type IdentityResult = { ok: true; relativePath: string; warnings: string[] } | { ok: false; reason: string };

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');

export async function identitySlice(j: IdentityJob): Promise<IdentityResult> {
  try {
    const im = await readDicomFile(j.path);
    const r = await writeDerivedSeries(j.outDir, [im], [im.pixels], {
      key: j.key,
      seed: j.seed,
      seriesInstanceUid: j.seriesInstanceUid,
      derivationDescription: j.derivationDescription,
    });
    return { ok: true, relativePath: r.instances[0]!.relativePath, warnings: im.warnings };
  } catch (e) {
    const m = msg(e);
    return { ok: false, reason: m.startsWith(`${j.path}: `) ? m.slice(j.path.length + 2) : m };
  }
}

const WORKER_URL = new URL('./identityWorker.js', import.meta.url);

export function defaultWorkers(slices: number): number {
  const env = process.env['SCORESDE_BATCH_WORKERS'];
  if (env !== undefined && env !== '') return Math.max(0, Math.floor(Number(env)) || 0);
  return slices >= 1000 ? Math.min(availableParallelism(), 4) : 0;
}

/** Runs identity jobs on worker threads (or in this thread when `size` is 0 or no worker script is built). */
export class IdentityPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<() => void> = [];
  private readonly pending = new Map<number, (r: IdentityResult) => void>();
  private nextId = 0;

  constructor(size: number) {
    if (size <= 0 || WORKER_URL.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_URL))) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_URL);
      w.on('message', (m: { id: number; result: IdentityResult }) => {
        this.pending.get(m.id)?.(m.result);
        this.pending.delete(m.id);
        this.idle.push(w);
        this.queue.shift()?.();
      });
      w.on('error', (e) => {
        for (const [id, done] of this.pending) {
          done({ ok: false, reason: `worker failed: ${msg(e)}` });
          this.pending.delete(id);
        }
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  async run(job: IdentityJob): Promise<IdentityResult> {
    if (this.workers.length === 0) return identitySlice(job);
    while (this.idle.length === 0) await new Promise<void>((r) => this.queue.push(r));
    const w = this.idle.pop()!;
    const id = this.nextId++;
    return new Promise<IdentityResult>((resolve) => {
      this.pending.set(id, resolve);
      w.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
