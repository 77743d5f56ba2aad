/**
 * The noise part of every operator's parameter schema. Spread `noiseShape` into an operator's
 * zod object (`z.object({ ...myShape, ...noiseShape })`) and build the model with
 * `noiseFromParams(params)`.
 *   noise       'none' | 'gaussian' | 'poisson'   (default 'none')
 *   noise_sigma Gaussian standard deviation σ (in measurement units; needed for 'gaussian')
 *   noise_i0    incident photons per detector bin I0 for 'poisson' (CT, post-log); default 1e4
 */
import { z } from 'zod';
import { ScoresdeError, type NoiseModel } from '@scoresde/core';
import { NoNoise } from './none.js';
import { GaussianNoise } from './gaussian.js';
import { PoissonNoise } from './poisson.js';

export const NOISE_KINDS = ['none', 'gaussian', 'poisson'] as const;

export const noiseShape = {
  noise: z.enum(NOISE_KINDS).default('none').describe("measurement noise: none, gaussian (noise_sigma) or poisson (CT photon counts, noise_i0)"),
  noise_sigma: z.number().min(0).default(0).describe('standard deviation of Gaussian measurement noise'),
  noise_i0: z.number().positive().default(1e4).describe('incident photon count per detector bin for poisson noise'),
};

export const noiseSchema = z.object(noiseShape);
export type NoiseParams = z.infer<typeof noiseSchema>;

export function noiseFromParams(p: Partial<NoiseParams>): NoiseModel {
  const kind = p.noise ?? 'none';
  switch (kind) {
    case 'none':
      return new NoNoise();
    case 'gaussian': {
      const s = p.noise_sigma ?? 0;
      if (!(s > 0)) throw new ScoresdeError(`noise 'gaussian' needs noise_sigma > 0, got ${s}`);
      return new GaussianNoise(s);
    }
    case 'poisson':
      return new PoissonNoise(p.noise_i0 ?? 1e4);
    default:
      throw new ScoresdeError(`unknown noise '${String(kind)}' (choose from ${NOISE_KINDS.join(', ')})`);
  }
}
