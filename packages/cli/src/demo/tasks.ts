/**
 * The demo's inverse problems on 64×64 ellipse phantoms (noise-free measurements, as in Song et
 * al. 2022's simulations):
 *   ct-23    parallel-beam Radon, 23 views evenly over [0°, 180°), skimage geometry (circle);
 *            naive baseline FBP (ram-lak); ours: `fbp-consistency` (the projection in residual
 *            form with FBP, see fbpConsistency.ts) or `projection`, λ = settings.ctLambda
 *   mri-4x   single-coil Cartesian k-space, fastMRI random 1-D mask along W, R = 4, 8 % centre
 *   mri-8x   the same at R = 8; naive baseline zero-filled inverse FFT (real part); ours: λ = 1
 * TV: min ½‖Ax − y‖² + λ_TV·TV(x), x ≥ 0 (PDHG), λ_TV per task: the best of a grid on 4 training-seed
 * phantoms, 300 iterations (plugins/prior-ellipses-64/recipe/tune-tv.mjs): CT 0.3 (31.19 dB),
 * MRI 4× 0.005 (28.67 dB), MRI 8× 0.001 (17.83 dB).
 */
import type { DemoSettings } from './settings.js';

export const TASK_IDS = ['ct-23', 'mri-4x', 'mri-8x'] as const;
export type TaskId = (typeof TASK_IDS)[number];
export type GuidanceKind = 'projection' | 'fbp-consistency';

export interface DemoTask {
  id: TaskId;
  title: string;
  operator: string;
  params: Record<string, unknown>;
  /** Name of the naive baseline (the operator's pseudo-inverse). */
  naive: 'FBP' | 'zero-filled';
  /** Measurement guidance and its λ. */
  guidance: GuidanceKind;
  lambda: number;
  tvLambda: number;
  /** PC steps (settings.steps when given, else the task's default). */
  steps: number;
}

/** Default PC steps per task: 8× MRI needs the most (the prior supplies most of the image). */
export const TASK_STEPS: Record<TaskId, number> = { 'ct-23': 50, 'mri-4x': 40, 'mri-8x': 100 };

export function demoTasks(s: DemoSettings): DemoTask[] {
  const mri = (r: number): Record<string, unknown> => ({ mask: 'random', acceleration: r, center_fraction: 0.08, seed: 1 });
  const steps = (id: TaskId) => s.steps ?? TASK_STEPS[id];
  const all: DemoTask[] = [
    { id: 'ct-23', title: 'CT, 23 views', operator: 'radon', params: { angles: 23 }, naive: 'FBP', guidance: s.ctGuidance, lambda: s.ctLambda, tvLambda: 0.3, steps: steps('ct-23') },
    { id: 'mri-4x', title: 'MRI, 4× Cartesian', operator: 'mri', params: mri(4), naive: 'zero-filled', guidance: 'projection', lambda: 1, tvLambda: 0.005, steps: steps('mri-4x') },
    { id: 'mri-8x', title: 'MRI, 8× Cartesian', operator: 'mri', params: mri(8), naive: 'zero-filled', guidance: 'projection', lambda: 1, tvLambda: 0.001, steps: steps('mri-8x') },
  ];
  return all.filter((t) => s.tasks.includes(t.id));
}
