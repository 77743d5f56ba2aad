/**
 * `scoresde train-classifier`: train a time-conditioned convolutional classifier q_φ(k | x, t) on
 * SDE-perturbed labelled data, for class guidance (`--classifier conv:CKPT`).
 */
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { initBackend, Rng, ScoresdeError, GmmPrior } from '@scoresde/core';
import { trainClassifier, EMBEDDINGS, type EmbeddingKind } from '@scoresde/guidance';
import { ShapesDataset, loadNpyStack } from '@scoresde/datasets';
import { withCommonOptions, applyConfig, intArg, intListArg, floatArg, type CommonOptions } from '../options.js';
import { resolveSde, withSamplerOptions, type SamplerFlags } from '../samplerOptions.js';
import { createCliContext, type CliContext } from '../context.js';
import { resolveModel } from '../model.js';
import { printJson, progressReporter } from '../output.js';

interface TrainClassifierFlags extends CommonOptions, Pick<SamplerFlags, 'sde' | 'sdeSet'> {
  data: string;
  labels?: string;
  size?: number;
  dataCount: number;
  dataSeed: number;
  steps: number;
  batchSize: number;
  lr: number;
  gradClip: number;
  ema: number;
  channels: number;
  blocks: number;
  chMult: number[];
  embedding: EmbeddingKind;
  checkpointEvery?: number;
  out: string;
  resume: boolean;
  quiet: boolean;
}

export function trainClassifierCommand(): Command {
  const cmd = new Command('train-classifier')
    .description('train a noise-conditional classifier q(k | x, t) for class guidance')
    .requiredOption('--data <spec>', 'shapes | gmm:SPEC.json (samples of the mixture, labelled by component) | STACK.npy with --labels')
    .option('--labels <file.npy>', 'class labels of a .npy stack (N integers)')
    .option('--size <n>', 'image size of synthetic shapes (default 32)', intArg('--size', 8))
    .option('--data-count <n>', 'number of training samples drawn from shapes/gmm', intArg('--data-count', 1), 20000)
    .option('--data-seed <n>', 'seed of the synthetic training data', intArg('--data-seed'), 0)
    .option('--steps <n>', 'training steps', intArg('--steps', 1), 2000)
    .option('--batch-size <b>', 'batch size', intArg('--batch-size', 1), 64)
    .option('--lr <r>', 'Adam learning rate', floatArg('--lr', 0), 2e-3)
    .option('--grad-clip <g>', 'clip the global gradient norm (≤ 0 disables)', floatArg('--grad-clip'), 1)
    .option('--ema <rate>', 'EMA rate of the weights the checkpoint uses', floatArg('--ema', 0), 0.999)
    .option('--channels <nf>', 'width (a multiple of 4)', intArg('--channels', 4), 32)
    .option('--blocks <n>', 'residual blocks per level', intArg('--blocks', 0), 2)
    .option('--ch-mult <list>', 'width multipliers per level, halving the resolution between levels (e.g. 1,2,4)', intListArg('--ch-mult', 1), [1])
    .addOption(new Option('--embedding <kind>', 'time embedding').choices([...EMBEDDINGS]).default('fourier'))
    .option('--checkpoint-every <n>', 'also checkpoint every n steps', intArg('--checkpoint-every', 1))
    .requiredOption('--out <ckpt.safetensors>', 'checkpoint (weights + a .json sidecar beside it)')
    .option('--resume', 'continue from --out (same data, SDE and architecture)', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', '\nExample:\n  scoresde train-classifier --data shapes --size 32 --sde vp --steps 3000 --out shapes32-classifier.safetensors\n');
  const sampler = withSamplerOptions(new Command());
  for (const name of ['--sde', '--sde-set']) cmd.addOption(sampler.options.find((o) => o.long === name)!);
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await run(c.opts<TrainClassifierFlags>());
  });
  return cmd;
}

async function trainingData(o: TrainClassifierFlags, ctx: CliContext): Promise<{ x: Float32Array; labels: Int32Array; shape: [number, number, number] }> {
  if (o.data === 'shapes') {
    const ds = new ShapesDataset({ imageSize: o.size ?? 32, count: o.dataCount, seed: o.dataSeed });
    const b = await ds.batch(Array.from({ length: ds.size }, (_, i) => i));
    return { x: b.x, labels: Int32Array.from(b.labels!), shape: ds.shape };
  }
  if (o.data.startsWith('gmm:')) {
    const model = await resolveModel(o.data, ctx, await resolveSde(ctx, o));
    if (!(model instanceof GmmPrior)) throw new ScoresdeError(`--data ${o.data}: not a gmm prior`);
    const { x, labels } = model.sampleData(o.dataCount, new Rng(o.dataSeed));
    const data = (await x.data()) as Float32Array;
    x.dispose();
    return { x: data, labels, shape: model.sampleShape as [number, number, number] };
  }
  const abs = resolve(ctx.cwd, o.data);
  if (!abs.endsWith('.npy') || !existsSync(abs)) throw new ScoresdeError(`--data '${o.data}': not 'shapes', gmm:SPEC.json or an existing .npy stack`);
  if (!o.labels) throw new ScoresdeError(`--data ${o.data}: a .npy stack needs --labels LABELS.npy`);
  const ds = await loadNpyStack(abs, { labels: o.labels });
  const b = await ds.batch(Array.from({ length: ds.size }, (_, i) => i));
  return { x: b.x, labels: Int32Array.from(b.labels!), shape: ds.shape };
}

async function run(o: TrainClassifierFlags): Promise<void> {
  if (!o.out.endsWith('.safetensors')) throw new ScoresdeError(`--out must be a .safetensors file, got '${o.out}'`);
  if (o.resume && !existsSync(o.out)) throw new ScoresdeError(`--resume: no checkpoint at ${o.out}`);
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  const sde = await resolveSde(ctx, o);
  if (!sde) throw new ScoresdeError('--sde is required (ve | vp | subvp): the classifier learns p_t(k | x) under that SDE');
  const data = await trainingData(o, ctx);
  const started = Date.now();
  const progress = progressReporter('train-classifier', !o.quiet);
  let lastLoss = NaN;
  const r = await trainClassifier({
    data,
    sde,
    arch: { shape: data.shape, channels: o.channels, blocks: o.blocks, chMult: o.chMult, embedding: o.embedding },
    steps: o.steps,
    batchSize: o.batchSize,
    lr: o.lr,
    gradClip: o.gradClip,
    emaRate: o.ema,
    seed: o.seed,
    checkpoint: o.out,
    checkpointEvery: o.checkpointEvery,
    resume: o.resume ? o.out : undefined,
    onProgress: (p) => {
      lastLoss = p.loss;
      progress(p.step, p.steps);
    },
  });
  r.classifier.dispose?.();
  r.raw.dispose?.();
  const seconds = (Date.now() - started) / 1000;
  if (o.json) printJson({ out: o.out, steps: r.step, loss: lastLoss, seconds, backend: backend.active });
  else process.stdout.write(`wrote ${o.out} after ${r.step} steps (loss ${lastLoss.toFixed(4)}) in ${seconds.toFixed(1)} s\n`);
}
