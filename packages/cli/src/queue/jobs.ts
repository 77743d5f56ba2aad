/**
 * One BullMQ job per DICOM series. The job id is `s-` + SHA-256(SeriesInstanceUID | first
 * SOPInstanceUID | task key | resolved --out), so enqueuing the same batch twice adds nothing
 * (BullMQ ignores an add whose id exists) and the same series for another task or another output
 * folder is a different job. The data carries everything a worker needs: paths (the same on every
 * host: a shared filesystem), the task as given, its key, and the scanned series headers.
 */
import { createHash } from 'node:crypto';
import type { DicomSeries } from '@scoresde/datasets';
import type { ReportRow } from '../batch/report.js';
import type { BatchTask } from '../batch/task.js';

export interface SeriesJobData {
  inDir: string;
  outDir: string;
  /** The task file's content after validation (without the derived `kind`). */
  task: Record<string, unknown>;
  key: string;
  series: DicomSeries;
}

/** What a job returns (and, on failure, leaves in its progress): the series' report rows. */
export interface SeriesJobResult {
  rows: ReportRow[];
}

export function seriesJobId(s: DicomSeries, key: string, outDir: string): string {
  const h = createHash('sha256').update(`${s.seriesInstanceUid}|${s.instances[0]!.sopInstanceUid}|${key}|${outDir}`).digest('hex');
  return `s-${h.slice(0, 40)}`;
}

export function taskForJob(t: BatchTask): Record<string, unknown> {
  const { kind, ...rest } = t;
  void kind;
  return rest;
}

/** Report rows of a series whose job failed: the rows it left, else one failed row per slice. */
export function failedRows(d: SeriesJobData, progress: unknown, reason: string, rel: (p: string) => string): ReportRow[] {
  const left = (progress as Partial<SeriesJobResult> | undefined)?.rows;
  if (Array.isArray(left) && left.length > 0) return left;
  return d.series.instances.map((h) => ({ input: rel(h.source), output: [], status: 'failed', reason: `queue job failed: ${reason}`, series: d.series.seriesInstanceUid }));
}
