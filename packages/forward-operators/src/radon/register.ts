/**
 * The `radon` operator (CT, parallel or fan beam). Angles: `angles` evenly spaced over [0°, 180°)
 * (or over [angle_start, angle_end) for limited-angle CT), or an explicit `angle_list`.
 */
import { z } from 'zod';
import { ScoresdeError, type ForwardOperator, type OperatorContext, type Registry } from '@scoresde/core';
import { noiseFromParams, noiseShape } from '../noise/schema.js';
import { checkImageShape, shapeStr } from '../util/shape.js';
import { BEAMS, anglePeriod, evenAngles } from './geometry.js';
import { FBP_FILTERS } from './fbpFilter.js';
import { RADON_IMPLEMENTATIONS } from './radonOps.js';
import { RadonOperator } from './radonOperator.js';

export const radonSchema = z.object({
  beam: z.enum(BEAMS).default('parallel').describe('parallel, or fan (flat detector, source at source_distance; angles over [0, 360))'),
  source_distance: z.number().positive().optional().describe('fan beam: source to rotation centre in pixels (default 2N)'),
  angles: z.number().int().positive().optional().describe('number of projection angles, evenly spaced over [angle_start, angle_end) (default 180, fan 360)'),
  angle_start: z.number().optional().describe('limited-angle CT: first angle in degrees (default 0; 0 ≤ angle_start < angle_end)'),
  angle_end: z.number().optional().describe('limited-angle CT: end of the angle range in degrees, excluded (default and maximum 180, fan 360)'),
  angle_list: z.array(z.number()).min(1).optional().describe('explicit projection angles in degrees, each in [0, 180) (fan: [0, 360)); not with angles/angle_start/angle_end'),
  detectors: z.number().int().positive().optional().describe('detector bins, 1 pixel apart (default N with circle, else the padded diagonal; fan: covers the image)'),
  circle: z.boolean().default(true).describe('image is zero outside the inscribed circle (skimage circle=True); rays span the N×N square'),
  filter: z.enum(FBP_FILTERS).default('ram-lak').describe('FBP filter for the pseudo-inverse and the decomposition'),
  dense_angles: z.number().int().positive().optional().describe('dense angle grid of the decomposition (default: smallest ≥ 180 containing the measured angles)'),
  implementation: z.enum(RADON_IMPLEMENTATIONS).default('auto').describe('auto: host kernels on cpu/wasm, tfjs ops elsewhere; kernels | ops to force one'),
  ...noiseShape,
});
export type RadonParams = z.infer<typeof radonSchema>;

/** The projection angles (degrees) the parameters describe. */
export function anglesFromParams(p: RadonParams): number[] {
  const limited = p.angle_start !== undefined || p.angle_end !== undefined;
  if (p.angle_list) {
    if (limited) throw new ScoresdeError('radon: give either angle_list or angle_start/angle_end, not both');
    if (p.angles !== undefined) throw new ScoresdeError('radon: give either angle_list or angles (a count), not both');
    return p.angle_list;
  }
  const period = anglePeriod(p.beam);
  return evenAngles(p.angles ?? period, p.angle_start ?? 0, p.angle_end ?? period, period);
}

export function createRadon(p: RadonParams, inputShape: number[]): RadonOperator {
  const [h, w, c] = checkImageShape(inputShape, 'radon');
  if (h !== w || c !== 1) throw new ScoresdeError(`radon: image must be square with one channel (N×N×1), got ${shapeStr(inputShape)}`);
  return new RadonOperator({
    size: h,
    anglesDeg: anglesFromParams(p),
    detectors: p.detectors,
    circle: p.circle,
    beam: p.beam,
    sourceDistance: p.source_distance,
    filter: p.filter,
    denseAngles: p.dense_angles,
    implementation: p.implementation,
    noise: noiseFromParams(p),
  });
}

export function registerRadon(operators: Registry<OperatorContext, ForwardOperator>): void {
  operators.add({
    name: 'radon',
    description: 'CT: 2-D parallel- or fan-beam projection (sparse-view, limited-angle), exact back-projection adjoint, FBP',
    schema: radonSchema,
    create: (p, ctx) => createRadon(p, ctx.inputShape),
    docs: [
      'x: N×N×1, y: angles×detectors×1 (skimage radon(x, theta, circle).T with circle and N detectors).',
      'Geometry: pixel centres at integer (row, col), rotation centre (⌊N/2⌋, ⌊N/2⌋), detector spacing 1 pixel,',
      'bin d at offset d − ⌊D/2⌋; at 0° rays run down the columns; ray samples 1 pixel apart, bilinear.',
      'Aᵀ = exact transpose (back-projection). A⁺ = FBP (filter=ram-lak|shepp-logan|cosine|hann|hamming), scaled like iradon.',
      'Decomposition: T = radon on dense_angles evenly spaced angles, Λ = measured rows, T⁻¹ = FBP (needs the angles on that grid).',
      'beam=fan: flat detector (bins 1 pixel apart at the rotation centre), source at source_distance (default 2N), angles over [0°, 360°);',
      'fan FBP: cosine pre-weighting, same filters, 1/U² back-projection weights; full 360° scans, or Parker weights for short scans ≥ 180° + 2γ_m.',
      'noise: gaussian (noise_sigma) or poisson (noise_i0 photons, post-log).',
    ].join('\n'),
  });
}
