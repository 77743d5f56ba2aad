/**
 * `scoresde score`: evaluate s_θ(x, t) (or, with --raw, the network's raw output) for a batch, so
 * anyone can compare with score_sde_pytorch by hand.
 */
import { Command, Option } from 'commander';
import { tf, initBackend, readNpy, assertFinite, writeNpy, ScoresdeError, type Tensor } from '@scoresde/core';
import { withCommonOptions, applyConfig, type CommonOptions } from '../options.js';
import { withSamplerOptions, resolveSde, type SamplerFlags } from '../samplerOptions.js';
import { createCliContext } from '../context.js';
import { resolveModel } from '../model.js';
import { printJson } from '../output.js';

interface ScoreFlags extends CommonOptions, Pick<SamplerFlags, 'sde' | 'sdeSet'> {
  model: string;
  in: string;
  t: string;
  out: string;
  layout: 'nchw' | 'nhwc';
  raw: boolean;
}

interface RawCapable {
  raw(x: Tensor, t: number | Float32Array): Tensor;
}

export function scoreCommand(): Command {
  const cmd = new Command('score')
    .description('evaluate the score s(x, t) of a model (or its raw network output) on a batch')
    .requiredOption('--model <model>', 'model folder, gaussian:…, gmm:… or a registered name')
    .requiredOption('--in <x.npy>', 'inputs [B, C, H, W] (nchw) or [B, H, W, C] (nhwc)')
    .requiredOption('--t <t.npy>', 'times [B] (or one time for the whole batch)')
    .requiredOption('--out <s.npy>', 'scores, same layout as --in')
    .addOption(new Option('--layout <layout>', 'array layout of --in and --out').choices(['nchw', 'nhwc']).default('nhwc'))
    .option('--raw', 'write the raw network output instead of the score', false)
    .addHelpText('after', '\nExample (score_sde_pytorch parity fixture):\n  scoresde score --model ../shared/parity/ncsnpp_ve --in x.npy --t t.npy --layout nchw --out score.npy\n');
  const sampler = withSamplerOptions(new Command());
  for (const name of ['--sde', '--sde-set']) cmd.addOption(sampler.options.find((o) => o.long === name)!);
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runScore(c.opts<ScoreFlags>());
  });
  return cmd;
}

async function runScore(o: ScoreFlags): Promise<void> {
  if (!o.out.endsWith('.npy')) throw new ScoresdeError(`--out must be a .npy file, got '${o.out}'`);
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  const model = await resolveModel(o.model, ctx, await resolveSde(ctx, o));
  const x = await readNpy(o.in);
  const t = await readNpy(o.t);
  assertFinite(x, o.in);
  assertFinite(t, o.t);
  const [H, W, C] = model.sampleShape as [number, number, number];
  const expected = o.layout === 'nchw' ? [C, H, W] : [H, W, C];
  if (x.shape.length !== 4 || x.shape.slice(1).some((v, i) => v !== expected[i])) {
    throw new ScoresdeError(`${o.in}: shape [${x.shape.join(', ')}] does not match the model's [B, ${expected.join(', ')}] (${o.layout})`);
  }
  const B = x.shape[0]!;
  if (!(t.data.length === B || t.data.length === 1) || t.shape.length > 1) {
    throw new ScoresdeError(`${o.t}: expected ${B} times (shape [${B}]) or one, got shape [${t.shape.join(', ')}]`);
  }
  const times: number | Float32Array = t.data.length === 1 ? t.data[0]! : t.data;
  if (o.raw && typeof (model as unknown as Partial<RawCapable>).raw !== 'function') {
    throw new ScoresdeError(`--raw: model '${o.model}' has no raw network output (only networks do)`);
  }
  const out = tf.tidy(() => {
    let xt: Tensor = tf.tensor(x.data, x.shape, 'float32');
    if (o.layout === 'nchw') xt = tf.transpose(xt, [0, 2, 3, 1]);
    let s = o.raw ? (model as unknown as RawCapable).raw(xt, times) : model.score(xt, times);
    if (o.layout === 'nchw') s = tf.transpose(s, [0, 3, 1, 2]);
    return s;
  });
  const data = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  model.dispose?.();
  await writeNpy(o.out, { data, shape });
  if (o.json) printJson({ out: o.out, shape, backend: backend.active, raw: o.raw });
  else process.stdout.write(`wrote ${o.out} [${shape.join(', ')}]${o.raw ? ' (raw network output)' : ''}\n`);
}
