/**
 * `scoresde batch`: every DICOM image series under --in becomes a derived series under --out
 * (`OUT/<StudyUID>/<SeriesUID>/<SOPUID>.dcm`), with a report and a resume manifest.
 *
 * Per series (in the scan's sorted order): slices are read, then either written back unchanged
 * (identity task) or normalised (normalize.ts), sampled `batch_size` slices at a time
 * (reconstructor.ts), mapped back and written as a reconstruction series and, when asked, a
 * posterior standard-deviation series. Each series' random stream is `Rng(seed ⊕ hash(series))`,
 * so a series' output does not depend on which other series ran before it (resume and reordering
 * give the same bytes). One failing file or series is reported and the batch goes on.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { Rng, ScoresdeError, mapLimited } from '@scoresde/core';
import { psnr, ssim } from '@scoresde/forward-operators';
import {
  derivedSeriesUid,
  readDicomFile,
  scanDicomFolder,
  writeDerivedSeries,
  type DicomImage,
  type DicomSeries,
  type SkippedFile,
} from '@scoresde/datasets';
import type { CliContext } from '../context.js';
import { entryComplete, loadManifest, saveManifest } from './manifest.js';
import { resizeBilinear, seriesWindow } from './normalize.js';
import { writeReport, type ReportRow } from './report.js';
import { SeriesReconstructor } from './reconstructor.js';
import { IdentityPool, defaultWorkers, type IdentityResult } from './identity.js';
import { derivationText, taskKey, type BatchTask } from './task.js';

export interface BatchOptions {
  inDir: string;
  outDir: string;
  task: BatchTask;
  resume: boolean;
  progress: boolean;
  ctx?: CliContext;
}

export interface BatchSummary {
  ok: number;
  skipped: number;
  failed: number;
  resumedSeries: number;
  series: number;
  seconds: number;
  rows: ReportRow[];
}

const msg = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
const reasonOf = (path: string, e: unknown) => {
  const m = msg(e);
  return m.startsWith(`${path}: `) ? m.slice(path.length + 2) : m;
};

/** Per-series seed: task seed mixed with a hash of the series key (order-independent). */
export function seriesSeed(seed: number, key: string): number {
  const h = createHash('sha256').update(key).digest().readUInt32LE(0);
  return (h ^ (seed >>> 0)) >>> 0;
}

export function skippedRow(s: SkippedFile, inDir: string): ReportRow {
  const failed = s.kind === 'malformed' || s.kind === 'unsupported';
  // Paths inside reasons (e.g. "same SOPInstanceUID as …") are made relative to --in like `input`.
  const reason = `${s.kind}: ${s.reason}`.split(`${inDir}${sep}`).join('');
  return { input: relative(inDir, s.path), output: [], status: failed ? 'failed' : 'skipped', reason };
}

