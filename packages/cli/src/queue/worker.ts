/**
 * `scoresde worker --queue URL`: a BullMQ worker that runs `processSeries` (batch/run.ts) for each
 * series job, so a series comes out byte-identical whichever host or process runs it (seeds and
 * derived UIDs depend only on the task and the series). Writes are atomic (temporary file +
 * rename) and stale temporary files of a series are removed first, so a job re-run after a worker
 * died (BullMQ hands a job whose lock expired back to the queue) overwrites with the same bytes.
 *
 * A series with a failed slice throws after saving its rows in the job's progress, so BullMQ
 * retries it with exponential back-off; after the last attempt the job stays in the failed set
 * with its reason (`scoresde queue failed`). First SIGTERM/SIGINT: take no new jobs, finish the
 * active ones, exit 0; a second signal moves the active jobs back to the wait list (lock released:
 * another worker takes them at once) and exits 130. A worker killed outright (kill -9, host lost)
 * leaves its jobs to BullMQ's stalled-job check: they return to the queue once their locks expire
 * (`--lock-ms`).
 */
import { Worker, type Job } from 'bullmq';
import { ScoresdeError, initBackend } from '@scoresde/core';
import { processSeries } from '../batch/run.js';
import { IdentityPool } from '../batch/identity.js';
import { SeriesReconstructor } from '../batch/reconstructor.js';
import { parseTask, taskKey } from '../batch/task.js';
import { createCliContext, type CliContext } from '../context.js';
import { QUEUE_NAME, bullConnection, parseQueueUrl, waitForRedis } from './connection.js';
import type { SeriesJobData, SeriesJobResult } from './jobs.js';

export interface WorkerOptions {
  queue: string;
  concurrency: number;
  backend: string;
  plugins: string[];
  lockMs: number;
  log: (line: string) => void;
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs until a signal; resolves with the number of jobs completed. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const target = parseQueueUrl(o.queue);
  await waitForRedis(target, o.log);
  // Test hook: sleep this long before and after each series (lets tests kill a worker mid-job).
  const delay = Number(process.env['SCORESDE_WORKER_DELAY_MS'] ?? 0);
  const pool = new IdentityPool(0);
  const recons = new Map<string, Promise<SeriesReconstructor>>();
  let ctx: Promise<CliContext> | undefined;
  const reconFor = (key: string, task: ReturnType<typeof parseTask>) => {
    let r = recons.get(key);
    if (!r) {
      ctx ??= initBackend(o.backend).then(() => createCliContext(o.plugins));
      r = ctx.then((c) => SeriesReconstructor.create(task, c));
      recons.set(key, r);
      r.catch(() => recons.delete(key));
    }
    return r;
  };
  let done = 0;
  const active = new Map<string, { job: Job<SeriesJobData, SeriesJobResult>; token?: string }>();
  const processor = async (job: Job<SeriesJobData, SeriesJobResult>, token?: string): Promise<SeriesJobResult> => {
    active.set(String(job.id), { job, token });
    try {
      return await processJob(job);
    } finally {
      active.delete(String(job.id));
    }
  };
  const processJob = async (job: Job<SeriesJobData, SeriesJobResult>): Promise<SeriesJobResult> => {
    const d = job.data;
    const task = parseTask(d.task, `job ${job.id}`);
    if (taskKey(task) !== d.key) throw new ScoresdeError(`job ${job.id}: task key mismatch (producer and worker run different scoresde versions?)`);
    const s = d.series;
    o.log(`worker: job ${job.id} started: series ${s.seriesInstanceUid} (${s.instances.length} slices), attempt ${job.attemptsMade + 1}`);
    const t0 = performance.now();
    if (delay > 0) await sleep(delay);
    const recon = task.kind === 'reconstruct' ? await reconFor(d.key, task) : undefined;
    const rows = await processSeries(s, { inDir: d.inDir, outDir: d.outDir, task, key: d.key, recon, pool });
    if (delay > 0) await sleep(delay);
    const bad = rows.filter((r) => r.status === 'failed');
    if (bad.length > 0) {
      await job.updateProgress({ rows });
      throw new Error(`${bad.length}/${rows.length} slices failed: ${bad[0]!.input}: ${bad[0]!.reason}`);
    }
    done++;
    o.log(`worker: job ${job.id} done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
    return { rows };
  };
  const worker = new Worker<SeriesJobData, SeriesJobResult>(QUEUE_NAME, processor, {
    connection: bullConnection(target, 'worker'),
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    maxStalledCount: 5,
    autorun: false,
  });
  let lastErr = 0;
  worker.on('error', (e) => {
    // Connection loss shows up here once per failed call; one line every few seconds is enough.
    if (Date.now() - lastErr > 5000) o.log(`worker: ${msg(e)} (reconnecting to ${target.url})`);
    lastErr = Date.now();
  });
  worker.on('failed', (job, e) => {
    if (job) o.log(`worker: job ${job.id} attempt ${job.attemptsMade} failed: ${msg(e)}`);
  });
  const stopped = new Promise<void>((res) => {
    let signals = 0;
    const onSignal = (sig: string) => {
      signals++;
      if (signals === 1) {
        o.log(`worker: ${sig}: finishing the active job(s), then exiting (send it again to stop now and hand them back)`);
        worker.close().then(res, res);
      } else {
        // Hand the active jobs back (wait state, lock released) so another worker takes them now;
        // if Redis does not answer within 3 s they return anyway when their locks expire.
        const back = [...active.values()];
        o.log(`worker: ${sig} again: handing ${back.length} active job(s) back to the queue and stopping now`);
        const handBack = Promise.allSettled(back.map((a) => a.job.moveToWait(a.token)));
        void Promise.race([handBack, sleep(3000)]).then(() => process.exit(130));
      }
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });
  o.log(`worker: ready on ${target.url} (queue ${QUEUE_NAME}, concurrency ${o.concurrency})`);
  void worker.run().catch((e: unknown) => o.log(`worker: ${msg(e)}`));
  await stopped;
  for (const r of recons.values()) (await r.catch(() => undefined))?.dispose();
  await pool.close();
  return done;
}
