/** `scoresde queue status|failed`: counts and progress of the batch queue, and the failed jobs with reasons. */
import { Queue } from 'bullmq';
import { QUEUE_NAME, bullConnection, checkRedis, parseQueueUrl } from './connection.js';
import type { SeriesJobData, SeriesJobResult } from './jobs.js';

export interface QueueCounts {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
  total: number;
  /** completed + failed over total (1 for an empty queue). */
  progress: number;
}

export interface FailedJob {
  id: string;
  series: string;
  out: string;
  attempts: number;
  reason: string;
}

async function withQueue<T>(url: string, f: (q: Queue<SeriesJobData, SeriesJobResult>) => Promise<T>): Promise<T> {
  const target = parseQueueUrl(url);
  await checkRedis(target);
  const q = new Queue<SeriesJobData, SeriesJobResult>(QUEUE_NAME, { connection: bullConnection(target) });
  q.on('error', () => undefined);
  try {
    return await f(q);
  } finally {
    await q.close().catch(() => undefined);
  }
}

export function queueCounts(url: string): Promise<QueueCounts> {
  return withQueue(url, async (q) => {
    const c = await q.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed', 'prioritized', 'waiting-children');
    const waiting = (c['waiting'] ?? 0) + (c['prioritized'] ?? 0) + (c['waiting-children'] ?? 0);
    const r = { waiting, active: c['active'] ?? 0, completed: c['completed'] ?? 0, failed: c['failed'] ?? 0, delayed: c['delayed'] ?? 0 };
    const total = r.waiting + r.active + r.completed + r.failed + r.delayed;
    return { ...r, total, progress: total === 0 ? 1 : (r.completed + r.failed) / total };
  });
}

export function failedJobs(url: string): Promise<FailedJob[]> {
  return withQueue(url, async (q) => {
    const jobs = await q.getJobs(['failed'], 0, -1, true);
    return jobs.map((j) => ({
      id: String(j.id),
      series: j.data.series.seriesInstanceUid,
      out: j.data.outDir,
      attempts: j.attemptsMade,
      reason: (j.failedReason ?? '').replace(/\s*\n\s*/g, ' '),
    }));
  });
}

/**
 * Remove finished jobs (completed and/or failed) and their results from Redis. Outputs on disk are
 * untouched; a later `batch --queue` of the same series enqueues them again (same bytes).
 */
export function cleanJobs(url: string, states: ReadonlyArray<'completed' | 'failed'>): Promise<Record<string, number>> {
  return withQueue(url, async (q) => {
    const removed: Record<string, number> = {};
    for (const st of states) removed[st] = (await q.clean(0, 0, st)).length;
    return removed;
  });
}
