/** `scoresde decode`: probability-flow ODE latents z = x(T) → data x(ε) (no denoising step). */
import { Command } from 'commander';
import { odeDecode } from '@scoresde/core';
import { withCommonOptions, applyConfig } from '../options.js';
import { runFlow, withOdeOptions, type OdeFlags } from './encode.js';

export function decodeCommand(): Command {
  const cmd = new Command('decode')
    .description('decode probability-flow ODE latents back to data')
    .requiredOption('--in <z.npy>', 'latents [B, H, W, C] (from scoresde encode)')
    .requiredOption('--out <x.npy>', 'data [B, H, W, C] float32');
  withOdeOptions(cmd, "end time ε of the flow (default: the SDE's)");
  cmd.addHelpText('after', '\nExample:\n  scoresde decode --model gaussian:mean.npy,cov.npy --sde vp --in z.npy --out x.npy\n');
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runFlow(c.opts<OdeFlags & { in: string; out: string }>(), 'decode', (z, opts) => odeDecode(z, opts));
  });
  return cmd;
}
