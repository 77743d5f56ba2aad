/**
 * @scoresde/plugin-prior-ellipses-64 — a model pack: the score prior of 64×64 random-ellipse
 * phantoms (`datasets` ellipses, values in [0, 1], one channel) that the CT and MRI demos use.
 * It registers the score model `prior-ellipses-64` through the public plugin API; the weights
 * (score_sde_pytorch layout: weights.safetensors + config.json, F16 storage) live in the pack's
 * own `weights/` folder, found relative to this file, so the pack works from any working directory.
 *
 *   scoresde reconstruct --plugin ./plugins/prior-ellipses-64 --model prior-ellipses-64 --operator radon --set angles=23 ...
 *
 * The network is NCSN++ (VE SDE, σ_min 0.01, σ_max 40); see recipe/ for how it was trained.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { definePlugin, loadScoreModelFolder, PLUGIN_API_VERSION, ScoresdeError } from '@scoresde/core';

/** Name of the registered score model. */
export const PRIOR_NAME = 'prior-ellipses-64';

/** Absolute path of the pack's model folder (weights.safetensors + config.json). */
export const weightsDir = (): string => fileURLToPath(new URL('../weights', import.meta.url));

export default definePlugin({
  name: 'prior-ellipses-64',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'score prior of 64×64 random-ellipse phantoms (NCSN++, VE SDE) for CT / MRI reconstruction',
  register(api) {
    api.scoreModels.add({
      name: PRIOR_NAME,
      description: 'trained NCSN++ prior of 64×64×1 ellipse phantoms in [0, 1] (VE SDE, σ 0.01…40)',
      schema: z.strictObject({}),
      async create(_p, ctx) {
        if (ctx.spec) throw new ScoresdeError(`score model '${PRIOR_NAME}' takes no spec, got '${PRIOR_NAME}:${ctx.spec}'`);
        return loadScoreModelFolder(weightsDir());
      },
      docs: 'Trained by `scoresde train` from the committed recipe (plugins/prior-ellipses-64/recipe). Its SDE comes from its config (VE, σ_min 0.01, σ_max 40); --sde is ignored.',
    });
  },
});
