/**
 * Registers the built-in predictors and correctors through the same registry API plugins use.
 * Factories receive the SDE (`ctx.sde`); parameter names are snake_case as the CLI passes them,
 * unknown keys are rejected.
 */
import { z } from 'zod';
import type { Registries } from '../registry/registries.js';
import { eulerMaruyamaPredictor } from '../sampling/predictors/eulerMaruyama.js';
import { reverseDiffusionPredictor } from '../sampling/predictors/reverseDiffusion.js';
import { ancestralPredictor } from '../sampling/predictors/ancestral.js';
import { nonePredictor } from '../sampling/predictors/none.js';
import { langevinCorrector } from '../sampling/correctors/langevin.js';
import { aldCorrector } from '../sampling/correctors/ald.js';
import { noneCorrector } from '../sampling/correctors/none.js';

const noParams = z.strictObject({});
const snr = z.number().positive().default(0.16).describe('target signal-to-noise ratio r (score_sde default 0.16)');
const nSteps = z.number().int().nonnegative().default(1).describe('corrector steps per time step');

export const langevinSchema = z.strictObject({
  snr,
  n_steps: nSteps,
  per_sample: z.boolean().default(false).describe('step size from each sample\'s own norms instead of batch-averaged norms'),
});
export const aldSchema = z.strictObject({ snr, n_steps: nSteps });

export function registerSamplers(registries: Pick<Registries, 'predictors' | 'correctors'>): void {
  registries.predictors.add({
    name: 'euler_maruyama',
    description: 'Euler–Maruyama step of the reverse-time SDE',
    schema: noParams,
    create: () => eulerMaruyamaPredictor(),
  });
  registries.predictors.add({
    name: 'reverse_diffusion',
    description: 'reverse diffusion: x − f + G² s + G z from the SDE discretisation',
    schema: noParams,
    create: () => reverseDiffusionPredictor(),
  });
  registries.predictors.add({
    name: 'ancestral_sampling',
    description: 'ancestral sampling (SMLD for ve, DDPM for vp)',
    schema: noParams,
    create: (_p, ctx) => ancestralPredictor(ctx.sde),
  });
  registries.predictors.add({
    name: 'none',
    description: 'no predictor (corrector-only sampling)',
    schema: noParams,
    create: () => nonePredictor(),
  });
  registries.correctors.add({
    name: 'langevin',
    description: 'Langevin MCMC with step 2a(snr‖z‖/‖s‖)²',
    schema: langevinSchema,
    create: (p) => langevinCorrector({ snr: p.snr, nSteps: p.n_steps, perSample: p.per_sample }),
  });
  registries.correctors.add({
    name: 'ald',
    description: 'annealed Langevin dynamics with step 2a(snr·std(t))²',
    schema: aldSchema,
    create: (p) => aldCorrector({ snr: p.snr, nSteps: p.n_steps }),
  });
  registries.correctors.add({
    name: 'none',
    description: 'no corrector (predictor-only sampling)',
    schema: noParams,
    create: () => noneCorrector(),
  });
}
