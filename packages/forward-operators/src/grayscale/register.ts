/** The `grayscale` operator (colorization): y = channel mean of an RGB image. */
import { z } from 'zod';
import type { ForwardOperator, OperatorContext, Registry } from '@scoresde/core';
import { noiseFromParams, noiseShape } from '../noise/schema.js';
import { GrayscaleOperator } from './grayscaleOperator.js';

export const grayscaleSchema = z.object({ ...noiseShape });

export function registerGrayscale(operators: Registry<OperatorContext, ForwardOperator>): void {
  operators.add({
    name: 'grayscale',
    description: 'colorization: y = (r + g + b)/3 of an RGB image, with the orthogonal gray/colour decoupling transform',
    schema: grayscaleSchema,
    create: (p, ctx) => new GrayscaleOperator(ctx.inputShape, noiseFromParams(p)),
    docs: [
      'x: H×W×3, y: H×W×1 = channel mean. Aᵀy = (y,y,y)/3, A⁺y = (y,y,y).',
      'Decomposition: T = Q (orthonormal, first row (1,1,1)/√3; Song et al. 2021 App. I), Λ = channel 0, embed(y) = (√3·y, 0, 0).',
    ].join('\n'),
  });
}
