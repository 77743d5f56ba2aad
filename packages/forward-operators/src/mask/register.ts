/**
 * The `mask` operator (inpainting). Pattern: `random` (ratio of observed pixels, seed,
 * per_channel), `box` ([x, y, w, h] missing rectangle), `half` (side missing), `file` (.npy/.png).
 * When `pattern` is omitted it is inferred: file → file, box → box, side → half, else random.
 */
import { z } from 'zod';
import { ScoresdeError, type OperatorContext, type Registry, type ForwardOperator } from '@scoresde/core';
import { isAbsolute, resolve } from 'node:path';
import { noiseFromParams, noiseShape } from '../noise/schema.js';
import { checkImageShape } from '../util/shape.js';
import { MaskOperator, type MaskArray } from './maskOperator.js';
import { boxMask, halfMask, HALF_SIDES, randomMask } from './patterns.js';
import { readMaskFile } from './maskFile.js';

export const maskSchema = z.object({
  pattern: z.enum(['random', 'box', 'half', 'file']).optional().describe('random | box | half | file (inferred from the other keys when omitted)'),
  ratio: z.number().gt(0).max(1).default(0.5).describe('random: fraction of pixels observed (mask = 1)'),
  seed: z.number().int().default(0).describe('random: seed of the mask'),
  per_channel: z.boolean().default(false).describe('random: an independent mask per channel instead of one per pixel'),
  box: z.array(z.number().int()).length(4).optional().describe('box: missing rectangle [x, y, w, h] (x = column, y = row, from top-left)'),
  side: z.enum(HALF_SIDES).optional().describe('half: which half of the image is missing'),
  file: z.string().min(1).optional().describe('file: a 0/1 mask as .npy or .png (relative to the working directory)'),
  ...noiseShape,
});
export type MaskParams = z.infer<typeof maskSchema>;

export async function createMask(p: MaskParams, inputShape: number[], cwd: string): Promise<MaskOperator> {
  const [h, w, c] = checkImageShape(inputShape, 'mask');
  const pattern = p.pattern ?? (p.file ? 'file' : p.box ? 'box' : p.side ? 'half' : 'random');
  let m: MaskArray;
  switch (pattern) {
    case 'random':
      m = randomMask(h, w, p.per_channel ? c : 1, p.ratio, p.seed);
      break;
    case 'box':
      m = boxMask(h, w, p.box ?? [Math.floor(w / 4), Math.floor(h / 4), Math.max(1, Math.floor(w / 2)), Math.max(1, Math.floor(h / 2))]);
      break;
    case 'half':
      m = halfMask(h, w, p.side ?? 'right');
      break;
    case 'file':
      if (!p.file) throw new ScoresdeError("mask: pattern 'file' needs file=PATH (.npy or .png)");
      m = await readMaskFile(isAbsolute(p.file) ? p.file : resolve(cwd, p.file), h, w, c);
      break;
  }
  return new MaskOperator(m, [h, w, c], noiseFromParams(p));
}

export function registerMask(operators: Registry<OperatorContext, ForwardOperator>): void {
  operators.add({
    name: 'mask',
    description: 'inpainting: y = m ⊙ x with a 0/1 mask (random pixels, box, half image, or from .npy/.png)',
    schema: maskSchema,
    create: (p, ctx) => createMask(p, ctx.inputShape, ctx.cwd),
    docs: [
      'y = m ⊙ x; y keeps the image shape (zeros where m = 0). Aᵀ = A⁺ = A.',
      'Decomposition: T = I, Λ = m, embed(y) = m ⊙ y.',
      'pattern random: exactly round(ratio·H·W) observed pixels from seed (per_channel: per channel).',
      'pattern box: box=[x,y,w,h] missing (default: the centred half-size box). pattern half: side=left|right|top|bottom missing (default right).',
      'pattern file: file=PATH (.npy with 0/1 values, shape H×W, H×W×1 or H×W×C; or .png black/white).',
    ].join('\n'),
  });
}
