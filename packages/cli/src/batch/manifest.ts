/**
 * The resume manifest, OUT/manifest.json: the task key and, for every finished series, its
 * report rows (with the derived files). It is rewritten atomically after each series, so after a
 * kill -9 it lists exactly the series whose files were all written; `--resume` skips those
 * (when their files still exist) and redoes the rest, which, being seeded per series, gives the
 * same bytes as an uninterrupted run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ScoresdeError, writeFileAtomic } from '@scoresde/core';
import type { ReportRow } from './report.js';

export interface Manifest {
  version: 1;
  taskKey: string;
  series: Record<string, { rows: ReportRow[] }>;
}

export const MANIFEST = 'manifest.json';

export function loadManifest(outDir: string, taskKey: string, resume: boolean): Manifest {
  const path = join(outDir, MANIFEST);
  const fresh: Manifest = { version: 1, taskKey, series: {} };
  if (!resume || !existsSync(path)) return fresh;
  let m: Manifest;
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (e) {
    throw new ScoresdeError(`--resume: ${path} is not readable JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (m.version !== 1 || typeof m.series !== 'object' || m.series === null) throw new ScoresdeError(`--resume: ${path} is not a scoresde batch manifest`);
  if (m.taskKey !== taskKey) throw new ScoresdeError(`--resume: the task differs from the one ${path} was made with; use a new --out or run without --resume`);
  return m;
}

/** Whether a manifest entry's files are all still there. */
export function entryComplete(outDir: string, rows: readonly ReportRow[]): boolean {
  return rows.every((r) => r.output.every((o) => existsSync(join(outDir, o))));
}

export async function saveManifest(outDir: string, m: Manifest): Promise<void> {
  await writeFileAtomic(join(outDir, MANIFEST), `${JSON.stringify(m)}\n`);
}
