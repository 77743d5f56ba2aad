/**
 * Example scoresde plugin. It uses only the public plugin API: a new SDE ('linear-ve') and a new
 * predictor ('heun'), each with a zod parameter schema. Load it with
 *   scoresde sample --plugin ./plugins/example-sampler --sde linear-ve --predictor heun ...
 */
import { z } from 'zod';
import type { ScoresdePlugin } from '@scoresde/core';
import { linearVe } from './linearVe.js';
import { heunPredictor } from './heun.js';

const plugin: ScoresdePlugin = {
  name: 'example-sampler',
  version: '0.1.0',
  apiVersion: 1,
  description: 'a linear-schedule VE SDE and a stochastic Heun predictor',
  register(api) {
    api.sdes.add({
      name: 'linear-ve',
      description: 'VE SDE with a linear noise schedule σ(t) = σ_min + t(σ_max − σ_min)',
      schema: z
        .object({
          sigma_min: z.number().positive().default(0.01),
          sigma_max: z.number().positive().default(50),
          N: z.number().int().positive().default(1000),
        })
        .refine((p) => p.sigma_max > p.sigma_min, { message: 'sigma_max must exceed sigma_min' }),
      create: (p) => linearVe(api.tf, p),
    });
    api.predictors.add({
      name: 'heun',
      description: 'stochastic Heun (trapezoidal drift, shared additive noise) for the reverse SDE',
      schema: z.object({}),
      create: () => heunPredictor(api.tf),
    });
  },
};

export default plugin;