/** Remove temporary files left in a series folder by a killed run. */
async function removeStaleTemps(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  await Promise.all(names.filter((n) => n.startsWith('.') && n.endsWith('.tmp')).map((n) => unlink(join(dir, n)).catch(() => undefined)));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runBatch(o: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const inDir = resolve(o.inDir);
  const outDir = resolve(o.outDir);
  if (outDir === inDir || outDir.startsWith(inDir + sep)) throw new ScoresdeError(`--out ${o.outDir} must not be inside --in ${o.inDir} (outputs would be read as inputs next time)`);
  const task = o.task;
  const key = taskKey(task);
  const scan = await scanDicomFolder(inDir);
  const manifest = loadManifest(outDir, key, o.resume);
  await mkdir(outDir, { recursive: true });
  const rows: ReportRow[] = scan.skipped.map((s) => skippedRow(s, inDir));
  const throttle = Number(process.env['SCORESDE_BATCH_THROTTLE_MS'] ?? 0);
  const recon = task.kind === 'reconstruct' ? await SeriesReconstructor.create(task, o.ctx!) : undefined;
  if (recon?.memoryNote && o.progress) process.stderr.write(`batch: ${recon.memoryNote}\n`);
  const totalSlices = scan.series.reduce((s, x) => s + x.instances.length, 0);
  const pending = scan.series.filter((s) => !manifest.series[`${s.seriesInstanceUid}|${s.instances[0]!.sopInstanceUid}`]).reduce((n, s) => n + s.instances.length, 0);
  const pool = new IdentityPool(recon ? 0 : defaultWorkers(pending));
  let doneSlices = 0;
  let resumedSeries = 0;
  let workSeconds = 0;
  let workSlices = 0;
  const progress = (i: number, s: DicomSeries, note: string) => {
    if (!o.progress) return;
    const rate = workSlices / Math.max(workSeconds, 1e-9);
    const eta = rate > 0 ? (totalSlices - doneSlices) / rate : NaN;
    process.stderr.write(
      `batch: series ${i + 1}/${scan.series.length} (${s.modality || '?'} ${s.rows}×${s.columns}, ${s.instances.length} slices) ${note}; ` +
        `slices ${doneSlices}/${totalSlices}${Number.isFinite(eta) ? `, eta ${eta.toFixed(0)} s` : ''}\n`,
    );
  };
  try {
    for (const [i, s] of scan.series.entries()) {
      const skey = `${s.seriesInstanceUid}|${s.instances[0]!.sopInstanceUid}`;
      const prev = manifest.series[skey];
      if (prev && entryComplete(outDir, prev.rows)) {
        rows.push(...prev.rows.map((r) => ({ ...r, resumed: true })));
        doneSlices += s.instances.length;
        resumedSeries++;
        progress(i, s, 'already done (resume)');
        continue;
      }
      const t0 = performance.now();
      const seriesRows = await processSeries(s, { inDir, outDir, task, key, recon, pool });
      const secs = (performance.now() - t0) / 1000;
      workSeconds += secs;
      workSlices += s.instances.length;
      doneSlices += s.instances.length;
      rows.push(...seriesRows);
      if (seriesRows.every((r) => r.status !== 'failed')) {
        manifest.series[skey] = { rows: seriesRows };
        await saveManifest(outDir, manifest);
      }
      const nOk = seriesRows.filter((r) => r.status === 'ok').length;
      progress(i, s, `${nOk} written in ${secs.toFixed(2)} s`);
      if (throttle > 0) await sleep(throttle);
    }
  } finally {
    recon?.dispose();
    await pool.close();
  }
  rows.sort((a, b) => (a.input < b.input ? -1 : a.input > b.input ? 1 : 0));
  const count = (st: string) => rows.filter((r) => r.status === st).length;
  const summary = {
    ok: count('ok'),
    skipped: count('skipped'),
    failed: count('failed'),
    resumedSeries,
    series: scan.series.length,
    seconds: (performance.now() - started) / 1000,
  };
  await writeReport(outDir, rows, { task: { ...task }, taskKey: key, ...summary });
  return { ...summary, rows };
}

export interface SeriesContext {
  inDir: string;
  outDir: string;
  task: BatchTask;
  key: string;
  recon?: SeriesReconstructor;
  pool: IdentityPool;
}

export async function processSeries(s: DicomSeries, c: SeriesContext): Promise<ReportRow[]> {
  const { task } = c;
  const rel = (p: string) => relative(c.inDir, p);
  const t0 = performance.now();
  const first = s.instances[0]!;
  const refuse = (status: 'skipped' | 'failed', reason: string) =>
    s.instances.map((h) => ({ input: rel(h.source), output: [], status, reason, series: s.seriesInstanceUid }) satisfies ReportRow);
  if (first.samplesPerPixel !== 1) return refuse('skipped', `colour image (SamplesPerPixel ${first.samplesPerPixel}): batch processes monochrome images`);
  if (s.instances.some((h) => h.frames !== 1)) return refuse('skipped', 'multi-frame object: batch writes single-frame derived images and does not split multi-frame objects yet');
  if (c.recon && task.size_mismatch === 'refuse') {
    const [h, w] = c.recon.size;
    if (s.rows !== h || s.columns !== w) return refuse('skipped', `matrix ${s.rows}×${s.columns} differs from the model's ${h}×${w} (size_mismatch: refuse)`);
  }
  const derivedOpts = { key: c.key, seed: task.seed };
  const seriesUid = derivedSeriesUid(s.instances, derivedOpts);
  await removeStaleTemps(join(c.outDir, first.studyInstanceUid.replace(/[^0-9.]/g, ''), seriesUid));
  if (!c.recon) return identitySeries(s, seriesUid, c, t0);
  // Read every slice; a slice that does not decode fails alone.
  // Read every slice; a slice that does not decode fails alone.
  const rows: ReportRow[] = [];
  const images: DicomImage[] = [];
  for (const h of s.instances) {
    try {
      images.push(await readDicomFile(h.source));
    } catch (e) {
      rows.push({ input: rel(h.source), output: [], status: 'failed', reason: reasonOf(h.source, e), series: s.seriesInstanceUid });
    }
  }
  if (images.length === 0) return rows;
  const stdUid = derivedSeriesUid(s.instances, { ...derivedOpts, role: 'std' });
  let out: { mean: Float32Array[]; std?: Float32Array[]; psnr?: number[]; ssim?: number[] };
  try {
    out = await reconstructSeries(images, s, c);
    const written = await writeDerivedSeries(c.outDir, images, out.mean, {
      ...derivedOpts,
      seriesInstanceUid: seriesUid,
      derivationDescription: derivationText(task, 'reconstruction'),
    });
    const stdWritten = out.std
      ? await writeDerivedSeries(c.outDir, images, out.std, { ...derivedOpts, role: 'std', seriesInstanceUid: stdUid, derivationDescription: derivationText(task, 'std') })
      : undefined;
    const secs = (performance.now() - t0) / 1000 / images.length;
    images.forEach((im, k) => {
      rows.push({
        input: rel(im.source),
        output: [written.instances[k]!.relativePath, ...(stdWritten ? [stdWritten.instances[k]!.relativePath] : [])],
        status: 'ok',
        reason: im.warnings.join('; '),
        psnr: out.psnr?.[k],
        ssim: out.ssim?.[k],
        seconds: secs,
        series: s.seriesInstanceUid,
      });
    });
  } catch (e) {
    for (const im of images) rows.push({ input: rel(im.source), output: [], status: 'failed', reason: reasonOf(im.source, e), series: s.seriesInstanceUid });
  }
  return rows;
}

/** Identity task: each slice read and written back on its own (possibly on a worker thread). */
async function identitySeries(s: DicomSeries, seriesUid: string, c: SeriesContext, t0: number): Promise<ReportRow[]> {
  const job = (path: string) => ({ path, outDir: c.outDir, seriesInstanceUid: seriesUid, key: c.key, seed: c.task.seed, derivationDescription: derivationText(c.task, 'reconstruction') });
  // Several slices in flight overlap one slice's file I/O with another's decode and encode.
  const results: IdentityResult[] = await mapLimited(s.instances, c.pool.size > 0 ? c.pool.capacity : 8, (h) => c.pool.run(job(h.source)));
  const secs = (performance.now() - t0) / 1000 / s.instances.length;
  return s.instances.map((h, k) => {
    const r = results[k]!;
    const input = relative(c.inDir, h.source);
    return r.ok
      ? { input, output: [r.relativePath], status: 'ok', reason: r.warnings.join('; '), seconds: secs, series: s.seriesInstanceUid }
      : { input, output: [], status: 'failed', reason: r.reason, series: s.seriesInstanceUid };
  });
}

async function reconstructSeries(images: DicomImage[], s: DicomSeries, c: SeriesContext) {
  const recon = c.recon!;
  const { task } = c;
  const win = seriesWindow(images.map((im) => im.pixels), task.window);
  const scale = win.hi - win.lo;
  const [H, W] = recon.size;
  const rows = s.rows;
  const cols = s.columns;
  const rng = new Rng(seriesSeed(task.seed, `${s.seriesInstanceUid}|${s.instances[0]!.sopInstanceUid}`));
  const mean: Float32Array[] = [];
  const std: Float32Array[] = [];
  const psnrs: number[] = [];
  const ssims: number[] = [];
  const per = recon.slicesPerCall;
  for (let start = 0, batch = 0; start < images.length; start += per, batch++) {
    const part = images.slice(start, start + per);
    const b = part.length;
    const norm = new Float32Array(b * rows * cols);
    part.forEach((im, k) => {
      for (let i = 0; i < rows * cols; i++) norm[k * rows * cols + i] = (im.pixels[i]! - win.lo) / scale;
    });
    const x = resizeBilinear(norm, [b, rows, cols, 1], [H, W]);
    const r = await recon.run(x, b, rng.fork(`batch-${batch}`));
    const m = resizeBilinear(concat(r.mean), [b, H, W, 1], [rows, cols]);
    const sd = resizeBilinear(concat(r.std), [b, H, W, 1], [rows, cols]);
    for (let k = 0; k < b; k++) {
      const mk = m.subarray(k * rows * cols, (k + 1) * rows * cols);
      const ref = norm.subarray(k * rows * cols, (k + 1) * rows * cols);
      psnrs.push(psnr({ data: ref, shape: [rows, cols] }, { data: mk, shape: [rows, cols] }, { dataRange: 1 }));
      ssims.push(ssim({ data: ref, shape: [rows, cols] }, { data: mk, shape: [rows, cols] }, { dataRange: 1 }));
      mean.push(Float32Array.from(mk, (v) => v * scale + win.lo));
      std.push(Float32Array.from(sd.subarray(k * rows * cols, (k + 1) * rows * cols), (v) => Math.max(0, v) * scale));
    }
  }
  const wantStd = task.std_series ?? task.samples > 1;
  return { mean, std: wantStd ? std : undefined, psnr: psnrs, ssim: ssims };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
