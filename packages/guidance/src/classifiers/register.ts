/**
 * Registers the trainable classifier 'conv': `--classifier conv:CKPT.safetensors` (sidecar
 * CKPT.json). The checkpoint's sample shape and SDE must match the model's.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ScoresdeError, type ClassifierContext, type Classifier, type Registry } from '@scoresde/core';
import { loadConvClassifier } from './checkpoint.js';

export function registerConvClassifier(classifiers: Registry<ClassifierContext, Classifier>): void {
  classifiers.add({
    name: 'conv',
    description: 'trained time-conditioned conv classifier: conv:CKPT.safetensors (from train-classifier)',
    schema: z.strictObject({}),
    create: async (_p, ctx) => {
      if (!ctx.spec) throw new ScoresdeError("classifier 'conv' needs a checkpoint: conv:CKPT.safetensors");
      const path = isAbsolute(ctx.spec) ? ctx.spec : resolve(ctx.cwd, ctx.spec);
      const c = await loadConvClassifier(path);
      const a = c.arch.shape;
      const b = ctx.model.sampleShape;
      if (a.length !== b.length || a.some((s, i) => s !== b[i])) {
        c.dispose();
        throw new ScoresdeError(`classifier ${ctx.spec} was trained on samples [${a.join(', ')}], the model samples [${b.join(', ')}]`);
      }
      if (c.sde.name !== ctx.model.sde.name) {
        const n = c.sde.name;
        c.dispose();
        throw new ScoresdeError(`classifier ${ctx.spec} was trained with SDE '${n}', the model uses '${ctx.model.sde.name}'`);
      }
      return c;
    },
  });
}
