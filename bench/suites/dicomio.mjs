/**
 * DICOM I/O path of `scoresde batch`: the identity task (read, decode, re-encode as a derived
 * series, atomic write, manifest, report) on synthetic 512×512 CT slices (16-bit, 12 bits stored,
 * explicit VR little endian, 8 series × 64 slices) written to a temporary folder, in-process and on
 * 2 worker threads (cpu_s counts every thread of the process). Goal (issue 6):
 * ≥ 200 slices/s on 2 cores. Also times the stages alone on one series: header scan, pixel
 * decode, derived encode (in memory) and atomic writes, to show where the time goes.
 */
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeSlices } from '../lib/ctSlices.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const imp = (p) => import(pathToFileURL(join(root, p)).href);

export async function run(ctx) {
  const ds = await imp('datasets/dist/index.js');
  const { runBatch } = await imp('packages/cli/dist/batch/run.js');
  const { parseTask } = await imp('packages/cli/dist/batch/task.js');
  const base = mkdtempSync(join(tmpdir(), 'scoresde-bench-dicomio-'));
  const rows = [];
  try {
    const inDir = join(base, 'in');
    const total = makeSlices(ds, inDir, { series: 8, slices: 64, size: 512 });
    const task = parseTask({ model: 'identity', seed: 1 }, 'bench');
    let rep = 0;
    for (const workers of ['0', '2']) {
      process.env.SCORESDE_BATCH_WORKERS = workers;
      const t = await ctx.timeBoth(
        async () => {
          const out = join(base, `out${rep++}`);
          await runBatch({ inDir, outDir: out, task, resume: false, progress: false });
          rmSync(out, { recursive: true, force: true });
        },
        { minReps: 2, maxReps: 3 },
      );
      rows.push({
        case: `identity batch, ${total} slices 512², ${workers === '0' ? 'in-process' : `${workers} worker threads`}`,
        wall_s: t.wall,
        cpu_s: t.cpu,
        slices_per_s_wall: total / t.wall,
        slices_per_s_cpu: total / t.cpu,
        goal: '≥ 200 slices/s',
      });
    }
    delete process.env.SCORESDE_BATCH_WORKERS;

    // Stages alone on one series (48 slices).
    const files = Array.from({ length: 48 }, (_, k) => join(inDir, 's0', `${k}.dcm`));
    const s0 = join(base, 's0');
    mkdirSync(s0);
    for (const f of files) writeFileSync(join(s0, f.split('/').pop()), readFileSync(f));
    const scan = await ctx.timeBoth(() => ds.scanDicomFolder(s0));
    let images = [];
    const dec = await ctx.timeBoth(async () => {
      images = await Promise.all(files.map((f) => ds.readDicomFile(f)));
    });
    const enc = await ctx.timeBoth(() => {
      for (const im of images) ds.buildDerivedInstance(im, im.pixels, { seriesInstanceUid: '1.2', sopInstanceUid: '1.3', derivationDescription: 'bench', seriesDescription: 'bench', seriesNumber: 1 });
    });
    let w = 0;
    const write = await ctx.timeBoth(async () => {
      await ds.writeDerivedSeries(join(base, `w${w++}`), images, images.map((im) => im.pixels), { key: `bench${w}`, seed: 1, derivationDescription: 'bench' });
    });
    for (const [stage, r] of [['scan headers', scan], ['read + decode', dec], ['encode derived (memory)', enc], ['encode + atomic write', write]]) {
      rows.push({ case: `stage: ${stage} (48 slices)`, wall_s: r.wall, cpu_s: r.cpu, slices_per_s_wall: 48 / r.wall, slices_per_s_cpu: 48 / r.cpu });
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return rows;
}
