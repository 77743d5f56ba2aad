/**
 * The batch report: one row per input file, written as OUT/report.json and OUT/report.csv
 * (columns input, output, status, reason, psnr, ssim, seconds, series). Status: 'ok' (written),
 * 'skipped' (not something to process: not DICOM, a non-image object, a duplicate instance),
 * 'failed' (an input that should have been processed but could not be). PSNR / SSIM compare the
 * reconstruction with the input image in the normalised [0, 1] window of its series (data range
 * 1), only where the measurement was simulated. `seconds`: the slice's share of its series' time.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@scoresde/core';

export type RowStatus = 'ok' | 'skipped' | 'failed';

export interface ReportRow {
  input: string;
  /** Derived file(s), relative to OUT; several (mean; std) joined by ';' in the CSV. */
  output: string[];
  status: RowStatus;
  reason: string;
  psnr?: number;
  ssim?: number;
  seconds?: number;
  /** Source SeriesInstanceUID. */
  series?: string;
  /** True when the row was taken from the manifest of an earlier run (--resume). */
  resumed?: boolean;
}

function csvCell(v: unknown): string {
  const s = v === undefined || v === null ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v)) : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportCsv(rows: readonly ReportRow[]): string {
  const cols = ['input', 'output', 'status', 'reason', 'psnr', 'ssim', 'seconds', 'series'] as const;
  const lines = [cols.join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvCell(c === 'output' ? r.output.join(';') : r[c])).join(','));
  return `${lines.join('\n')}\n`;
}

export async function writeReport(outDir: string, rows: readonly ReportRow[], summary: Record<string, unknown>): Promise<void> {
  await writeFileAtomic(join(outDir, 'report.json'), `${JSON.stringify({ ...summary, rows }, null, 2)}\n`);
  await writeFileAtomic(join(outDir, 'report.csv'), reportCsv(rows));
}
