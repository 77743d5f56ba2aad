/**
 * `scoresde batch` end to end (the built CLI in a child process): identity task over the DICOM
 * fixture study (skip reasons, exit codes, report), path traversal through tags, kill -9 in the
 * middle + --resume giving byte-identical outputs, and a small reconstruction with an analytic
 * Gaussian prior (projection on a mask: observed pixels come back exactly).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { DicomDataset, encodePart10, readDicomFile } from '@scoresde/datasets';
import { runCli, tempDir, cliPath, repoRoot, expectOneLineError, writeNpyFile } from '../helpers/cli.js';

const STUDY = join(repoRoot, 'datasets/test/fixtures/dicom/study');

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out.sort();
}
const dcmFiles = (dir: string) => files(dir).filter((f) => !/report\.(json|csv)$|manifest\.json$/.test(f));

function task(dir: string, t: object): string {
  const p = join(dir, `task-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(p, JSON.stringify(t));
  return p;
}

/** A clean input folder: the image series of the fixture study without the bad files. */
function cleanInput(dir: string): string {
  const inDir = join(dir, 'in');
  for (const s of ['a', 'scout', 'noipp']) cpSync(join(STUDY, s), join(inDir, s), { recursive: true });
  return inDir;
}

describe('scoresde batch (identity task)', () => {
  it('writes every image back as a derived series, reports skip reasons, exits 1 because one file is truncated', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const r = await runCli(['batch', '--in', STUDY, '--out', out, '--task', task(dir, { model: 'identity', seed: 3 }), '--json']);
    expect(r.code, r.stderr).toBe(1);
    const j = JSON.parse(r.stdout) as { ok: number; skipped: number; failed: number; series: number; rows: Array<{ input: string; status: string; reason: string; output: string[] }> };
    expect([j.ok, j.skipped, j.failed, j.series]).toEqual([10, 7, 1, 4]);
    const byInput = new Map(j.rows.map((row) => [row.input, row]));
    expect(byInput.get('other/truncated.dcm')).toMatchObject({ status: 'failed' });
    expect(byInput.get('other/truncated.dcm')!.reason).toMatch(/truncated/);
    expect(byInput.get('other/report_sr.dcm')!.reason).toMatch(/^not-image: Structured Report/);
    expect(byInput.get('other/ct_nopixels.dcm')!.reason).toMatch(/no Pixel Data/);
    expect(byInput.get('other/DICOMDIR')!.reason).toMatch(/DICOMDIR/);
    expect(byInput.get('other/notes.txt')!.reason).toMatch(/^not-dicom/);
    expect(byInput.get('other/empty.dcm')!.reason).toMatch(/empty file/);
    // Progress on stderr: series and slices.
    expect(r.stderr).toMatch(/batch: series 4\/4 .* slices 10\/10/);
    // The CSV has the same rows.
    const csv = readFileSync(join(out, 'report.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('input,output,status,reason,psnr,ssim,seconds,series');
    expect(csv).toHaveLength(1 + 18);
    // Each output decodes to exactly the input's modality values and references its source.
    for (const row of j.rows.filter((x) => x.status === 'ok')) {
      const src = await readDicomFile(join(STUDY, row.input));
      const d = await readDicomFile(join(out, row.output[0]!));
      expect(Array.from(d.pixels)).toEqual(Array.from(src.pixels));
      expect(d.dataSet.elements['x00082112']!.items![0]!.dataSet!.string('x00081155')).toBe(src.sopInstanceUid);
      expect(d.dataSet.string('x00082111')).toMatch(/identity task.*seed=3/);
      expect(d.dataSet.string('x00080008')!.startsWith('DERIVED\\SECONDARY')).toBe(true);
    }
    expect(dcmFiles(out)).toHaveLength(10);
  });

  it('exits 0 when everything succeeded; bad task files give one-line errors', async () => {
    const dir = tempDir();
    const r = await runCli(['batch', '--in', cleanInput(dir), '--out', join(dir, 'out'), '--task', task(dir, { model: 'identity' }), '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/10 written, 0 skipped, 0 failed in 4 series/);
    expect(expectOneLineError(await runCli(['batch', '--in', STUDY, '--out', join(dir, 'o2'), '--task', task(dir, { model: 'identity', stepz: 3 })]))).toMatch(/stepz/);
    expect(expectOneLineError(await runCli(['batch', '--in', STUDY, '--out', join(dir, 'o3'), '--task', task(dir, { model: 'm', operator: 'mask', simulate: false })]))).toMatch(/simulate: false/);
    expect(expectOneLineError(await runCli(['batch', '--in', STUDY, '--out', join(dir, 'o4'), '--task', join(dir, 'missing.json')]))).toMatch(/cannot read JSON/);
    expect(expectOneLineError(await runCli(['batch', '--in', STUDY, '--out', join(STUDY, 'x'), '--task', task(dir, { model: 'identity' })]))).toMatch(/must not be inside --in/);
  });

  it('takes output paths only from UIDs: traversal through PatientName / SeriesDescription / StudyInstanceUID writes nothing outside --out', async () => {
    const dir = tempDir();
    const inDir = join(dir, 'in');
    mkdirSync(inDir);
    const make = (name: string, studyUid: string, sop: string) => {
      const ds = new DicomDataset()
        .setString(0x00080008, 'CS', 'ORIGINAL\\PRIMARY\\AXIAL')
        .setString(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.7')
        .setString(0x00080018, 'UI', sop)
        .setString(0x00080060, 'CS', 'OT')
        .setString(0x0008103e, 'LO', '../../../../escape-series')
        .setString(0x00100010, 'PN', '../../../../escape^patient')
        .setString(0x00100020, 'LO', '/tmp/escape-id')
        .setString(0x0020000d, 'UI', studyUid)
        .setString(0x0020000e, 'UI', `${sop}.9`)
        .setUint16(0x00280002, 1)
        .setString(0x00280004, 'CS', 'MONOCHROME2')
        .setUint16(0x00280010, 2)
        .setUint16(0x00280011, 2)
        .setUint16(0x00280100, 16)
        .setUint16(0x00280101, 16)
        .setUint16(0x00280102, 15)
        .setUint16(0x00280103, 0)
        .set(0x7fe00010, { vr: 'OW', bytes: new Uint8Array(Uint16Array.from([1, 2, 3, 4]).buffer) });
      writeFileSync(join(inDir, name), encodePart10(ds, { sopClassUid: '1.2.840.10008.5.1.4.1.1.7', sopInstanceUid: sop, implementationClassUid: '1.2', implementationVersionName: 'T' }));
    };
    make('good.dcm', '1.2.3', '1.2.3.4');
    make('evil-study.dcm', '../../../../escape', '1.2.3.5');
    make('evil-study2.dcm', '1.2/../../escape', '1.2.3.6');
    const out = join(dir, 'sub', 'out');
    const r = await runCli(['batch', '--in', inDir, '--out', out, '--task', task(dir, { model: 'identity' }), '--json']);
    expect(r.code).toBe(1);
    const rows = (JSON.parse(r.stdout) as { rows: Array<{ input: string; status: string; reason: string }> }).rows;
    expect(rows.find((x) => x.input === 'good.dcm')!.status).toBe('ok');
    for (const bad of ['evil-study.dcm', 'evil-study2.dcm']) {
      const row = rows.find((x) => x.input === bad)!;
      expect(row.status).toBe('failed');
      expect(row.reason).toMatch(/StudyInstanceUID .* is not a valid UID/);
    }
    const everything = files(dir).map((f) => relative(dir, f));
    const outside = everything.filter((f) => !f.startsWith('sub/out/') && !f.startsWith('in/') && !f.startsWith('task-'));
    expect(outside).toEqual([]);
    const written = dcmFiles(out);
    expect(written).toHaveLength(1);
    expect(relative(out, written[0]!)).toMatch(/^1\.2\.3\/2\.25\.\d+\/2\.25\.\d+\.dcm$/);
    expect((await readDicomFile(written[0]!)).patientName).toBe('../../../../escape^patient');
  });

  it('kill -9 in the middle, then --resume: outputs byte-identical to an uninterrupted run (and to worker threads)', async () => {
    const dir = tempDir();
    const inDir = cleanInput(dir);
    const t = task(dir, { model: 'identity', seed: 11 });
    const full = join(dir, 'full');
    expect((await runCli(['batch', '--in', inDir, '--out', full, '--task', t, '--quiet'])).code).toBe(0);

    const out = join(dir, 'killed');
    const child = spawn(process.execPath, [cliPath, 'batch', '--in', inDir, '--out', out, '--task', t], {
      env: { ...process.env, SCORESDE_BATCH_THROTTLE_MS: '3000' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    // Kill as soon as the manifest lists a finished series (the first series is done, the rest not).
    const manifest = join(out, 'manifest.json');
    const t0 = Date.now();
    while (!(existsSync(manifest) && Object.keys((JSON.parse(readFileSync(manifest, 'utf8')) as { series: object }).series).length >= 1)) {
      if (Date.now() - t0 > 60_000) throw new Error('batch did not finish a series in 60 s');
      await new Promise((res) => setTimeout(res, 20));
    }
    child.kill('SIGKILL');
    await exited;
    const partial = dcmFiles(out).length;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(10);

    // A killed writer may leave temporary files in unfinished series folders: resume removes them.
    const done = new Set(
      Object.values((JSON.parse(readFileSync(manifest, 'utf8')) as { series: Record<string, { rows: Array<{ output: string[] }> }> }).series)
        .flatMap((e) => e.rows.flatMap((row) => row.output.map((o) => join(out, o, '..')))),
    );
    const unfinished = [...new Set(dcmFiles(full).map((f) => join(out, relative(full, f), '..')))].filter((d) => !done.has(d));
    expect(unfinished.length).toBeGreaterThan(0);
    for (const d of unfinished) {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, '.2.25.1.dcm.999.abcd.tmp'), 'partial');
    }
    const r = await runCli(['batch', '--in', inDir, '--out', out, '--task', t, '--resume', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { resumedSeries: number; ok: number };
    expect(j.resumedSeries).toBeGreaterThanOrEqual(1);
    expect(j.ok).toBe(10);
    const a = dcmFiles(full).map((f) => relative(full, f));
    const b = dcmFiles(out).map((f) => relative(out, f));
    expect(b).toEqual(a);
    for (const f of a) expect(Buffer.compare(readFileSync(join(full, f)), readFileSync(join(out, f))), f).toBe(0);
    expect(files(out).some((f) => f.endsWith('.tmp'))).toBe(false);

    // Worker threads write the same bytes as the in-process path.
    const workers = join(dir, 'workers');
    const rw = await runCli(['batch', '--in', inDir, '--out', workers, '--task', t, '--quiet'], { env: { SCORESDE_BATCH_WORKERS: '2' } });
    expect(rw.code, rw.stderr).toBe(0);
    expect(dcmFiles(workers).map((f) => relative(workers, f))).toEqual(a);
    for (const f of a) expect(Buffer.compare(readFileSync(join(full, f)), readFileSync(join(workers, f))), f).toBe(0);

    // A different task into the same folder is refused with --resume.
    const other = task(dir, { model: 'identity', seed: 12 });
    expect(expectOneLineError(await runCli(['batch', '--in', inDir, '--out', out, '--task', other, '--resume']))).toMatch(/task differs/);
  });
});

describe('scoresde batch (reconstruction with an analytic prior)', () => {
  it('mask + projection: observed pixels are reproduced, PSNR/SSIM reported, a std series written, reruns identical', async () => {
    const dir = tempDir();
    const inDir = join(dir, 'in');
    cpSync(join(STUDY, 'a'), join(inDir, 'a'), { recursive: true });
    // Independent N(0.5, 0.1²) prior on 16×16 images in the normalised range.
    const d = 256;
    writeNpyFile(join(dir, 'mean.npy'), new Array(d).fill(0.5), [16, 16, 1]);
    const cov = new Array(d * d).fill(0);
    for (let i = 0; i < d; i++) cov[i * d + i] = 0.01;
    writeNpyFile(join(dir, 'cov.npy'), cov, [d, d]);
    const t = task(dir, {
      operator: 'mask', set: { box: [0, 0, 8, 16] }, model: `gaussian:${join(dir, 'mean.npy')},${join(dir, 'cov.npy')}`,
      sde: 've', sde_set: { sigma_max: 5 }, guidance: 'projection', sampler: 'pc', steps: 20, seed: 5, samples: 2, batch_size: 3,
    });
    const out = join(dir, 'out');
    const r = await runCli(['batch', '--in', inDir, '--out', out, '--task', t, '--backend', 'cpu', '--json', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { rows: Array<{ input: string; output: string[]; psnr: number; ssim: number }> };
    expect(j.rows).toHaveLength(4);
    for (const row of j.rows) {
      expect(row.output).toHaveLength(2);
      expect(Number.isFinite(row.psnr) && row.psnr > 5).toBe(true);
      expect(row.ssim).toBeGreaterThan(-1);
      const src = await readDicomFile(join(inDir, row.input));
      const mean = await readDicomFile(join(out, row.output[0]!));
      const std = await readDicomFile(join(out, row.output[1]!));
      expect(mean.dataSet.string('x00082111')).toMatch(/operator=mask .*model=gaussian:.*guidance=projection.*sampler=pc.*steps=20, seed=5/);
      expect(std.seriesDescription).toMatch(/std/);
      // box x=0, w=8 hides columns 0..7; the rest is observed and reproduced up to quantisation.
      let maxObserved = 0;
      for (let y = 0; y < 16; y++) for (let x = 8; x < 16; x++) maxObserved = Math.max(maxObserved, Math.abs(mean.pixels[y * 16 + x]! - src.pixels[y * 16 + x]!));
      expect(maxObserved).toBeLessThanOrEqual(mean.rescaleSlope);
      for (let y = 0; y < 16; y++) expect(std.pixels[y * 16 + 12]!).toBeLessThanOrEqual(std.rescaleSlope);
      expect(Math.max(...Array.from({ length: 16 }, (_, y) => std.pixels[y * 16 + 3]!))).toBeGreaterThan(0);
    }
    // A model of another size: resampled to 8×8 and back (16×16 output), or refused.
    writeNpyFile(join(dir, 'mean8.npy'), new Array(64).fill(0.5), [8, 8, 1]);
    const cov8 = new Array(64 * 64).fill(0);
    for (let i = 0; i < 64; i++) cov8[i * 64 + i] = 0.01;
    writeNpyFile(join(dir, 'cov8.npy'), cov8, [64, 64]);
    const small = { operator: 'mask', set: { box: [0, 0, 4, 8] }, model: `gaussian:${join(dir, 'mean8.npy')},${join(dir, 'cov8.npy')}`, sde: 've', steps: 5, seed: 1 };
    const rs = await runCli(['batch', '--in', inDir, '--out', join(dir, 'o8'), '--task', task(dir, small), '--backend', 'cpu', '--json', '--quiet']);
    expect(rs.code, rs.stderr).toBe(0);
    const row8 = (JSON.parse(rs.stdout) as { rows: Array<{ output: string[] }> }).rows[0]!;
    expect(row8.output).toHaveLength(1);
    const img8 = await readDicomFile(join(dir, 'o8', row8.output[0]!));
    expect([img8.rows, img8.columns]).toEqual([16, 16]);
    const rr = await runCli(['batch', '--in', inDir, '--out', join(dir, 'o8r'), '--task', task(dir, { ...small, size_mismatch: 'refuse' }), '--backend', 'cpu', '--json', '--quiet']);
    const refused = JSON.parse(rr.stdout) as { skipped: number; rows: Array<{ status: string; reason: string }> };
    expect(refused.skipped).toBe(4);
    expect(refused.rows[0]!.reason).toMatch(/matrix 16×16 differs from the model's 8×8/);

    const out2 = join(dir, 'out2');
    expect((await runCli(['batch', '--in', inDir, '--out', out2, '--task', t, '--backend', 'cpu', '--quiet'])).code).toBe(0);
    for (const f of dcmFiles(out)) expect(Buffer.compare(readFileSync(f), readFileSync(join(out2, relative(out, f))))).toBe(0);
  });
});
