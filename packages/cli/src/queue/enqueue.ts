/**
 * `scoresde batch --queue URL`: check Redis, scan --in, enqueue one job per series (idempotent
 * ids, see jobs.ts), wait until every job is completed or failed, then write the same
 * report.json / report.csv (and resume manifest) as the single-machine batch.
 *
 * Re-running the same command re-uses finished jobs (counted as resumed series) unless their files
 * are gone, in which case the job is replaced; failed jobs are retried. Redis unreachable at the
 * start: one-line error before anything is written. Redis lost while waiting: the producer keeps
 * polling for `lostTimeoutS` seconds (workers reconnect on their own), then fails with one line and
 * writes no report; the jobs stay queued and the same command collects them later.
 */
import { mkdir } from 'node:fs/promises';
import { relative, resolve, sep } from 'node:path';
import { Queue } from 'bullmq';
import { ScoresdeError } from '@scoresde/core';
import { scanDicomFolder } from '@scoresde/datasets';
import { skippedRow, type BatchSummary } from '../batch/run.js';
import { entryComplete, saveManifest, type Manifest } from '../batch/manifest.js';
import { writeReport, type ReportRow } from '../batch/report.js';
import { taskKey, type BatchTask } from '../batch/task.js';
import { QUEUE_NAME, bullConnection, checkRedis, parseQueueUrl } from './connection.js';
import { failedRows, seriesJobId, taskForJob, type SeriesJobData, type SeriesJobResult } from './jobs.js';

export interface QueuedBatchOptions {
  queue: string;
  inDir: string;
  outDir: string;
  task: BatchTask;
  wait: boolean;
  attempts: number;
  backoffMs: number;
  lostTimeoutS: number;
  progress: boolean;
}

export type QueuedBatchSummary = BatchSummary & { enqueued: number; waited: boolean };

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONNECTION_LOST = /Connection (is )?closed|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|LOADING|socket|max retries per request|Stream isn't writeable/i;

export async function runQueuedBatch(o: QueuedBatchOptions): Promise<QueuedBatchSummary> {
  const started = performance.now();
  const target = parseQueueUrl(o.queue);
  const inDir = resolve(o.inDir);
  const outDir = resolve(o.outDir);
  if (outDir === inDir || outDir.startsWith(inDir + sep)) throw new ScoresdeError(`--out ${o.outDir} must not be inside --in ${o.inDir} (outputs would be read as inputs next time)`);
  await checkRedis(target);
  const key = taskKey(o.task);
  const scan = await scanDicomFolder(inDir);
  const rel = (p: string) => relative(inDir, p);
  const queue = new Queue<SeriesJobData, SeriesJobResult>(QUEUE_NAME, { connection: bullConnection(target) });
  let lostSince: number | undefined;
  let lastError = '';
  queue.on('error', (e) => (lastError = msg(e)));
  /** Run a Redis call; while Redis is away retry for up to lostTimeoutS, then one clear error. */
  const redis = async <T>(what: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        const r = await what();
        lostSince = undefined;
        return r;
      } catch (e) {
        if (e instanceof ScoresdeError) throw e;
        lastError = msg(e);
        // Only a lost connection is waited out; any other Redis / BullMQ error is reported as is.
        if (!CONNECTION_LOST.test(lastError) && (e as { name?: string }).name !== 'ConnectionClosedError') {
          throw new ScoresdeError(`--queue ${target.url}: ${lastError}`);
        }
        lostSince ??= Date.now();
        if (Date.now() - lostSince > o.lostTimeoutS * 1000) {
          throw new ScoresdeError(
            `--queue ${target.url}: lost the connection to Redis for ${o.lostTimeoutS} s (${lastError}); no report written, queued jobs stay in Redis: run the same command again to collect them`,
          );
        }
        await sleep(500);
      }
    }
  };
  try {
    const jobs = scan.series.map((s) => ({ id: seriesJobId(s, key, outDir), s }));
    let resumedSeries = 0;
    let enqueued = 0;
    for (const { id, s } of jobs) {
      const state = await redis(() => queue.getJobState(id));
      if (state === 'completed') {
        const job = await redis(() => queue.getJob(id));
        if (job?.returnvalue && entryComplete(outDir, job.returnvalue.rows)) {
          resumedSeries++;
          continue;
        }
        await redis(() => queue.remove(id));
      } else if (state === 'failed') {
        await redis(async () => (await queue.getJob(id))?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true }));
        enqueued++;
        continue;
      } else if (state !== 'unknown') {
        continue; // waiting / active / delayed: already under way
      }
      const data: SeriesJobData = { inDir, outDir, task: taskForJob(o.task), key, series: s };
      await redis(() =>
        queue.add('series', data, {
          jobId: id,
          attempts: o.attempts,
          backoff: { type: 'exponential', delay: o.backoffMs },
          removeOnComplete: false,
          removeOnFail: false,
        }),
      );
      enqueued++;
    }
    const base = { series: scan.series.length, resumedSeries, enqueued };
    if (!o.wait) {
      return { ...base, ok: 0, skipped: 0, failed: 0, seconds: (performance.now() - started) / 1000, rows: [], waited: false };
    }
    // Wait for every job to finish.
    const pending = new Set(jobs.map((j) => j.id));
    let shown = '';
    while (pending.size > 0) {
      const ids = [...pending];
      const states = await redis(() => Promise.all(ids.map((id) => queue.getJobState(id))));
      let active = 0;
      ids.forEach((id, i) => {
        const st = states[i];
        if (st === 'completed' || st === 'failed') pending.delete(id);
        else if (st === 'active') active++;
        else if (st === 'unknown') throw new ScoresdeError(`--queue ${target.url}: job ${id} disappeared from the queue (was it removed or Redis flushed?); run the same command again`);
      });
      const line = `batch: queue ${target.url}: ${jobs.length - pending.size}/${jobs.length} series finished, ${active} active`;
      if (o.progress && line !== shown) process.stderr.write(`${line}\n`);
      shown = line;
      // One state query per pending job per poll: poll less often for large batches (≈1 ms per job).
      if (pending.size > 0) await sleep(Math.max(100, pending.size));
    }
    // Collect the rows, as the single-machine batch reports them.
    const rows: ReportRow[] = scan.skipped.map((s) => skippedRow(s, inDir));
    const manifest: Manifest = { version: 1, taskKey: key, series: {} };
    for (const { id, s } of jobs) {
      const job = await redis(() => queue.getJob(id));
      if (!job) throw new ScoresdeError(`--queue ${target.url}: job ${id} disappeared from the queue; run the same command again`);
      const state = await redis(() => job.getState());
      if (state === 'completed' && job.returnvalue) {
        rows.push(...job.returnvalue.rows);
        manifest.series[`${s.seriesInstanceUid}|${s.instances[0]!.sopInstanceUid}`] = { rows: job.returnvalue.rows };
      } else {
        rows.push(...failedRows(job.data, job.progress, job.failedReason ?? 'unknown reason', rel));
      }
    }
    rows.sort((a, b) => (a.input < b.input ? -1 : a.input > b.input ? 1 : 0));
    const count = (st: string) => rows.filter((r) => r.status === st).length;
    const summary = { ok: count('ok'), skipped: count('skipped'), failed: count('failed'), resumedSeries, series: scan.series.length, seconds: (performance.now() - started) / 1000 };
    await mkdir(outDir, { recursive: true });
    await saveManifest(outDir, manifest);
    await writeReport(outDir, rows, { task: { ...o.task }, taskKey: key, ...summary });
    return { ...summary, rows, enqueued, waited: true };
  } finally {
    await queue.close().catch(() => undefined);
  }
}
