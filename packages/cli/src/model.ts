/**
 * Resolving a MODEL argument:
 *   NAME:SPEC   a registered score model with its spec (`gaussian:mean.npy,cov.npy`, `gmm:spec.json`)
 *   DIR         a folder holding weights.safetensors + config.json (score_sde_pytorch layout)
 *   NAME        a registered score model that takes no spec (e.g. a model-pack plugin)
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ScoresdeError, type SDE, type ScoreModel } from '@scoresde/core';
import type { CliContext } from './context.js';

export async function resolveModel(spec: string, ctx: CliContext, sde?: SDE): Promise<ScoreModel> {
  if (!spec) throw new ScoresdeError('--model is required');
  const { scoreModels } = ctx.registries;
  const abs = resolve(ctx.cwd, spec);
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    if (!scoreModels.has('folder')) throw new ScoresdeError(`--model ${spec}: model folders are not supported by this build`);
    return scoreModels.create('folder', {}, { spec: abs, sde, cwd: ctx.cwd, registries: ctx.registries });
  }
  const colon = spec.indexOf(':');
  const name = colon >= 0 ? spec.slice(0, colon) : spec;
  const rest = colon >= 0 ? spec.slice(colon + 1) : '';
  if (!scoreModels.has(name)) {
    const known = scoreModels.names().join(', ');
    throw new ScoresdeError(`--model ${spec}: not a model folder and no score model named '${name}' (known: ${known || 'none'})`);
  }
  return scoreModels.create(name, {}, { spec: rest, sde, cwd: ctx.cwd, registries: ctx.registries });
}
