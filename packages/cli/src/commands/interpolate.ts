/**
 * `scoresde interpolate`: encode two images along the probability-flow ODE, interpolate
 * spherically in latent space (K frames, end frames = the two latents), decode every frame:
 * writes [K, H, W, C]; the end frames reproduce the inputs up to the ODE tolerance.
 */
import { Command } from 'commander';
import { odeInterpolate, ScoresdeError } from '@scoresde/core';
import { withCommonOptions, applyConfig, intArg } from '../options.js';
import { printJson } from '../output.js';
import { checkNpyOut, loadOdeModel, readModelBatch, solverOptions, withOdeOptions, writeTensorNpy, type OdeFlags } from './encode.js';

interface InterpolateFlags extends OdeFlags {
  a: string;
  b: string;
  steps: number;
  out: string;
  latentsOut?: string;
}

export function interpolateCommand(): Command {
  const cmd = new Command('interpolate')
    .description('spherical interpolation between two images in probability-flow ODE latent space')
    .requiredOption('--a <a.npy>', 'first image [H, W, C] or [1, H, W, C]')
    .requiredOption('--b <b.npy>', 'second image, same shape')
    .option('--steps <k>', 'number of frames, ends included', intArg('--steps', 2), 8)
    .requiredOption('--out <frames.npy>', 'decoded frames [K, H, W, C] float32')
    .option('--latents-out <z.npy>', 'also write the K latents');
  withOdeOptions(cmd);
  cmd.addHelpText('after', '\nExample:\n  scoresde interpolate --model gaussian:mean.npy,cov.npy --sde vp --a a.npy --b b.npy --steps 8 --out frames.npy\n');
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runInterpolate(c.opts<InterpolateFlags>());
  });
  return cmd;
}

async function runInterpolate(o: InterpolateFlags): Promise<void> {
  checkNpyOut(o.out);
  if (o.latentsOut !== undefined) checkNpyOut(o.latentsOut, '--latents-out');
  const setup = await loadOdeModel(o);
  const a = await readModelBatch(o.a, setup.model, '--a');
  const b = await readModelBatch(o.b, setup.model, '--b');
  const started = Date.now();
  let r;
  try {
    for (const [flag, t] of [['--a', a], ['--b', b]] as const) {
      if (t.shape[0] !== 1) throw new ScoresdeError(`${flag}: expected one image, got a batch of ${t.shape[0]}`);
    }
    r = await odeInterpolate(a, b, o.steps, solverOptions(o, setup, 'interpolate'));
  } finally {
    a.dispose();
    b.dispose();
  }
  await writeTensorNpy(o.out, r.x);
  if (o.latentsOut !== undefined) await writeTensorNpy(o.latentsOut, r.z);
  const shape = r.x.shape;
  r.x.dispose();
  r.z.dispose();
  setup.model.dispose?.();
  const seconds = (Date.now() - started) / 1000;
  if (o.json) printJson({ out: o.out, latentsOut: o.latentsOut, shape, nfe: r.nfe, seconds, backend: setup.backend });
  else process.stdout.write(`wrote ${o.out} [${shape.join(', ')}] (nfe ${r.nfe}, ${seconds.toFixed(2)} s)\n`);
}
