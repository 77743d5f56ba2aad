/**
 * The demo's results table: per task and method, the mean ± standard deviation over phantoms of
 * PSNR (dB) and SSIM (data range 1, skimage conventions: see @scoresde/forward-operators), as
 * markdown (`results.md`) and JSON (`results.json`, with the per-phantom values and settings).
 */
import { writeFileAtomic } from '@scoresde/core';
import { METHODS, type Method, type TaskResult } from './inverse.js';
import type { DemoSettings } from './settings.js';

export interface ShapesSummary {
  perClass: number;
  steps: number;
  scale: number;
  seconds: number;
  file: string;
}

export interface DemoReport {
  settings: DemoSettings;
  backend: string;
  prior: string;
  tasks: {
    id: string;
    title: string;
    operator: string;
    params: Record<string, unknown>;
    guidance: string;
    lambda: number;
    tvLambda: number;
    steps: number;
    grid: string;
    seconds: { baselines: number; sampling: number };
    nfe: number;
    methods: Record<Method, { label: string; psnr: { mean: number; std: number; values: number[] }; ssim: { mean: number; std: number; values: number[] } }>;
    /** PSNR of ours minus the naive baseline and minus TV (mean over phantoms, dB). */
    gain: { naive: number; tv: number };
  }[];
  shapes?: ShapesSummary;
  /** Wall-clock seconds, and CPU seconds of this process (user + system; the machine-load-free cost). */
  seconds: number;
  cpuSeconds: number;
}

function stats(v: number[]): { mean: number; std: number; values: number[] } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const s = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : 0;
  return { mean: m, std: s, values: v };
}

export function methodLabel(m: Method, r: TaskResult): string {
  return m === 'naive' ? r.task.naive : m === 'tv' ? 'TV' : 'ours (posterior mean)';
}

export function taskEntry(r: TaskResult, grid: string): DemoReport['tasks'][number] {
  const methods = {} as DemoReport['tasks'][number]['methods'];
  for (const m of METHODS) methods[m] = { label: methodLabel(m, r), psnr: stats(r.scores[m].psnr), ssim: stats(r.scores[m].ssim) };
  return {
    id: r.task.id,
    title: r.task.title,
    operator: r.task.operator,
    params: r.task.params,
    guidance: r.task.guidance,
    lambda: r.task.lambda,
    tvLambda: r.task.tvLambda,
    steps: r.task.steps,
    grid,
    seconds: r.seconds,
    nfe: r.nfe,
    methods,
    gain: { naive: methods.ours.psnr.mean - methods.naive.psnr.mean, tv: methods.ours.psnr.mean - methods.tv.psnr.mean },
  };
}

export function markdownTable(rep: DemoReport): string {
  const s = rep.settings;
  const lines = [
    `# scoresde demo: ${s.phantoms} held-out ellipse phantoms (64², seed ${s.phantomSeed})`,
    '',
    `Prior \`${rep.prior}\`, backend ${rep.backend}; ours = posterior mean of ${s.samples} samples, PC sampler (reverse diffusion + Langevin, snr ${s.snr}; steps per task below), measurement guidance per task (below). All images clipped to [0, 1]; PSNR / SSIM with data range 1; mean ± sd over phantoms.`,
    '',
    '| task | method | PSNR (dB) | SSIM |',
    '| --- | --- | --- | --- |',
  ];
  for (const t of rep.tasks) {
    for (const m of METHODS) {
      const v = t.methods[m];
      lines.push(`| ${t.title} | ${v.label} | ${v.psnr.mean.toFixed(2)} ± ${v.psnr.std.toFixed(2)} | ${v.ssim.mean.toFixed(3)} ± ${v.ssim.std.toFixed(3)} |`);
    }
  }
  lines.push('', '| task | PC steps | guidance (λ) | TV λ | ours − naive (dB) | ours − TV (dB) | sampling (s) |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const t of rep.tasks) lines.push(`| ${t.title} | ${t.steps} | ${t.guidance} (${t.lambda}) | ${t.tvLambda} | ${t.gain.naive.toFixed(2)} | ${t.gain.tv.toFixed(2)} | ${t.seconds.sampling.toFixed(1)} |`);
  if (rep.shapes) lines.push('', `Class-conditional shapes (\`${rep.shapes.file}\`): one row per class (disk, square, triangle, ring), ${rep.shapes.perClass} samples each, ${rep.shapes.steps} PC steps, classifier scale ${rep.shapes.scale}.`);
  lines.push('', `Total ${rep.seconds.toFixed(1)} s wall clock, ${rep.cpuSeconds.toFixed(1)} s CPU.`, '');
  return lines.join('\n');
}

export async function writeReport(dir: string, rep: DemoReport): Promise<{ md: string; json: string }> {
  const md = markdownTable(rep);
  await writeFileAtomic(`${dir}/results.md`, md);
  await writeFileAtomic(`${dir}/results.json`, `${JSON.stringify(rep, null, 2)}\n`);
  return { md, json: `${dir}/results.json` };
}
