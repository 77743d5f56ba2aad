/**
 * `scoresde demo`: held-out ellipse phantoms → CT (23 views) and MRI (4×, 8× Cartesian)
 * reconstructions with the shipped prior beside the classical baselines, PNG grids, a PSNR / SSIM
 * table (printed, results.md, results.json), and a class-conditional grid of the shapes prior.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EllipsesDataset } from '@scoresde/datasets';
import { ScoresdeError, type BackendInfo } from '@scoresde/core';
import type { CliContext } from '../context.js';
import { progressReporter } from '../output.js';
import { runTask } from './inverse.js';
import { writeClassGrid, writeTaskGrid } from './grid.js';
import { ELLIPSES_PRIOR, loadPacks } from './packs.js';
import { taskEntry, writeReport, type DemoReport } from './report.js';
import type { DemoSettings } from './settings.js';
import { sampleClasses } from './shapes.js';
import { demoTasks } from './tasks.js';

export interface DemoRunOptions {
  settings: DemoSettings;
  ctx: CliContext;
  backend: BackendInfo;
  packs: { ellipses?: string; shapes?: string };
  progress: boolean;
  /** One line per finished stage (stderr). */
  log: (line: string) => void;
}

export async function runDemo(o: DemoRunOptions): Promise<{ report: DemoReport; markdown: string }> {
  const s = o.settings;
  const started = Date.now();
  const cpu0 = process.cpuUsage();
  await loadPacks(o.ctx, o.packs, s.shapesPerClass > 0);
  await mkdir(s.out, { recursive: true });
  const { registries, cwd } = o.ctx;
  const model = await registries.scoreModels.create(ELLIPSES_PRIOR, {}, { spec: '', cwd, registries });
  const report: DemoReport = { settings: s, backend: o.backend.active, prior: ELLIPSES_PRIOR, tasks: [], seconds: 0, cpuSeconds: 0 };
  try {
    const [H, W, C] = model.sampleShape as [number, number, number];
    if (C !== 1) throw new ScoresdeError(`demo: the ellipses prior samples [${H}, ${W}, ${C}], expected one channel`);
    const data = new EllipsesDataset({ imageSize: H, seed: s.phantomSeed });
    const truth = data.batch(Int32Array.from({ length: s.phantoms }, (_, i) => i)).x;
    for (const task of demoTasks(s)) {
      const r = await runTask(task, truth, s.phantoms, s, { registries, cwd, model, onStep: progressReporter(`demo ${task.id}`, o.progress) });
      const grid = join(s.out, `${task.id}.png`);
      await writeTaskGrid(grid, r, s.phantoms, H, W);
      const e = taskEntry(r, grid);
      report.tasks.push(e);
      o.log(`demo ${task.id}: ${task.naive} ${e.methods.naive.psnr.mean.toFixed(2)} dB, TV ${e.methods.tv.psnr.mean.toFixed(2)} dB, ours ${e.methods.ours.psnr.mean.toFixed(2)} dB (sampling ${r.seconds.sampling.toFixed(1)} s)`);
    }
  } finally {
    model.dispose?.();
  }
  if (s.shapesPerClass > 0) {
    const t0 = Date.now();
    const cs = await sampleClasses(registries, cwd, s.shapesPerClass, s.shapeSteps, s.classScale, s.snr, s.seed, progressReporter('demo shapes', o.progress));
    const file = join(s.out, 'shapes-classes.png');
    await writeClassGrid(file, cs.samples, cs.classes, cs.n, cs.H, cs.W);
    report.shapes = { perClass: cs.n, steps: s.shapeSteps, scale: s.classScale, seconds: (Date.now() - t0) / 1000, file };
    o.log(`demo shapes: ${cs.classes} classes × ${cs.n} samples in ${report.shapes.seconds.toFixed(1)} s`);
  }
  report.seconds = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  report.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const { md } = await writeReport(s.out, report);
  return { report, markdown: md };
}
