/**
 * Folder scanning: every regular file under a directory (recursively, in sorted path order;
 * symbolic links to directories are not followed) is read as DICOM; image objects are grouped
 * into series, everything else is listed as skipped with a one-line reason (a second file with an
 * already-seen SOPInstanceUID is skipped as a duplicate). One bad file never
 * stops the scan. Headers are kept without their bytes (re-read a file with `readDicomFile` to
 * decode its pixels), so scanning a large study costs little memory.
 *
 * Only a file's first 64 KiB are read when the header parsed from them ends at a Pixel Data
 * element whose declared value fits in the file (native, uncompressed objects: the common case
 * and the costly one, e.g. 512 KiB per CT slice). Anything else — a longer header, encapsulated or
 * deflated data, a parse error, no Pixel Data — is read and parsed whole, so the reasons given
 * for skipped files are those of a full parse. Files are read a few at a time.
 */
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScoresdeError, mapLimited } from '@scoresde/core';
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

const HEADER_PREFIX = 64 * 1024;
const SCAN_CONCURRENCY = 8;

/** The first `HEADER_PREFIX` bytes of a file and its size. */
async function readPrefix(path: string, limit: number): Promise<{ bytes: Uint8Array; size: number }> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = new Uint8Array(Math.min(size, limit));
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return { bytes: buf.subarray(0, got), size };
  } finally {
    await fh.close();
  }
}

/** Header from a file's prefix, or undefined when only the whole file can tell (see module doc). */
function headerFromPrefix(bytes: Uint8Array, size: number, path: string): DicomHeaderInfo | undefined {
  try {
    const { dataSet, byteArray, ...header } = readDicomHeader(bytes, path, { untilPixelData: true });
    const px = dataSet.elements['x7fe00010'];
    // Offsets count from `byteArray` (which has a preamble prepended for files without one).
    const end = byteArray.length - bytes.length + size;
    if (!px || px.hadUndefinedLength || px.encapsulatedPixelData || px.dataOffset + px.length > end) return undefined;
    return header;
  } catch {
    return undefined;
  }
}

/**
 * Read the header of one file: the header (without bytes) or why it is skipped. `prefixBytes`
 * (default 64 KiB) is how much is read first; the result does not depend on it.
 */
export async function scanDicomFile(path: string, opts: { prefixBytes?: number } = {}): Promise<{ header: DicomHeaderInfo } | { skipped: SkippedFile }> {
  let bytes: Uint8Array;
  try {
    const prefix = await readPrefix(path, opts.prefixBytes ?? HEADER_PREFIX);
    if (prefix.bytes.length < prefix.size) {
      const header = headerFromPrefix(prefix.bytes, prefix.size, path);
      if (header) return { header };
      bytes = await readFile(path);
    } else {
      bytes = prefix.bytes;
    }
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
  const results = await mapLimited(files, SCAN_CONCURRENCY, (f) => scanDicomFile(f));
  for (const [i, f] of files.entries()) {
    const r = results[i]!;
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
