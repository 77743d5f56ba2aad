/** `scoresde metrics`: PSNR, SSIM (skimage-compatible) and NMSE of a test image against a reference. */
import { Command } from 'commander';
import { imageMetrics } from '@scoresde/forward-operators';
import { withCommonOptions, applyConfig, floatArg, type CommonOptions } from '../options.js';
import { readArray } from '../io/arrays.js';
import { printJson } from '../output.js';

interface MetricsOptions extends CommonOptions {
  ref: string;
  test: string;
  dataRange?: number;
}

export function metricsCommand(): Command {
  const cmd = new Command('metrics')
    .description('PSNR, SSIM (Gaussian window σ 1.5, as skimage) and NMSE of --test against --ref')
    .requiredOption('--ref <file>', 'reference image (.npy, .png, .dcm)')
    .requiredOption('--test <file>', 'test image, same shape')
    .option('--data-range <r>', 'data range for PSNR/SSIM (default: max − min of the reference)', floatArg('--data-range', 0))
    .addHelpText('after', '\nExample:\n  scoresde metrics --ref truth.npy --test recon.npy --json\n');
  withCommonOptions(cmd, { seed: false, backend: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<MetricsOptions>();
    const [ref, test] = await Promise.all([readArray(o.ref), readArray(o.test)]);
    const m = imageMetrics(squeezeGray(ref), squeezeGray(test), { dataRange: o.dataRange });
    if (o.json) printJson(m);
    else process.stdout.write(`PSNR ${m.psnr.toFixed(3)} dB  SSIM ${m.ssim.toFixed(4)}  NMSE ${m.nmse.toExponential(4)}  (data range ${m.dataRange})\n`);
  });
  return cmd;
}

/** [H, W, 1] and [1, H, W, 1] compare equal to [H, W]: drop single-channel and single-batch axes. */
function squeezeGray(a: { data: Float32Array; shape: number[] }): { data: Float32Array; shape: number[] } {
  let shape = a.shape;
  if (shape.length === 4 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 3 && shape[2] === 1) shape = shape.slice(0, 2);
  return { data: a.data, shape };
}
