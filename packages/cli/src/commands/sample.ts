/**
 * `scoresde sample`: draw N samples from a score model with the PC or probability-flow ODE
 * sampler and write them as [N, H, W, C] float32 .npy.
 */
import { Command, Option } from 'commander';
import {

  Rng,
  initBackend,
  parseSetArgs,
  pcSample,
  odeSample,
  ODE_METHODS,
  ScoresdeError,
  writeNpy,
  type Tensor,
  type SDE,
  type OdeMethod,
} from '@scoresde/core';
import { withCommonOptions, applyConfig, intArg, floatArg, collect, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { resolveModel } from '../model.js';
import { printJson, progressReporter } from '../output.js';

interface SampleOptions extends CommonOptions {
  model: string;
  sde?: string;
  sdeSet: string[];
  sampler: 'pc' | 'ode';
  predictor: string;
  corrector: string;
  snr?: number;
  steps?: number;
  correctorSteps?: number;
  eps?: number;
  method: string;
  rtol: number;
  atol: number;
  denoise: boolean;
  n: number;
  batchSize?: number;
  out: string;
  quiet: boolean;
}

export function sampleCommand(): Command {
  const cmd = new Command('sample')
    .description('draw samples from a score model (PC or probability-flow ODE sampler)')
    .requiredOption('--model <model>', 'gaussian:MEAN.npy,COV.npy | gmm:SPEC.json | model folder | registered name')
    .option('--sde <name>', 'SDE for analytic priors: ve | vp | subvp | a plugin SDE')
    .option('--sde-set <k=v>', 'SDE parameter (repeatable), e.g. sigma_max=20', collect, [])
    .addOption(new Option('--sampler <kind>', 'sampler').choices(['pc', 'ode']).default('pc'))
    .option('--predictor <name>', 'PC predictor', 'reverse_diffusion')
    .option('--corrector <name>', 'PC corrector', 'langevin')
    .option('--snr <s>', 'corrector signal-to-noise ratio', floatArg('--snr', 0))
    .option('--steps <n>', 'PC time steps / fixed-step ODE steps (default: the SDE\'s N)', intArg('--steps', 1))
    .option('--corrector-steps <n>', 'corrector steps per time step', intArg('--corrector-steps', 0))
    .option('--eps <t>', 'smallest time (default: the SDE\'s)', floatArg('--eps', 0))
    .addOption(new Option('--method <m>', 'ODE solver').choices([...ODE_METHODS]).default('rk45'))
    .option('--rtol <r>', 'ODE relative tolerance', floatArg('--rtol', 0), 1e-5)
    .option('--atol <a>', 'ODE absolute tolerance', floatArg('--atol', 0), 1e-5)
    .option('--no-denoise', 'skip the final noise-free denoising step')
    .requiredOption('--n <n>', 'number of samples', intArg('--n', 1))
    .option('--batch-size <b>', 'samples per batch (default: all, up to 4096)', intArg('--batch-size', 1))
    .requiredOption('--out <file.npy>', 'output .npy, [N, H, W, C] float32')
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText(
      'after',
      '\nExample:\n  scoresde sample --model gaussian:mean.npy,cov.npy --sde vp --sampler pc --steps 1000 --n 4000 --seed 1 --out samples.npy --json\n',
    );
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runSample(c.opts<SampleOptions>());
  });
  return cmd;
}

async function runSample(o: SampleOptions): Promise<void> {
  if (!o.out.endsWith('.npy')) throw new ScoresdeError(`--out must be a .npy file, got '${o.out}'`);
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  let sde: SDE | undefined;
  if (o.sde) sde = await ctx.registries.sdes.create(o.sde, parseSetArgs(o.sdeSet, '--sde-set'), { registries: ctx.registries });
  else if (o.sdeSet.length > 0) throw new ScoresdeError('--sde-set needs --sde');
  const model = await resolveModel(o.model, ctx, sde);
  sde = model.sde;
  const correctorParams: Record<string, unknown> = {};
  if (o.snr !== undefined) correctorParams['snr'] = o.snr;
  if (o.correctorSteps !== undefined) correctorParams['n_steps'] = o.correctorSteps;
  const predictor = o.sampler === 'pc' ? await ctx.registries.predictors.create(o.predictor, {}, { sde }) : undefined;
  const corrector = o.sampler === 'pc' ? await ctx.registries.correctors.create(o.corrector, correctorParams, { sde }) : undefined;

  const batch = Math.min(o.batchSize ?? 4096, o.n);
  const rng = new Rng(o.seed);
  const shape = model.sampleShape;
  const per = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(o.n * per);
  const started = Date.now();
  let nfe = 0;
  const batches = Math.ceil(o.n / batch);
  const progress = progressReporter('sample', !o.quiet);
  for (let b = 0; b < batches; b++) {
    const nb = Math.min(batch, o.n - b * batch);
    const bshape = [nb, ...shape];
    const onStep = (i: number, total: number): void => progress(b * total + i, batches * total);
    let x: Tensor;
    if (o.sampler === 'pc') {
      const r = await pcSample({
        sde,
        score: (xx, t) => model.score(xx, t),
        predictor: predictor!,
        corrector: corrector!,
        shape: bshape,
        rng,
        steps: o.steps,
        correctorSteps: o.correctorSteps,
        eps: o.eps,
        denoise: o.denoise,
        onStep,
      });
      x = r.x;
      nfe += r.nfe;
    } else {
      const r = await odeSample({
        sde,
        score: (xx, t) => model.score(xx, t),
        method: o.method as OdeMethod,
        rtol: o.rtol,
        atol: o.atol,
        steps: o.steps,
        eps: o.eps,
        shape: bshape,
        rng,
        denoise: o.denoise,
      });
      x = r.x;
      nfe += r.nfe;
    }
    const data = (await x.data()) as Float32Array;
    x.dispose();
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i]!)) {
        throw new ScoresdeError(`sampling diverged: non-finite values in batch ${b + 1} (try more --steps, a smaller --snr, or check the model)`);
      }
    }
    out.set(data, b * batch * per);
  }
  model.dispose?.();
  await writeNpy(o.out, { data: out, shape: [o.n, ...shape] });
  const seconds = (Date.now() - started) / 1000;
  if (o.json) printJson({ nfe, seconds, backend: backend.active, n: o.n, shape: [o.n, ...shape], out: o.out });
  else process.stdout.write(`wrote ${o.out} [${[o.n, ...shape].join(', ')}] in ${seconds.toFixed(1)} s, ${nfe} score evaluations, backend ${backend.active}\n`);
}
