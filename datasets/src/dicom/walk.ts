/**
 * Folder scanning: every regular file under a directory (recursively, in sorted path order;
 * symbolic links to directories are not followed) is read as DICOM; image objects are grouped
 * into series, everything else is listed as skipped with a one-line reason (a second file with an
 * already-seen SOPInstanceUID is skipped as a duplicate). One bad file never
 * stops the scan. Headers are kept without their bytes (re-read a file with `readDicomFile` to
 * decode its pixels), so scanning a large study costs little memory.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScoresdeError } from '@scoresde/core';
import { DicomReadError, readDicomHeader, type DicomReadErrorKind } from './image.js';
import { groupSeries, type DicomHeaderInfo, type DicomSeries } from './series.js';

export interface SkippedFile {
  path: string;
  /** Why: a read error kind, or 'duplicate' (an instance whose SOPInstanceUID was already seen). */
  kind: DicomReadErrorKind | 'duplicate';
  /** One line, without the path. */
  reason: string;
}

export interface DicomScan {
  series: DicomSeries[];
  skipped: SkippedFile[];
}

/** All regular files below `dir`, sorted. */
export async function listFilesSorted(dir: string, recursive = true): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw new ScoresdeError(`${dir}: cannot list directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...(await listFilesSorted(p, true)));
    } else if (e.isFile() || e.isSymbolicLink()) {
      out.push(p);
    }
  }
  return out;
}

/** Read the header of one file: the header (without bytes) or why it is skipped. */
export async function scanDicomFile(path: string): Promise<{ header: DicomHeaderInfo } | { skipped: SkippedFile }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    return { skipped: { path, kind: 'not-dicom', reason: code === 'EISDIR' ? 'is a directory' : `cannot read (${code})` } };
  }
  try {
    const { dataSet: _d, byteArray: _b, ...header } = readDicomHeader(bytes, path);
    return { header };
  } catch (e) {
    const kind = e instanceof DicomReadError ? e.kind : 'malformed';
    const msg = e instanceof Error ? e.message : String(e);
    return { skipped: { path, kind, reason: msg.startsWith(`${path}: `) ? msg.slice(path.length + 2) : msg } };
  }
}

/** Scan a folder: series of image objects (ordered slices) and skipped files with reasons. */
export async function scanDicomFolder(dir: string, opts: { recursive?: boolean } = {}): Promise<DicomScan> {
  const files = await listFilesSorted(dir, opts.recursive ?? true);
  const headers: DicomHeaderInfo[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Map<string, string>();
  for (const f of files) {
    const r = await scanDicomFile(f);
    if ('skipped' in r) {
      skipped.push(r.skipped);
      continue;
    }
    const uid = r.header.sopInstanceUid;
    const first = uid ? seen.get(uid) : undefined;
    if (first !== undefined) {
      skipped.push({ path: f, kind: 'duplicate', reason: `same SOPInstanceUID as ${first}` });
      continue;
    }
    if (uid) seen.set(uid, f);
    headers.push(r.header);
  }
  return { series: groupSeries(headers), skipped };
}
