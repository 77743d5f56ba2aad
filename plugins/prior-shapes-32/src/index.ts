/**
 * @scoresde/plugin-prior-shapes-32 — a model pack: the score prior of 32×32 labelled shapes
 * (`datasets` shapes: 0 disk, 1 square, 2 triangle, 3 ring; values in [0, 1]) and its
 * noise-conditional classifier q(k | x_t, t), trained on the same SDE, for class-conditional
 * sampling (Song et al. 2021, §5). It registers, through the public plugin API:
 *   score model `prior-shapes-32`   weights/ (weights.safetensors + config.json, F16 storage)
 *   classifier  `prior-shapes-32`   weights/classifier.safetensors (+ classifier.json)
 * Both are found relative to this file, so the pack works from any working directory.
 *
 *   scoresde sample --plugin ./plugins/prior-shapes-32 --model prior-shapes-32 \
 *     --class 2 --classifier prior-shapes-32 --scale 20 --n 8 --steps 500 --out triangles.npy
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { definePlugin, loadScoreModelFolder, PLUGIN_API_VERSION, ScoresdeError } from '@scoresde/core';
import { loadConvClassifier } from '@scoresde/guidance';

/** Name of the registered score model and classifier. */
export const PRIOR_NAME = 'prior-shapes-32';
/** Class names by index. */
export const SHAPES_CLASSES = ['disk', 'square', 'triangle', 'ring'] as const;

/** Absolute path of the pack's model folder (weights.safetensors + config.json). */
export const weightsDir = (): string => fileURLToPath(new URL('../weights', import.meta.url));
/** Absolute path of the classifier checkpoint. */
export const classifierPath = (): string => fileURLToPath(new URL('../weights/classifier.safetensors', import.meta.url));

export default definePlugin({
  name: 'prior-shapes-32',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'score prior of 32×32 shapes (disk, square, triangle, ring; NCSN++, VE SDE) and its noise-conditional classifier',
  register(api) {
    api.scoreModels.add({
      name: PRIOR_NAME,
      description: 'trained NCSN++ prior of 32×32×1 shapes in [0, 1] (VE SDE, σ 0.01…25)',
      schema: z.strictObject({}),
      async create(_p, ctx) {
        if (ctx.spec) throw new ScoresdeError(`score model '${PRIOR_NAME}' takes no spec, got '${PRIOR_NAME}:${ctx.spec}'`);
        return loadScoreModelFolder(weightsDir());
      },
      docs: 'Trained by `scoresde train` from the committed recipe (plugins/prior-shapes-32/recipe). Classes: 0 disk, 1 square, 2 triangle, 3 ring.',
    });
    api.classifiers.add({
      name: PRIOR_NAME,
      description: 'noise-conditional conv classifier of the shapes prior (4 classes: disk, square, triangle, ring)',
      schema: z.strictObject({}),
      async create(_p, ctx) {
        if (ctx.spec) throw new ScoresdeError(`classifier '${PRIOR_NAME}' takes no spec, got '${PRIOR_NAME}:${ctx.spec}'`);
        const c = await loadConvClassifier(classifierPath());
        const a = c.arch.shape;
        const b = ctx.model.sampleShape;
        if (a.length !== b.length || a.some((s, i) => s !== b[i]) || c.sde.name !== ctx.model.sde.name) {
          c.dispose();
          throw new ScoresdeError(`classifier '${PRIOR_NAME}' works on [${a.join(', ')}] samples of a '${c.sde.name}' SDE; the model samples [${b.join(', ')}] with '${ctx.model.sde.name}'`);
        }
        return c;
      },
      docs: 'Use it with the pack\'s own score model: --model prior-shapes-32 --classifier prior-shapes-32 --class K (0 disk, 1 square, 2 triangle, 3 ring).',
    });
  },
});
