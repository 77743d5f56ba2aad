/**
 * `scoresde encode`: data → latents along the probability-flow ODE (x_ε → z = x_T, RK45 as
 * score_sde's ODE sampler), and the pieces `decode`, `interpolate` and `likelihood` share:
 * model/SDE flags, reading a batch that must match the model's sample shape, writing .npy.
 */
import { Command } from 'commander';
import { initBackend, odeEncode, parseSetArgs, tf, writeNpy, ScoresdeError, type OdeResult, type OdeSolverOptions, type ScoreModel, type SDE, type Tensor } from '@scoresde/core';
import { withCommonOptions, applyConfig, collect, floatArg, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { resolveModel } from '../model.js';
import { printJson, progressReporter } from '../output.js';
import { asImageBatch, readArray } from '../io/arrays.js';

export interface OdeFlags extends CommonOptions {
  model: string;
  sde?: string;
  sdeSet: string[];
  eps?: number;
  rtol: number;
  atol: number;
  quiet: boolean;
}

/** --model, --sde, --sde-set, --eps, --rtol, --atol, --quiet. */
export function withOdeOptions(cmd: Command, epsHelp = "start time ε of the flow (default: the SDE's)"): Command {
  return cmd
    .requiredOption('--model <model>', 'gaussian:MEAN.npy,COV.npy | gmm:SPEC.json | model folder | registered name')
    .option('--sde <name>', 'SDE for analytic priors: ve | vp | subvp | a plugin SDE (networks carry their own)')
    .option('--sde-set <k=v>', 'SDE parameter (repeatable), e.g. sigma_max=20', collect, [])
    .option('--eps <t>', epsHelp, floatArg('--eps', 0))
    .option('--rtol <r>', 'RK45 relative tolerance', floatArg('--rtol', 0), 1e-5)
    .option('--atol <a>', 'RK45 absolute tolerance', floatArg('--atol', 0), 1e-5)
    .option('--quiet', 'no progress on stderr', false);
}

export interface OdeSetup {
  model: ScoreModel;
  sde: SDE;
  backend: string;
}

export async function loadOdeModel(o: OdeFlags): Promise<OdeSetup> {
  const ctx = await createCliContext(o.plugin);
  const info = await initBackend(o.backend);
  let sde: SDE | undefined;
  if (o.sde) sde = await ctx.registries.sdes.create(o.sde, parseSetArgs(o.sdeSet, '--sde-set'), { registries: ctx.registries });
  else if (o.sdeSet.length > 0) throw new ScoresdeError('--sde-set needs --sde');
  const model = await resolveModel(o.model, ctx, sde);
  return { model, sde: model.sde, backend: info.active };
}

/** Read .npy/.png/.dcm as [B, ...sampleShape] (an unbatched image gets B = 1); finite values only. */
export async function readModelBatch(path: string, model: ScoreModel, flag: string): Promise<Tensor> {
  const arr = await readArray(path);
  const shape = asImageBatch(arr, `${flag} ${path}`);
  const want = model.sampleShape;
  if (shape.slice(1).join() !== want.join()) {
    throw new ScoresdeError(`${flag} ${path}: shape [${arr.shape.join(', ')}] does not match the model's sample shape [${want.join(', ')}] (give [H, W, C] or [B, H, W, C])`);
  }
  return tf.tensor(arr.data, shape, 'float32');
}

export function checkNpyOut(path: string, flag = '--out'): void {
  if (!path.endsWith('.npy')) throw new ScoresdeError(`${flag} must be a .npy file, got '${path}'`);
}

export async function writeTensorNpy(path: string, t: Tensor): Promise<void> {
  const data = (await t.data()) as Float32Array;
  await writeNpy(path, { data, shape: [...t.shape] });
}

/** ODE solver options with a progress line over the time interval. */
export function solverOptions(o: OdeFlags, setup: OdeSetup, label: string): OdeSolverOptions {
  const { sde, model } = setup;
  const eps = o.eps ?? sde.eps;
  const progress = progressReporter(label, !o.quiet);
  return {
    sde,
    score: (x, t) => model.score(x, t),
    rtol: o.rtol,
    atol: o.atol,
    eps: o.eps,
    onStep: ({ t }) => progress(Math.round((1000 * Math.abs(t - (label === 'decode' ? sde.T : eps))) / (sde.T - eps)), 1000),
  };
}

interface EncodeFlags extends OdeFlags {
  in: string;
  out: string;
}

export function encodeCommand(): Command {
  const cmd = new Command('encode')
    .description('encode data into probability-flow ODE latents z = x(T)')
    .requiredOption('--in <x.npy>', 'data [B, H, W, C] or one image [H, W, C] (.npy, .png, .dcm)')
    .requiredOption('--out <z.npy>', 'latents [B, H, W, C] float32');
  withOdeOptions(cmd);
  cmd.addHelpText('after', '\nExample:\n  scoresde encode --model gaussian:mean.npy,cov.npy --sde vp --in x.npy --out z.npy --json\n');
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<EncodeFlags>();
    await runFlow(o, 'encode', (x, opts) => odeEncode(x, opts));
  });
  return cmd;
}

/** Shared body of encode/decode: read, solve, write, report. */
export async function runFlow(o: EncodeFlags, label: 'encode' | 'decode', solve: (x: Tensor, opts: OdeSolverOptions) => Promise<OdeResult>): Promise<void> {
  checkNpyOut(o.out);
  const setup = await loadOdeModel(o);
  const x = await readModelBatch(o.in, setup.model, '--in');
  const started = Date.now();
  let r: OdeResult;
  try {
    r = await solve(x, solverOptions(o, setup, label));
  } finally {
    x.dispose();
  }
  await writeTensorNpy(o.out, r.x);
  const shape = r.x.shape;
  r.x.dispose();
  setup.model.dispose?.();
  const seconds = (Date.now() - started) / 1000;
  if (o.json) printJson({ out: o.out, shape, nfe: r.nfe, steps: r.steps, rejected: r.rejected, seconds, backend: setup.backend });
  else process.stdout.write(`wrote ${o.out} [${shape.join(', ')}] (nfe ${r.nfe}, ${seconds.toFixed(2)} s)\n`);
}
