/**
 * Registers the `mri` operator: parameter schema and factory (masks, coil maps, noise).
 */
import { z } from 'zod';
import { ScoresdeError, type ForwardOperator, type OperatorContext, type Registry } from '@scoresde/core';
import { noiseShape } from '../noise/schema.js';
import { MRI_MASK_KINDS, buildMask, loadMaskFile, type MaskSpec } from './masks/buildMask.js';
import { acsRegionFromMask } from './acsRegion.js';
import { checkAcceleration, checkCenterFraction, type KspaceMask } from './masks/kspaceMask.js';
import { estimateCoilMapsFromFile, espiritMapsFromFile, loadCoilMaps, syntheticCoilMaps, type CoilMaps } from './coilMaps.js';
import { MaskedComplexGaussianNoise } from './maskedNoise.js';
import { MriOperator } from './mriOperator.js';

export const mriSchema = z.object({
  mask: z.enum(MRI_MASK_KINDS).default('random').describe('k-space mask: random | equispaced | equispaced-fraction (1-D lines, fastMRI conventions), gaussian | poisson (2-D variable density), radial, full, file'),
  acceleration: z.number().default(4).describe('acceleration R ≥ 1 (fraction of k-space sampled ≈ 1/R)'),
  center_fraction: z.number().default(0.08).describe('fraction of the central k-space lines always sampled (calibration region)'),
  seed: z.number().int().default(0).describe('mask seed (1-D masks: numpy RandomState(seed) exactly as fastMRI; 2-D masks: the project RNG)'),
  offset: z.number().int().min(0).optional().describe('equispaced masks: first sampled line (default: random from seed)'),
  axis: z.enum(['w', 'h']).default('w').describe("phase-encode axis of 1-D masks: 'w' samples columns, 'h' rows"),
  spokes: z.number().int().positive().optional().describe('radial: number of spokes (default: enough for the acceleration)'),
  golden: z.boolean().default(false).describe('radial: golden-angle spoke ordering instead of uniform angles'),
  vd_sigma: z.number().positive().default(0.3).describe('gaussian mask: density width in normalised k-space radius'),
  vd_strength: z.number().min(0).default(2).describe('poisson mask: variable-density strength (radius grows as 1 + vd·ρ)'),
  mask_file: z.string().optional().describe('.npy mask ([H,W] or 1-D line mask, 0/1); implies mask=file'),
  coils: z.number().int().min(1).default(1).describe('multi-coil with synthetic coil maps when > 1 and no coil_maps/calibration'),
  coil_maps: z.string().optional().describe('.npy coil sensitivities [coils, H, W, 2] (re, im)'),
  calibration: z.string().optional().describe('.npy multi-coil k-space [coils, H, W, 2] whose central calibration region estimates the coil maps'),
  coil_estimate: z.enum(['acs', 'espirit']).default('acs').describe("map estimate from `calibration`: 'acs' (low-res coil images / RSS) or 'espirit' (use a complex [H,W,2] image with it)"),
  espirit_kernel: z.number().int().min(2).default(6).describe('ESPIRiT kernel width'),
  espirit_calib: z.number().int().min(2).default(24).describe('ESPIRiT central calibration width (clipped to the ACS region)'),
  espirit_thresh: z.number().positive().default(0.02).describe('ESPIRiT singular-value threshold (relative)'),
  espirit_crop: z.number().min(0).default(0.95).describe('ESPIRiT eigenvalue threshold below which maps are zeroed'),
  fft: z.enum(['auto', 'kernel', 'matmul']).default('auto').describe('FFT implementation: host kernel (cpu, wasm) or DFT-as-matmul'),
  ...noiseShape,
});
export type MriParams = z.infer<typeof mriSchema>;

