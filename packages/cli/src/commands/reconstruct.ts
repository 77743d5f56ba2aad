/**
 * `scoresde reconstruct`: posterior samples of x given a measurement y = A(x) + n, with a score
 * model as the prior and measurement guidance (projection, dps, data-consistency, exact-gaussian),
 * optionally combined with class guidance.
 */
import { Command } from 'commander';
import { tf, Rng, initBackend, ScoresdeError, writeNpy, type Tensor } from '@scoresde/core';
import { reconstruct } from '@scoresde/guidance';
import { withCommonOptions, applyConfig, collect, intArg, type CommonOptions } from '../options.js';
import { withSamplerOptions, resolveSde, pcParts, samplerSettings, type SamplerFlags } from '../samplerOptions.js';
import { createCliContext } from '../context.js';
import { resolveModel } from '../model.js';
import { createOperator, measurementBatch } from '../operator.js';
import { buildTerms, classifierFromFlags, withClassOptions, type ClassFlags } from '../guidance.js';
import { readArray } from '../io/arrays.js';
import { printJson, progressReporter } from '../output.js';
import { checkFinite } from './sample.js';

interface ReconstructFlags extends CommonOptions, SamplerFlags, ClassFlags {
  operator: string;
  set: string[];
  model: string;
  in: string;
  out: string;
  guidance: string[];
  guidanceSet: string[];
  samples: number;
  meanOut?: string;
  stdOut?: string;
}

export function reconstructCommand(): Command {
  const cmd = new Command('reconstruct')
    .description('posterior sampling of x from a measurement y = A(x) + n with a score-model prior')
    .requiredOption('--operator <name>', 'forward operator (see `scoresde plugins list`)')
    .option('--set <k=v>', 'operator parameter (repeatable)', collect, [])
    .requiredOption('--model <model>', 'score model: folder, gaussian:MEAN.npy,COV.npy, gmm:SPEC.json or a registered name')
    .requiredOption('--in <y.npy>', 'the measurement (operator output shape, with or without a leading 1)')
    .requiredOption('--out <x.npy>', 'posterior samples [K, H, W, C]')
    .option('--guidance <name>', 'guidance term (repeatable; default: projection when the operator has a decomposition, else dps)', collect, [])
    .option('--guidance-set <k=v>', 'guidance parameter (repeatable; NAME:k=v with several terms)', collect, [])
    .option('--samples <k>', 'number of posterior samples K', intArg('--samples', 1), 1)
    .option('--mean-out <file.npy>', 'also write the posterior mean [H, W, C]')
    .option('--std-out <file.npy>', 'also write the per-pixel posterior standard deviation [H, W, C]')
    .addHelpText(
      'after',
      '\nExample:\n  scoresde reconstruct --operator mri --set acceleration=8 --model ./prior --in kspace.npy --samples 4 --steps 500 --out x.npy --mean-out mean.npy --std-out std.npy\n',
    );
  withClassOptions(cmd);
  withSamplerOptions(cmd);
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runReconstruct(c.opts<ReconstructFlags>());
  });
  return cmd;
}

async function runReconstruct(o: ReconstructFlags): Promise<void> {
  for (const [flag, f] of [['--out', o.out], ['--mean-out', o.meanOut], ['--std-out', o.stdOut]] as const) {
    if (f !== undefined && !f.endsWith('.npy')) throw new ScoresdeError(`${flag} must be a .npy file, got '${f}'`);
  }
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  const model = await resolveModel(o.model, ctx, await resolveSde(ctx, o));
  const operator = await createOperator(ctx, o.operator, o.set, model.sampleShape);
  const yArr = await readArray(o.in);
  const yShape = measurementBatch(yArr.shape, operator, o.in);
  if (yShape[0] !== 1) throw new ScoresdeError(`${o.in}: reconstruct takes one measurement, got a batch of ${yShape[0]}`);
  const { predictor, corrector } = await pcParts(ctx, o, model.sde);
  const classifier = await classifierFromFlags(ctx, model, o);
  const guidance = o.guidance.length > 0 ? o.guidance : [operator.decomposition ? 'projection' : 'dps'];
  const y = tf.tensor(yArr.data, yShape, 'float32');
  const started = Date.now();
  const held: Tensor[] = [y];
  try {
    const terms = await buildTerms(ctx, model, { guidance, guidanceSet: o.guidanceSet, operator, y, classifier, label: o.class, scale: o.scale });
    const r = await reconstruct({
      model,
      terms,
      samples: o.samples,
      batchSize: o.batchSize,
      rng: new Rng(o.seed),
      ...samplerSettings(o),
      predictor,
      corrector,
      onStep: progressReporter('reconstruct', !o.quiet),
    });
    held.push(r.samples, ...(r.mean ? [r.mean] : []), ...(r.std ? [r.std] : []));
    for (const t of terms) t.dispose?.();
    const samples = (await r.samples.data()) as Float32Array;
    checkFinite(samples);
    const writes: Promise<void>[] = [writeNpy(o.out, { data: samples, shape: r.samples.shape })];
    if (o.meanOut && r.mean) writes.push(writeNpy(o.meanOut, { data: (await r.mean.data()) as Float32Array, shape: model.sampleShape }));
    if (o.stdOut && r.std) writes.push(writeNpy(o.stdOut, { data: (await r.std.data()) as Float32Array, shape: model.sampleShape }));
    await Promise.all(writes);
    const seconds = (Date.now() - started) / 1000;
    if (o.json) printJson({ nfe: r.nfe, seconds, backend: backend.active, samples: o.samples, guidance, out: o.out });
    else process.stdout.write(`wrote ${o.out} [${r.samples.shape.join(', ')}] in ${seconds.toFixed(1)} s (${guidance.join(' + ')}, ${r.nfe} score evaluations)\n`);
  } finally {
    tf.dispose(held);
    operator.dispose?.();
    classifier?.dispose?.();
    model.dispose?.();
  }
}
