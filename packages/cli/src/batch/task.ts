/**
 * The batch task file (JSON, snake_case keys named like the CLI flags):
 *   {"operator": "mri", "set": {"acceleration": 4, "center_fraction": 0.08, "seed": 1},
 *    "simulate": true, "model": "prior-ellipses-64", "guidance": "projection",
 *    "guidance_set": {"lambda": 1}, "sampler": "pc", "steps": 500, "seed": 1, "samples": 4,
 *    "batch_size": 8}
 * `"model": "identity"` or `"task": "identity"` writes every input image back unchanged as a
 * derived series (the I/O path alone; no operator or model is loaded).
 *
 * The task key (SHA-256 of the normalised task, keys sorted) enters every derived UID and the
 * resume manifest: a changed task never reuses earlier outputs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ScoresdeError } from '@scoresde/core';

const params = z.record(z.string(), z.unknown());

export const taskSchema = z
  .object({
    task: z.enum(['reconstruct', 'identity']).optional(),
    operator: z.string().min(1).optional(),
    set: params.default({}),
    simulate: z.boolean().default(true),
    model: z.string().min(1),
    sde: z.string().optional(),
    sde_set: params.default({}),
    guidance: z.string().min(1).optional(),
    guidance_set: params.default({}),
    sampler: z.enum(['pc', 'ode']).default('pc'),
    predictor: z.string().default('reverse_diffusion'),
    corrector: z.string().default('langevin'),
    snr: z.number().nonnegative().optional(),
    corrector_steps: z.number().int().nonnegative().optional(),
    steps: z.number().int().positive().optional(),
    eps: z.number().positive().optional(),
    denoise: z.boolean().default(true),
    seed: z.number().int().default(0),
    samples: z.number().int().positive().default(1),
    /** Slices sampled together (each with `samples` posterior samples). */
    batch_size: z.number().int().positive().default(4),
    /** Also write the per-pixel posterior standard deviation series (default: samples > 1). */
    std_series: z.boolean().optional(),
    /** Images whose matrix differs from the model's: 'resample' (bilinear, default) or 'refuse'. */
    size_mismatch: z.enum(['resample', 'refuse']).default('resample'),
    /** Robust window percentiles for intensity normalisation (per series). */
    window: z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)]).default([0.005, 0.995]),
  })
  .strict();

export type BatchTask = z.infer<typeof taskSchema> & { kind: 'reconstruct' | 'identity' };

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  }
  return v;
}

export function parseTask(raw: unknown, file: string): BatchTask {
  const r = taskSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    const where = i.path.length > 0 ? i.path.join('.') : '(top level)';
    throw new ScoresdeError(`--task ${file}: ${where}: ${i.message}`);
  }
  const t = r.data;
  const kind = t.task ?? (t.model === 'identity' ? 'identity' : 'reconstruct');
  if (kind === 'reconstruct') {
    if (t.model === 'identity') throw new ScoresdeError(`--task ${file}: "task": "reconstruct" needs a real model, not "identity"`);
    if (!t.operator) throw new ScoresdeError(`--task ${file}: operator: required for a reconstruction task`);
    if (!t.simulate) {
      throw new ScoresdeError(`--task ${file}: simulate: false is not supported: DICOM inputs hold images, so batch simulates the measurement from each image`);
    }
    if (t.window[0] >= t.window[1]) throw new ScoresdeError(`--task ${file}: window: low percentile must be below high`);
  }
  return { ...t, kind };
}

export function readTask(file: string): BatchTask {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new ScoresdeError(`--task ${file}: cannot read JSON (${why})`);
  }
  return parseTask(raw, file);
}

/** SHA-256 (hex) of the normalised task: what makes outputs what they are. */
export function taskKey(t: BatchTask): string {
  return createHash('sha256').update(JSON.stringify(canonical(t))).digest('hex');
}

const kv = (o: Record<string, unknown>) => {
  const e = Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
  return e.length > 0 ? ` (${e.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')})` : '';
};

/** DerivationDescription text: operator, model, guidance, sampler, steps and seed. */
export function derivationText(t: BatchTask, role: 'reconstruction' | 'std'): string {
  if (t.kind === 'identity') return `scoresde batch identity task: input pixels written back unchanged (no operator, model=identity, guidance=none, sampler=none, steps=0, seed=${t.seed})`;
  const what = role === 'std' ? `per-pixel posterior standard deviation of ${t.samples} samples` : t.samples > 1 ? `posterior mean of ${t.samples} samples` : 'posterior sample';
  return (
    `scoresde batch reconstruction (${what}): operator=${t.operator}${kv(t.set)} simulated from the source image, ` +
    `model=${t.model}${t.sde ? `, sde=${t.sde}${kv(t.sde_set)}` : ''}, guidance=${t.guidance ?? 'default'}${kv(t.guidance_set)}, ` +
    `sampler=${t.sampler}${t.sampler === 'pc' ? ` (${t.predictor} + ${t.corrector})` : ''}, steps=${t.steps ?? 'default'}, seed=${t.seed}, ` +
    `window=${t.window.join('-')} percentiles per series`
  );
}
