/**
 * `scoresde sample`: draw N samples from a score model with the PC or probability-flow ODE
 * sampler and write them as [N, H, W, C] float32 .npy.
 */
import { Command } from 'commander';
import { Rng, initBackend, ScoresdeError, writeNpy, parallelSample, parseSetArgs, DEFAULT_CHUNK_SIZE } from '@scoresde/core';
import { reconstruct } from '@scoresde/guidance';
import { withCommonOptions, applyConfig, intArg, type CommonOptions } from '../options.js';
import { withSamplerOptions, resolveSde, pcParts, samplerSettings, type SamplerFlags } from '../samplerOptions.js';
import { createCliContext } from '../context.js';
import { resolveModel } from '../model.js';
import { buildTerms, classifierFromFlags, withClassOptions, type ClassFlags } from '../guidance.js';
import { printJson, progressReporter } from '../output.js';

interface SampleOptions extends CommonOptions, SamplerFlags, ClassFlags {
  model: string;
  n: number;
  out: string;
  workers?: number;
}

export function sampleCommand(): Command {
  const cmd = new Command('sample')
    .description('draw samples from a score model (PC or probability-flow ODE sampler)')
    .requiredOption('--model <model>', 'gaussian:MEAN.npy,COV.npy | gmm:SPEC.json | model folder | registered name')
    .requiredOption('--n <n>', 'number of samples', intArg('--n', 1))
    .requiredOption('--out <file.npy>', 'output .npy, [N, H, W, C] float32')
    .option('--workers <n>', `split the samples over N worker threads (CPU cores; PC, no plugins/classes); chunks of --batch-size (default ${DEFAULT_CHUNK_SIZE}) with their own RNG streams: output independent of N`, intArg('--workers', 1))
    .addHelpText(
      'after',
      '\nExample:\n  scoresde sample --model gaussian:mean.npy,cov.npy --sde vp --sampler pc --steps 1000 --n 4000 --seed 1 --out samples.npy --json\n',
    );
  withClassOptions(cmd);
  withSamplerOptions(cmd);
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runSample(c.opts<SampleOptions>());
  });
  return cmd;
}

async function runSample(o: SampleOptions): Promise<void> {
  if (!o.out.endsWith('.npy')) throw new ScoresdeError(`--out must be a .npy file, got '${o.out}'`);
  if (o.workers !== undefined) return runSampleWorkers(o, o.workers);
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  const model = await resolveModel(o.model, ctx, await resolveSde(ctx, o));
  const sde = model.sde;
  const { predictor, corrector } = await pcParts(ctx, o, sde);

  const classifier = await classifierFromFlags(ctx, model, o);
  const terms = await buildTerms(ctx, model, { guidance: [], guidanceSet: [], classifier, label: o.class, scale: o.scale });

  const started = Date.now();
  const progress = progressReporter('sample', !o.quiet);
  const r = await reconstruct({
    model,
    terms,
    samples: o.n,
    batchSize: Math.min(o.batchSize ?? 4096, o.n),
    rng: new Rng(o.seed),
    ...samplerSettings(o),
    predictor,
    corrector,
    onStep: progress,
    noSummary: true,
  });
  const data = (await r.samples.data()) as Float32Array;
  const shape = r.samples.shape;
  r.samples.dispose();
  for (const t of terms) t.dispose?.();
  classifier?.dispose?.();
  model.dispose?.();
  checkFinite(data);
  await writeNpy(o.out, { data, shape });
  const seconds = (Date.now() - started) / 1000;
  if (o.json) printJson({ nfe: r.nfe, seconds, backend: backend.active, n: o.n, shape, out: o.out });
  else process.stdout.write(`wrote ${o.out} [${shape.join(', ')}] in ${seconds.toFixed(1)} s, ${r.nfe} score evaluations, backend ${backend.active}\n`);
}

/** --workers: packages/core/src/parallel (each worker builds the model from the MODEL string). */
async function runSampleWorkers(o: SampleOptions, workers: number): Promise<void> {
  if (o.sampler !== 'pc') throw new ScoresdeError('--workers runs the PC sampler only (drop --sampler ode or --workers)');
  if (o.plugin.length > 0 || o.class !== undefined || o.classifier !== undefined) throw new ScoresdeError('--workers does not take --plugin, --class or --classifier');
  const corrector: Record<string, unknown> = { snr: o.snr ?? 0.16 };
  if (o.correctorSteps !== undefined) corrector['n_steps'] = o.correctorSteps;
  const started = Date.now();
  const progress = progressReporter('sample', !o.quiet);
  const r = await parallelSample({
    model: o.model, n: o.n, seed: o.seed, workers, chunkSize: o.batchSize ?? DEFAULT_CHUNK_SIZE, backend: o.backend,
    sde: o.sde ? { name: o.sde, params: parseSetArgs(o.sdeSet, '--sde-set') } : undefined,
    predictor: { name: o.predictor }, corrector: { name: o.corrector, params: corrector },
    steps: o.steps, eps: o.eps, denoise: o.denoise, onChunk: progress,
  });
  checkFinite(r.data);
  await writeNpy(o.out, { data: r.data, shape: r.shape });
  const seconds = (Date.now() - started) / 1000;
  if (o.json) printJson({ nfe: r.nfe, seconds, backend: o.backend, n: o.n, shape: r.shape, out: o.out, workers: r.workers });
  else process.stdout.write(`wrote ${o.out} [${r.shape.join(', ')}] in ${seconds.toFixed(1)} s, ${r.nfe} score evaluations, ${r.workers} worker threads\n`);
}

export function checkFinite(data: Float32Array): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new ScoresdeError('sampling diverged: non-finite values in the samples (try more --steps, a smaller --snr, or check the model)');
    }
  }
}
