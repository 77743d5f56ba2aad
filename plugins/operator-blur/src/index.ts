/**
 * @scoresde/plugin-operator-blur — an example third-party operator plugin. It registers the
 * operator `blur` (Gaussian deblurring) through the public plugin API only, and builds every
 * tensor with `api.tf` so it shares the host's engine and backend.
 *
 *   scoresde forward --plugin ./plugins/operator-blur --operator blur --set sigma=2 --in x.npy --out y.npy
 */
import { z } from 'zod';
import { definePlugin, PLUGIN_API_VERSION, ScoresdeError } from '@scoresde/core';
import { BlurOperator } from './blurOperator.js';
import { defaultKernelSize } from './kernel.js';
import { makeNoise } from './noise.js';

export { BlurOperator, type Boundary, type BlurOptions } from './blurOperator.js';
export { gaussianKernel2d, defaultKernelSize } from './kernel.js';

export const blurSchema = z.object({
  sigma: z.number().positive().default(1.5).describe('standard deviation of the Gaussian kernel, in pixels'),
  size: z.number().int().positive().optional().describe('kernel size (odd); default 2·ceil(3·sigma) + 1'),
  boundary: z.enum(['zero', 'replicate']).default('zero').describe('how the image continues past its border'),
  noise: z.enum(['none', 'gaussian']).default('none').describe('measurement noise'),
  noise_sigma: z.number().min(0).default(0).describe('standard deviation of Gaussian measurement noise'),
});

export default definePlugin({
  name: 'operator-blur',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'Gaussian deblurring operator (exact adjoint; zero or replicate boundary)',
  register(api) {
    api.operators.add({
      name: 'blur',
      description: 'Gaussian blur y = h ∗ x per channel (deblurring), exact adjoint, zero or replicate boundary',
      schema: blurSchema,
      create(p, ctx) {
        const size = p.size ?? defaultKernelSize(p.sigma);
        if (size % 2 === 0) throw new ScoresdeError(`blur: size must be odd, got ${size}`);
        if (p.noise === 'gaussian' && !(p.noise_sigma > 0)) throw new ScoresdeError(`blur: noise 'gaussian' needs noise_sigma > 0`);
        return new BlurOperator(api.tf, ctx.inputShape, { sigma: p.sigma, size, boundary: p.boundary, noise: makeNoise(api.tf, p.noise === 'gaussian' ? p.noise_sigma : 0) });
      },
      docs: [
        'y = h ∗ x, h[a,b] ∝ exp(−(a²+b²)/(2σ²)) on a size×size grid, normalised to sum 1, per channel.',
        "boundary 'zero': zeros outside the image; 'replicate': the edge pixel repeats. Aᵀ is exact in both (correlation with h, then crop or fold).",
      ].join('\n'),
    });
  },
});
