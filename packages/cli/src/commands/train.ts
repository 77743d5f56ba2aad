/**
 * `scoresde train`: continuous denoising score matching (Song et al. 2021, eq. 7) of an
 * NCSN++ / DDPM++ / DDPM network under VE, VP or sub-VP, as score_sde_pytorch trains it
 * (Adam with warm-up and clipping, EMA). --out DIR receives a model folder (EMA weights, a
 * valid MODEL everywhere) and training-state.safetensors; --resume continues a run in DIR
 * exactly where it stopped (bit for bit on the cpu backend).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import {
  MODEL_PRESETS,
  ScoresdeError,
  Trainer,
  buildTrainConfig,
  hasTrainingState,
  initBackend,
  isScoreModelFolder,
  makeRecipe,
  networkConfigToJson,
  parseSetArgs,
  readTrainingStateInfo,
  recipeDifference,
  resumeTrainer,
  saveCheckpoint,
  type Dataset,
  type NetworkConfig,
  type TrainRecipe,
  type TrainSdeName,
} from '@scoresde/core';
import { EllipsesDataset, ShapesDataset, loadNpyStack, loadPngFolder } from '@scoresde/datasets';
import { withCommonOptions, applyConfig, intArg, floatArg, collect, type CommonOptions } from '../options.js';
import { printJson } from '../output.js';

interface TrainOptions extends CommonOptions {
  data?: string;
  size?: number;
  dataCount?: number;
  dataSeed: number;
  channels?: number;
  labels?: string;
  modelConfig: string;
  sde?: string;
  sdeSet: string[];
  steps: number;
  batchSize: number;
  microBatch?: number;
  workers?: number;
  lr: number;
  warmup: number;
  gradClip: number;
  ema: number;
  likelihoodWeighting: boolean;
  checkpointEvery: number;
  out: string;
  resume: boolean;
  quiet: boolean;
}

export function trainCommand(): Command {
  const cmd = new Command('train')
    .description('train a score network by denoising score matching (VE / VP / sub-VP)')
    .option('--data <spec>', 'ellipses | shapes | PNG_DIR | STACK.npy ([N,H,W(,C)] in [0,1]); on --resume defaults to the run\'s data')
    .option('--size <n>', 'image size (synthetic data: default 64 ellipses, 32 shapes; PNG: resize to n×n)', intArg('--size', 1))
    .option('--data-count <n>', 'number of synthetic samples (generated on demand)', intArg('--data-count', 1))
    .option('--data-seed <n>', 'seed of the synthetic data set (keep held-out data on another seed)', intArg('--data-seed'), 0)
    .option('--channels <c>', 'PNG channels: 1 (gray) or 3 (RGB); default from the images', intArg('--channels', 1))
    .option('--labels <file.npy>', 'class labels of a .npy stack (N integers)')
    .option(
      '--model-config <preset|file.json>',
      `network: a preset (${Object.keys(MODEL_PRESETS).join(', ')}) or a score_sde config as JSON (model section, or model/data/training/optim sections whose optim and training settings and model.ema_rate apply where no flag is given)`,
      'ncsnpp-tiny',
    )
    .option('--sde <name>', 've | vp | subvp (default: the config file\'s training.sde, else ve for Fourier embeddings, vp for positional)')
    .option('--sde-set <k=v>', 'SDE setting (repeatable): sigma_min, sigma_max, beta_min, beta_max, N', collect, [])
    .option('--steps <n>', 'total optimisation steps (a resumed run continues up to this)', intArg('--steps', 1), 1000)
    .option('--batch-size <b>', 'batch size', intArg('--batch-size', 1), 16)
    .option('--micro-batch <m>', 'samples per forward/backward pass (gradient accumulation; bounds memory, e.g. on wasm at 64²)', intArg('--micro-batch', 1))
    .option('--workers <n>', 'compute the micro-batches on N worker threads (CPU cores, wasm/cpu); default micro-batch then batch/N; same result as one thread', intArg('--workers', 1))
    .option('--lr <lr>', 'Adam learning rate', floatArg('--lr', 0), 2e-4)
    .option('--warmup <n>', 'linear learning-rate warm-up steps', intArg('--warmup', 0), 5000)
    .option('--grad-clip <c>', 'clip the global gradient norm (negative: off)', floatArg('--grad-clip'), 1)
    .option('--ema <rate>', 'EMA rate of the weights a checkpoint keeps', floatArg('--ema', 0), 0.999)
    .option('--likelihood-weighting', 'weight the loss by g(t)² (Song et al. 2021b) instead of σ(t)²', false)
    .option('--checkpoint-every <n>', 'write a checkpoint every n steps (and always at the end)', intArg('--checkpoint-every', 1), 1000)
    .requiredOption('--out <dir>', 'output folder: the model (weights.safetensors + config.json) and training-state.safetensors')
    .option('--resume', 'continue the run saved in --out', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText(
      'after',
      '\nExamples:\n  scoresde train --data ellipses --size 64 --model-config ncsnpp-small --sde ve --steps 20000 --warmup 500 --out priors/ellipses64 --backend wasm\n' +
        '  scoresde train --out priors/ellipses64 --resume --steps 40000\n',
    );
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const explicit = new Set(c.options.map((o) => o.attributeName()).filter((k) => ['cli', 'config', 'env'].includes(c.getOptionValueSource(k) ?? '')));
    await runTrain(c.opts<TrainOptions>(), explicit);
  });
  return cmd;
}

/** The data set a --data spec names (`desc`: a saved description, for --resume). */
async function openData(o: TrainOptions, spec: string): Promise<Dataset> {
  if (spec === 'ellipses' || spec === 'shapes') {
    const imageSize = o.size ?? (spec === 'ellipses' ? 64 : 32);
    const opts = { imageSize, count: o.dataCount, seed: o.dataSeed };
    return spec === 'ellipses' ? new EllipsesDataset(opts) : new ShapesDataset(opts);
  }
  const abs = resolve(spec);
  if (!existsSync(abs)) throw new ScoresdeError(`--data '${spec}': not 'ellipses', 'shapes', an existing PNG folder or a .npy file`);
  if (statSync(abs).isDirectory()) {
    if (o.channels !== undefined && o.channels !== 1 && o.channels !== 3) throw new ScoresdeError(`--channels must be 1 or 3, got ${o.channels}`);
    return loadPngFolder(abs, { channels: o.channels as 1 | 3 | undefined, resize: o.size });
  }
  if (!abs.endsWith('.npy')) throw new ScoresdeError(`--data '${spec}': a file must be a .npy stack`);
  const ds = await loadNpyStack(abs, { labels: o.labels });
  if (o.size !== undefined && ds.shape[0] !== o.size) throw new ScoresdeError(`--data ${spec}: images are ${ds.shape[0]}×${ds.shape[1]}, not --size ${o.size}`);
  return ds;
}

