/**
 * Registers the built-in SDEs 've', 'vp' and 'subvp' through the same registry API plugins use.
 * Parameter names are snake_case as the CLI passes them (`--sde-set sigma_max=20`); unknown keys
 * are rejected so a typo does not silently fall back to a default.
 */
import { z } from 'zod';
import type { Registries } from '../registry/registries.js';
import { VESDE } from '../sde/ve.js';
import { VPSDE } from '../sde/vp.js';
import { SubVPSDE } from '../sde/subvp.js';

const steps = z.number().int().positive().default(1000).describe('default number of discretisation steps');

export const veSchema = z
  .strictObject({
    sigma_min: z.number().positive().default(0.01).describe('σ_min, noise scale at t = 0'),
    sigma_max: z.number().positive().default(50).describe('σ_max, noise scale at t = 1 (prior N(0, σ_max² I))'),
    N: steps,
  })
  .refine((p) => p.sigma_max > p.sigma_min, { message: 'sigma_max must exceed sigma_min' });

export const betaSchema = z
  .strictObject({
    beta_min: z.number().positive().default(0.1).describe('β(0)'),
    beta_max: z.number().positive().default(20).describe('β(1)'),
    N: steps,
  })
  .refine((p) => p.beta_max >= p.beta_min, { message: 'beta_max must be at least beta_min' });

export function registerSdes(registries: Pick<Registries, 'sdes'>): void {
  registries.sdes.add({
    name: 've',
    description: 'variance-exploding SDE, σ(t) = σ_min (σ_max/σ_min)^t (Song et al. 2021)',
    schema: veSchema,
    create: (p) => new VESDE({ sigmaMin: p.sigma_min, sigmaMax: p.sigma_max, N: p.N }),
  });
  registries.sdes.add({
    name: 'vp',
    description: 'variance-preserving SDE, β(t) = β_min + t (β_max − β_min) (continuous DDPM)',
    schema: betaSchema,
    create: (p) => new VPSDE({ betaMin: p.beta_min, betaMax: p.beta_max, N: p.N }),
  });
  registries.sdes.add({
    name: 'subvp',
    description: 'sub-VP SDE: VP drift, diffusion √(β(t)(1 − e^{−2∫β})), variance (1 − alpha²)²',
    schema: betaSchema,
    create: (p) => new SubVPSDE({ betaMin: p.beta_min, betaMax: p.beta_max, N: p.N }),
  });
}
