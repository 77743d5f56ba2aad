/**
 * The identity task for one slice (read, decode, write back as a derived instance), in this
 * thread or in a pool of worker threads. Every derived file depends only on its own source and
 * the series-level UID, so which thread writes it does not change a byte.
 *
 * Workers: `SCORESDE_BATCH_WORKERS=n` (0 = in-process). By default none on ≤ 2 cores, where the
 * in-process path already keeps both busy (file I/O on libuv threads, garbage collection on V8's)
 * and measured faster (242 vs 194 slices/s for 512 CT slices); on more cores min(cores − 1, 4)
 * workers from 1000 slices on (each first loads the engine, ~0.4 s of CPU).
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
  const cores = availableParallelism();
  return slices >= 1000 && cores > 2 ? Math.min(cores - 1, 4) : 0;
}

/** Jobs in flight per worker: a worker overlaps one slice's file I/O with another's decode/encode. */
const IN_FLIGHT = 3;

/** Runs identity jobs on worker threads (or in this thread when `size` is 0 or no worker script is built). */
export class IdentityPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly queue: Array<() => void> = [];
  private readonly pending = new Map<number, { worker: number; done: (r: IdentityResult) => void }>();
  private nextId = 0;

  constructor(size: number) {
    if (size <= 0 || WORKER_URL.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_URL))) return;
    for (let i = 0; i < size; i++) {
      const w = new Worker(WORKER_URL);
      w.on('message', (m: { id: number; result: IdentityResult }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        this.load[p.worker]!--;
        p.done(m.result);
        this.queue.shift()?.();
      });
      w.on('error', (e) => {
        for (const [id, p] of this.pending) {
          if (p.worker !== i) continue;
          this.pending.delete(id);
          this.load[i]!--;
          p.done({ ok: false, reason: `worker failed: ${msg(e)}` });
        }
      });
      this.workers.push(w);
      this.load.push(0);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** Jobs worth having in flight at once (callers batch their awaits by this). */
  get capacity(): number {
    return this.workers.length * IN_FLIGHT;
  }

  private leastLoaded(): number {
    let best = 0;
    for (let i = 1; i < this.load.length; i++) if (this.load[i]! < this.load[best]!) best = i;
    return best;
  }

  async run(job: IdentityJob): Promise<IdentityResult> {
    if (this.workers.length === 0) return identitySlice(job);
    while (this.load[this.leastLoaded()]! >= IN_FLIGHT) await new Promise<void>((r) => this.queue.push(r));
    const i = this.leastLoaded();
    this.load[i]!++;
    const id = this.nextId++;
    return new Promise<IdentityResult>((resolve) => {
      this.pending.set(id, { worker: i, done: resolve });
      this.workers[i]!.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