/** The data set of a saved description (ellipses(size=…,count=…,seed=…), shapes(…), png:DIR, npy:FILE). */
async function dataFromDescription(o: TrainOptions, desc: string): Promise<Dataset> {
  const m = /^(ellipses|shapes)\(size=(\d+),count=(\d+),seed=(-?\d+)\)$/.exec(desc);
  if (m) {
    const opts = { imageSize: Number(m[2]), count: Number(m[3]), seed: Number(m[4]) };
    return m[1] === 'ellipses' ? new EllipsesDataset(opts) : new ShapesDataset(opts);
  }
  if (desc.startsWith('png:')) return loadPngFolder(desc.slice(4), { channels: o.channels as 1 | 3 | undefined, resize: o.size });
  if (desc.startsWith('npy:')) return loadNpyStack(desc.slice(4), { labels: o.labels });
  throw new ScoresdeError(`--resume: cannot rebuild the run's data '${desc}'; pass --data`);
}

function readModelConfig(spec: string): string | Record<string, unknown> {
  if (spec in MODEL_PRESETS) return spec;
  if (!spec.endsWith('.json')) throw new ScoresdeError(`--model-config '${spec}': not a preset (${Object.keys(MODEL_PRESETS).join(', ')}) or a .json file`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(spec, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    throw new ScoresdeError(`--model-config ${spec}: cannot read JSON (${why})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ScoresdeError(`--model-config ${spec}: must hold a JSON object`);
  return raw as Record<string, unknown>;
}

function pickSde(o: TrainOptions, model: string | Record<string, unknown>): TrainSdeName {
  const names: Record<string, TrainSdeName> = { ve: 've', vp: 'vp', subvp: 'subvp', vesde: 've', vpsde: 'vp', subvpsde: 'subvp' };
  if (o.sde !== undefined) {
    const s = names[o.sde.toLowerCase()];
    if (!s) throw new ScoresdeError(`--sde '${o.sde}': training supports ve, vp, subvp`);
    return s;
  }
  const obj = typeof model === 'string' ? { model: MODEL_PRESETS[model] } : model;
  const training = (obj as { training?: { sde?: unknown } }).training;
  if (typeof training?.sde === 'string' && names[training.sde.toLowerCase()]) return names[training.sde.toLowerCase()]!;
  const section = ((obj as { model?: unknown }).model ?? obj) as Record<string, unknown>;
  return section['embedding_type'] === 'positional' || section['name'] === 'ddpm' ? 'vp' : 've';
}

function sdeParams(pairs: string[]): Record<string, number> {
  const raw = parseSetArgs(pairs, '--sde-set');
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScoresdeError(`--sde-set ${k}: must be a number, got ${JSON.stringify(v)}`);
    out[k] = v;
  }
  return out;
}

function buildConfig(o: TrainOptions, data: Dataset): NetworkConfig {
  const model = readModelConfig(o.modelConfig);
  try {
    return buildTrainConfig({ model, sde: pickSde(o, model), sdeParams: sdeParams(o.sdeSet), imageSize: data.shape[0], numChannels: data.shape[2] });
  } catch (e) {
    if (e instanceof ScoresdeError && typeof model !== 'string') throw new ScoresdeError(`--model-config ${o.modelConfig}: ${e.message}`);
    throw e;
  }
}

/**
 * Recipe settings a score_sde config file carries (optim.lr/beta1/eps/warmup/grad_clip,
 * training.batch_size/likelihood_weighting, model.ema_rate): used where the flag is not given.
 */
function fileRecipe(o: TrainOptions): { lr?: number; beta1?: number; eps?: number; warmup?: number; gradClip?: number; batchSize?: number; likelihoodWeighting?: boolean; emaRate?: number } {
  const m = readModelConfig(o.modelConfig);
  const obj = (typeof m === 'string' ? { model: MODEL_PRESETS[m] } : 'model' in m ? m : { model: m }) as Record<string, Record<string, unknown> | undefined>;
  const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const optim = obj['optim'] ?? {};
  const training = obj['training'] ?? {};
  return {
    lr: num(optim['lr']),
    beta1: num(optim['beta1']),
    eps: num(optim['eps']),
    warmup: num(optim['warmup']),
    gradClip: num(optim['grad_clip']),
    batchSize: num(training['batch_size']),
    likelihoodWeighting: typeof training['likelihood_weighting'] === 'boolean' ? training['likelihood_weighting'] : undefined,
    emaRate: num(obj['model']?.['ema_rate']),
  };
}

function recipeFrom(o: TrainOptions, data: Dataset, explicit: Set<string>): TrainRecipe {
  const f = fileRecipe(o);
  const pick = <T>(flag: string, mine: T, fromFile: T | undefined): T => (explicit.has(flag) || fromFile === undefined ? mine : fromFile);
  const batchSize = pick('batchSize', o.batchSize, f.batchSize);
  return makeRecipe({
    data: data.description,
    seed: o.seed,
    batchSize,
    microBatch: o.microBatch ?? (o.workers !== undefined ? Math.ceil(batchSize / o.workers) : undefined),
    adam: {
      lr: pick('lr', o.lr, f.lr),
      warmup: pick('warmup', o.warmup, f.warmup),
      gradClip: pick('gradClip', o.gradClip, f.gradClip),
      ...(f.beta1 !== undefined ? { beta1: f.beta1 } : {}),
      ...(f.eps !== undefined ? { eps: f.eps } : {}),
    },
    emaRate: pick('ema', o.ema, f.emaRate),
    likelihoodWeighting: pick('likelihoodWeighting', o.likelihoodWeighting, f.likelihoodWeighting),
  });
}

/** On --resume, refuse options given explicitly that contradict the saved run. */
function checkResumeOptions(o: TrainOptions, explicit: Set<string>, saved: TrainRecipe, savedConfig: NetworkConfig, data: Dataset): void {
  const recipeKeys = ['seed', 'batchSize', 'microBatch', 'lr', 'warmup', 'gradClip', 'ema', 'likelihoodWeighting'];
  if (recipeKeys.some((k) => explicit.has(k))) {
    const mine = recipeFrom(o, data, explicit);
    const merged: TrainRecipe = {
      ...saved,
      seed: explicit.has('seed') ? mine.seed : saved.seed,
      batchSize: explicit.has('batchSize') ? mine.batchSize : saved.batchSize,
      microBatch: explicit.has('microBatch') ? mine.microBatch : saved.microBatch,
      emaRate: explicit.has('ema') ? mine.emaRate : saved.emaRate,
      likelihoodWeighting: explicit.has('likelihoodWeighting') ? mine.likelihoodWeighting : saved.likelihoodWeighting,
      adam: {
        ...saved.adam,
        lr: explicit.has('lr') ? mine.adam.lr : saved.adam.lr,
        warmup: explicit.has('warmup') ? mine.adam.warmup : saved.adam.warmup,
        gradClip: explicit.has('gradClip') ? mine.adam.gradClip : saved.adam.gradClip,
      },
    };
    const diff = recipeDifference(merged, saved);
    if (diff) throw new ScoresdeError(`--resume: ${diff.replace(' vs ', ' given, the run has ')}; drop the option or train into a new --out`);
  }
  if (['modelConfig', 'sde', 'sdeSet'].some((k) => explicit.has(k))) {
    const mine = JSON.stringify(networkConfigToJson(buildConfig(o, data)));
    if (mine !== JSON.stringify(networkConfigToJson(savedConfig))) {
      throw new ScoresdeError('--resume: --model-config / --sde / --sde-set describe another network than the saved run; drop them or train into a new --out');
    }
  }
}

/** One step; a WebAssembly abort (usually the wasm heap running out) becomes a one-line hint. */
async function trainStepOrExplain(trainer: Trainer, backend: string): ReturnType<Trainer['trainStep']> {
  try {
    return await trainer.trainStep();
  } catch (e) {
    if (e instanceof Error && (e.name === 'RuntimeError' || /^(Aborted|memory access out of bounds)/.test(e.message))) {
      const b = trainer.recipe.microBatch;
      throw new ScoresdeError(
        `training step ${trainer.step + 1} failed inside the ${backend} backend (${e.message.split('\n')[0]}); the wasm heap is probably exhausted: try --micro-batch ${Math.max(1, Math.floor(b / 2))} (now ${b})`,
      );
    }
    throw e;
  }
}

async function runTrain(o: TrainOptions, explicit: Set<string>): Promise<void> {
  const out = resolve(o.out);
  const cpuWorkers = (b: string) => {
    if (o.workers !== undefined && b !== 'wasm' && b !== 'cpu' && b !== 'auto') throw new ScoresdeError(`--workers splits the work over CPU cores (wasm or cpu backend), not ${b}`);
  };
  cpuWorkers(o.backend);
  let trainer: Trainer;
  let backend: Awaited<ReturnType<typeof initBackend>>;
  if (o.resume) {
    const info = await readTrainingStateInfo(out);
    const data = o.data !== undefined ? await openData(o, o.data) : await dataFromDescription(o, info.recipe.data);
    checkResumeOptions(o, explicit, info.recipe, info.config, data);
    backend = await initBackend(o.backend);
    trainer = await resumeTrainer(out, data);
  } else {
    if (await hasTrainingState(out)) throw new ScoresdeError(`--out ${o.out} already holds a training run; pass --resume to continue it, or choose another --out`);
    if (await isScoreModelFolder(out)) throw new ScoresdeError(`--out ${o.out} already holds a model; choose another --out`);
    if (o.data === undefined) throw new ScoresdeError('--data is required (ellipses | shapes | PNG_DIR | STACK.npy)');
    const data = await openData(o, o.data);
    const config = buildConfig(o, data);
    const recipe = recipeFrom(o, data, explicit);
    backend = await initBackend(o.backend);
    trainer = await Trainer.create(config, recipe, data);
  }
  if (o.workers !== undefined) {
    try {
      cpuWorkers(backend.active);
    } catch (e) {
      trainer.dispose();
      throw e;
    }
    const chunks = Math.ceil(trainer.recipe.batchSize / trainer.recipe.microBatch);
    if (!o.quiet && chunks < o.workers) {
      process.stderr.write(`train: note: ${chunks} micro-batch(es) per step, so only ${chunks} of the ${o.workers} workers have work (--micro-batch sets the split)\n`);
    }
    await trainer.startWorkers(o.workers, backend.active);
  }
  const startStep = trainer.step;
  const params = trainer.net.params.count();
  // Ctrl-C or SIGTERM (a scheduler stopping the job): finish the step, save, exit 130 / 143.
  let interrupted: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupted = sig;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  let lastPrint = 0;
  let smooth = NaN;
  let lastLoss = NaN;
  const tty = process.stderr.isTTY;
  try {
    if (!o.quiet) {
      process.stderr.write(`train: ${trainer.config.name} ${trainer.config.sde} ${params} parameters, data ${trainer.data.description}, backend ${backend.active}${o.workers !== undefined ? ` (${o.workers} worker threads)` : ''}, from step ${startStep} to ${o.steps}\n`);
    }
    while (trainer.step < o.steps && !interrupted) {
      const info = await trainStepOrExplain(trainer, backend.active);
      // Let signals (Ctrl-C) and output through: the step itself may never leave the microtask queue.
      await new Promise<void>((r) => setImmediate(r));
      lastLoss = info.loss;
      smooth = Number.isNaN(smooth) ? info.loss : 0.95 * smooth + 0.05 * info.loss;
      const now = Date.now();
      const done = trainer.step === o.steps;
      if (!o.quiet && (done || now - lastPrint >= (tty ? 250 : 5000))) {
        lastPrint = now;
        const rate = (trainer.step - startStep) / Math.max((now - started) / 1000, 1e-9);
        const line = `train: ${trainer.step}/${o.steps} loss ${info.loss.toFixed(4)} (avg ${smooth.toFixed(4)}) lr ${info.lr.toExponential(2)} ${rate.toFixed(2)} steps/s`;
        process.stderr.write(tty ? `\r${line}${done ? '\n' : ''}` : `${line}\n`);
      }
      if (trainer.step % o.checkpointEvery === 0 && trainer.step < o.steps) await saveCheckpoint(trainer, out);
    }
    if (trainer.step > startStep || !(await hasTrainingState(out))) await saveCheckpoint(trainer, out);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await trainer.stopWorkers();
  }
  const seconds = (Date.now() - started) / 1000;
  const summary = {
    out,
    step: trainer.step,
    start_step: startStep,
    steps_run: trainer.step - startStep,
    loss: lastLoss,
    loss_avg: smooth,
    seconds,
    steps_per_second: (trainer.step - startStep) / Math.max(seconds, 1e-9),
    backend: backend.active,
    parameters: params,
    interrupted: interrupted !== undefined,
  };
  trainer.dispose();
  if (o.json) printJson(summary);
  else process.stdout.write(`trained to step ${summary.step} (${summary.steps_run} steps, ${summary.steps_per_second.toFixed(2)} steps/s, last loss ${Number.isNaN(lastLoss) ? '-' : lastLoss.toFixed(4)}) on ${backend.active}; model in ${out}\n`);
  if (interrupted) process.exitCode = interrupted === 'SIGTERM' ? 143 : 130;
}