export async function createMri(p: MriParams, ctx: OperatorContext): Promise<MriOperator> {
  if (ctx.inputShape.length !== 3) {
    throw new ScoresdeError(`mri: input shape must be [H, W, C], got [${ctx.inputShape.join(', ')}]`);
  }
  const [h, w, ch] = ctx.inputShape as [number, number, number];
  if (ch !== 1 && ch !== 2) throw new ScoresdeError(`mri: input must have 1 (real) or 2 (re, im) channels, got ${ch}`);
  checkAcceleration(p.acceleration);
  checkCenterFraction(p.center_fraction);
  if (p.noise === 'poisson') throw new ScoresdeError("mri: noise 'poisson' is not meaningful for k-space; use 'gaussian'");
  if (p.noise === 'gaussian' && !(p.noise_sigma > 0)) throw new ScoresdeError(`mri: noise 'gaussian' needs noise_sigma > 0, got ${p.noise_sigma}`);
  const kind = p.mask_file !== undefined ? 'file' : p.mask;
  let mask: KspaceMask;
  if (kind === 'file') {
    if (p.mask_file === undefined) throw new ScoresdeError("mri: mask 'file' needs mask_file=PATH.npy");
    mask = await loadMaskFile(p.mask_file, ctx.cwd, h, w, p.axis);
  } else {
    const spec: MaskSpec = {
      kind,
      acceleration: p.acceleration,
      centerFraction: p.center_fraction,
      seed: p.seed,
      offset: p.offset,
      axis: p.axis,
      spokes: p.spokes,
      golden: p.golden,
      vdSigma: p.vd_sigma,
      vdStrength: p.vd_strength,
    };
    mask = buildMask(h, w, spec);
  }
  let coilMaps: CoilMaps | undefined;
  if (p.coil_maps !== undefined && p.calibration !== undefined) {
    throw new ScoresdeError('mri: give either coil_maps or calibration, not both');
  }
  if (p.coil_maps !== undefined) coilMaps = await loadCoilMaps(p.coil_maps, ctx.cwd, h, w);
  else if (p.calibration !== undefined) {
    // the fully sampled centre of the mask (1-D masks: the centre lines × the full readout)
    const { rows, cols } = acsRegionFromMask(mask);
    coilMaps =
      p.coil_estimate === 'espirit'
        ? await espiritMapsFromFile(p.calibration, ctx.cwd, h, w, { rows, cols }, {
            kernel: p.espirit_kernel,
            calibWidth: p.espirit_calib,
            thresh: p.espirit_thresh,
            crop: p.espirit_crop,
          })
        : await estimateCoilMapsFromFile(p.calibration, ctx.cwd, h, w, { rows, cols });
  } else if (p.coils > 1) coilMaps = syntheticCoilMaps(h, w, p.coils);
  if (coilMaps && p.coils > 1 && coilMaps.coils !== p.coils) {
    throw new ScoresdeError(`mri: coils=${p.coils} but the coil maps have ${coilMaps.coils} coils`);
  }
  const sigma = p.noise === 'gaussian' ? p.noise_sigma : 0;
  return new MriOperator({
    inputShape: [h, w, ch],
    mask,
    coilMaps,
    fftMethod: p.fft,
    noise: sigma > 0 ? (m) => new MaskedComplexGaussianNoise(sigma, m) : undefined,
  });
}

const DOCS = `y = M ⊙ F x (single-coil) or y_c = M ⊙ F S_c x (multi-coil), F the centred orthonormal 2-D DFT
(numpy fftshift(fft2(ifftshift(x), norm='ortho'))). Input [H,W,1] real or [H,W,2] complex (re, im);
output [H,W,2] (single) or [H,W,2C] (coil c in channels 2c, 2c+1), zeros where not sampled.
Coil maps: .npy [coils,H,W,2], estimated from calibration k-space (ACS low-resolution images / RSS,
or ESPIRiT with coil_estimate=espirit), or synthetic (coils=N). Noise: gaussian σ per real channel on sampled entries only.`;

export function registerMri(registry: Registry<OperatorContext, ForwardOperator>, source = 'builtin'): void {
  registry.add(
    {
      name: 'mri',
      description: 'MRI k-space subsampling (single/multi-coil; Cartesian, variable-density, radial masks)',
      schema: mriSchema,
      create: (p, ctx) => createMri(p, ctx),
      docs: DOCS,
    },
    source,
  );
}
