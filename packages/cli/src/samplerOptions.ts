/** Sampler flags shared by `sample` and `reconstruct`, and the parts they build. */
import { Command, Option } from 'commander';
import { ODE_METHODS, parseSetArgs, ScoresdeError, type Corrector, type OdeMethod, type Predictor, type SDE } from '@scoresde/core';
import { collect, floatArg, intArg } from './options.js';
import type { CliContext } from './context.js';

export interface SamplerFlags {
  sde?: string;
  sdeSet: string[];
  sampler: 'pc' | 'ode';
  predictor: string;
  corrector: string;
  snr?: number;
  steps?: number;
  correctorSteps?: number;
  eps?: number;
  method: OdeMethod;
  rtol: number;
  atol: number;
  denoise: boolean;
  batchSize?: number;
  quiet: boolean;
}

export function withSamplerOptions(cmd: Command): Command {
  return cmd
    .option('--sde <name>', 'SDE for analytic priors: ve | vp | subvp | a plugin SDE (networks carry their own)')
    .option('--sde-set <k=v>', 'SDE parameter (repeatable), e.g. sigma_max=20', collect, [])
    .addOption(new Option('--sampler <kind>', 'sampler').choices(['pc', 'ode']).default('pc'))
    .option('--predictor <name>', 'PC predictor', 'reverse_diffusion')
    .option('--corrector <name>', 'PC corrector', 'langevin')
    .option('--snr <s>', 'corrector signal-to-noise ratio', floatArg('--snr', 0))
    .option('--steps <n>', "PC time steps / fixed-step ODE steps (default: the SDE's N)", intArg('--steps', 1))
    .option('--corrector-steps <n>', 'corrector steps per time step', intArg('--corrector-steps', 0))
    .option('--eps <t>', "smallest time (default: the SDE's)", floatArg('--eps', 0))
    .addOption(new Option('--method <m>', 'ODE solver').choices([...ODE_METHODS]).default('rk45'))
    .option('--rtol <r>', 'ODE relative tolerance', floatArg('--rtol', 0), 1e-5)
    .option('--atol <a>', 'ODE absolute tolerance', floatArg('--atol', 0), 1e-5)
    .option('--no-denoise', 'skip the final noise-free denoising step')
    .option('--batch-size <b>', 'samples per batch (default: all, up to 4096)', intArg('--batch-size', 1))
    .option('--quiet', 'no progress on stderr', false);
}

export async function resolveSde(ctx: CliContext, o: Pick<SamplerFlags, 'sde' | 'sdeSet'>): Promise<SDE | undefined> {
  if (o.sde) return ctx.registries.sdes.create(o.sde, parseSetArgs(o.sdeSet, '--sde-set'), { registries: ctx.registries });
  if (o.sdeSet.length > 0) throw new ScoresdeError('--sde-set needs --sde');
  return undefined;
}

export async function pcParts(ctx: CliContext, o: SamplerFlags, sde: SDE): Promise<{ predictor?: Predictor; corrector?: Corrector }> {
  if (o.sampler !== 'pc') return {};
  const correctorParams: Record<string, unknown> = {};
  if (o.snr !== undefined) correctorParams['snr'] = o.snr;
  if (o.correctorSteps !== undefined) correctorParams['n_steps'] = o.correctorSteps;
  const predictor = await ctx.registries.predictors.create(o.predictor, {}, { sde });
  const corrector = await ctx.registries.correctors.create(o.corrector, correctorParams, { sde });
  return { predictor, corrector };
}

/** The sampler settings `reconstruct()` takes, from the flags. */
export function samplerSettings(o: SamplerFlags) {
  return { sampler: o.sampler, steps: o.steps, eps: o.eps, denoise: o.denoise, method: o.method, rtol: o.rtol, atol: o.atol };
}
