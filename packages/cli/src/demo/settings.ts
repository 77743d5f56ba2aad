/**
 * Settings of `scoresde demo`: the full run (what the pack READMEs report) and `--quick` (a smoke
 * run for tests: 2 phantoms, a handful of steps, no claim about quality).
 *
 * Cost model (CPU, wasm, one thread): the PC sampler evaluates the score twice per step
 * (reverse-diffusion predictor + one Langevin corrector step) for all phantoms × samples at once,
 * so a task costs ≈ 2 · steps · phantoms · samples network passes at 64² (≈ 33 ms of CPU each for
 * the ncsnpp-tiny prior, measured). The defaults (8 phantoms × 2 samples; steps per task: CT 50,
 * MRI 4× 40, MRI 8× 100 — 8× is where the prior must supply most of the image; below ~40 steps
 * the PC sampler is too coarse for the VE prior (CT at 30 steps: 9.4 dB) — 6400 passes ≈ 205 s, plus TV and the
 * shapes grid: 4 classes × 6 samples, 100 steps at 32²) keep the demo under 5 minutes;
 * `--steps N` sets every task's steps (cost grows linearly).
 */
import { ScoresdeError } from '@scoresde/core';
import { TASK_IDS, type GuidanceKind, type TaskId } from './tasks.js';

export interface DemoSettings {
  out: string;
  /** Held-out phantoms (rows of the grids). */
  phantoms: number;
  /** Posterior samples per phantom (mean and std are over these). */
  samples: number;
  /** PC steps of every reconstruction (--steps), or undefined for each task's own (tasks.ts). */
  steps: number | undefined;
  /** Langevin corrector signal-to-noise ratio (Song et al. 2022 use 0.16 for CT / MRI). */
  snr: number;
  /** Seed of the held-out phantoms (the packs were trained on ellipses seed 0). */
  phantomSeed: number;
  /** Sampler seed. */
  seed: number;
  /** PDHG iterations of the TV baseline. */
  tvIters: number;
  /** Tasks to run (default all). */
  tasks: TaskId[];
  /** Measurement guidance of the CT task and its λ (MRI: projection, λ = 1). */
  ctGuidance: GuidanceKind;
  ctLambda: number;
  /** Shapes grid: samples per class and PC steps (0 samples: skip the shapes grid). */
  shapesPerClass: number;
  shapeSteps: number;
  /** Classifier guidance scale of the shapes grid. */
  classScale: number;
  quick: boolean;
}

export interface DemoFlags {
  out?: string;
  phantoms?: number;
  samples?: number;
  steps?: number;
  snr?: number;
  phantomSeed?: number;
  seed: number;
  tvIters?: number;
  ctLambda?: number;
  ctGuidance?: string;
  tasks?: string;
  shapesPerClass?: number;
  shapeSteps?: number;
  classScale?: number;
  quick: boolean;
}

export const FULL = { phantoms: 8, samples: 2, tvIters: 300, shapesPerClass: 6, shapeSteps: 100 } as const;
export const QUICK = { phantoms: 2, samples: 2, steps: 3, tvIters: 10, shapesPerClass: 1, shapeSteps: 3 } as const;

export function resolveSettings(f: DemoFlags): DemoSettings {
  const base = f.quick ? QUICK : FULL;
  const s: DemoSettings = {
    out: f.out ?? 'out/demo',
    phantoms: f.phantoms ?? base.phantoms,
    samples: f.samples ?? base.samples,
    steps: f.steps ?? (f.quick ? QUICK.steps : undefined),
    snr: f.snr ?? 0.16,
    phantomSeed: f.phantomSeed ?? 1000,
    seed: f.seed,
    tvIters: f.tvIters ?? base.tvIters,
    tasks: parseTasks(f.tasks),
    ctGuidance: parseGuidance(f.ctGuidance),
    ctLambda: f.ctLambda ?? 1,
    shapesPerClass: f.shapesPerClass ?? base.shapesPerClass,
    shapeSteps: f.shapeSteps ?? base.shapeSteps,
    classScale: f.classScale ?? 20,
    quick: f.quick,
  };
  if (s.phantomSeed === 0) throw new ScoresdeError('--phantom-seed 0 is the training seed of the ellipses prior; held-out phantoms need another seed');
  if (s.samples < 1) throw new ScoresdeError(`--samples must be ≥ 1, got ${s.samples}`);
  if (!(s.ctLambda >= 0 && s.ctLambda <= 1)) throw new ScoresdeError(`--ct-lambda must be in [0, 1], got ${s.ctLambda}`);
  return s;
}

function parseTasks(v: string | undefined): TaskId[] {
  if (v === undefined) return [...TASK_IDS];
  const list = v.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  for (const x of list) if (!(TASK_IDS as readonly string[]).includes(x)) throw new ScoresdeError(`--tasks: unknown task '${x}' (choose from ${TASK_IDS.join(', ')})`);
  if (list.length === 0) throw new ScoresdeError(`--tasks: give at least one of ${TASK_IDS.join(', ')}`);
  return list as TaskId[];
}

function parseGuidance(v: string | undefined): GuidanceKind {
  if (v === undefined) return 'fbp-consistency';
  if (v !== 'projection' && v !== 'fbp-consistency') throw new ScoresdeError(`--ct-guidance must be projection or fbp-consistency, got '${v}'`);
  return v;
}
