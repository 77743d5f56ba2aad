/** `scoresde baseline`: classical reconstructions (FBP, zero-filled, adjoint, TV) from a measurement. */
import { Command, Option } from 'commander';
import { tf, initBackend, writeNpy, parseSetArgs, validateParams, ScoresdeError, type Tensor } from '@scoresde/core';
import { tvReconstruct, tvSchema } from '@scoresde/forward-operators';
import { withCommonOptions, applyConfig, collect, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { readArray, parseShape } from '../io/arrays.js';
import { createOperator, measurementBatch } from '../operator.js';
import { printJson } from '../output.js';

const METHODS = ['fbp', 'zero-filled', 'adjoint', 'tv'] as const;

interface BaselineOptions extends CommonOptions {
  operator: string;
  set: string[];
  method: (typeof METHODS)[number];
  tvSet: string[];
  shape: string;
  in: string;
  out: string;
}

export function baselineCommand(): Command {
  const cmd = new Command('baseline')
    .description('classical reconstruction from a measurement: FBP (CT), zero-filled (MRI), adjoint, TV (any linear operator)')
    .requiredOption('--operator <name>', 'operator name')
    .option('--set <k=v>', 'operator parameter (repeatable)', collect, [])
    .addOption(new Option('--method <m>', 'reconstruction method').choices([...METHODS]).makeOptionMandatory())
    .option('--tv-set <k=v>', 'TV parameter: lambda, iters, nonneg, coupled (repeatable)', collect, [])
    .requiredOption('--shape <H,W,C>', 'image shape to reconstruct')
    .requiredOption('--in <file.npy>', 'measurement .npy ([...] or [B, ...] of the operator output shape)')
    .requiredOption('--out <file.npy>', 'reconstruction .npy')
    .addHelpText('after', '\nExample:\n  scoresde baseline --operator radon --set angles=23 --method tv --tv-set lambda=0.002 --shape 256,256,1 --in sino.npy --out tv.npy\n');
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runBaseline(c.opts<BaselineOptions>());
  });
  return cmd;
}

async function runBaseline(o: BaselineOptions): Promise<void> {
  if (!o.out.endsWith('.npy')) throw new ScoresdeError(`--out must be a .npy file, got '${o.out}'`);
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  const tvParams = validateParams(tvSchema, parseSetArgs(o.tvSet, '--tv-set'), 'tv');
  const op = await createOperator(ctx, o.operator, o.set, parseShape(o.shape, '--shape'));
  if ((o.method === 'fbp' || o.method === 'zero-filled') && !op.pseudoInverse) {
    throw new ScoresdeError(`method '${o.method}' needs an operator with a pseudo-inverse; '${op.name}' has none (use adjoint or tv)`);
  }
  if (!op.adjoint && o.method !== 'fbp' && o.method !== 'zero-filled') throw new ScoresdeError(`operator '${op.name}' has no adjoint (it is not linear)`);
  const y = await readArray(o.in);
  const shape = measurementBatch(y.shape, op, o.in);
  const batched = y.shape.length === op.outputShape.length + 1;
  const yt = tf.tensor(y.data, shape, 'float32');
  let x: Tensor;
  try {
    if (o.method === 'fbp' || o.method === 'zero-filled') {
      x = tf.tidy(() => op.pseudoInverse!(yt));
    } else if (o.method === 'adjoint') {
      x = tf.tidy(() => op.adjoint!(yt));
    } else {
      x = await tvReconstruct(op, yt, tvParams);
    }
  } finally {
    yt.dispose();
  }
  const data = (await x.data()) as Float32Array;
  const outShape = batched ? x.shape : x.shape.slice(1);
  x.dispose();
  op.dispose?.();
  await writeNpy(o.out, { data, shape: outShape });
  if (o.json) printJson({ out: o.out, shape: outShape, method: o.method, backend: backend.active });
  else process.stdout.write(`wrote ${o.out} [${outShape.join(', ')}] (${o.method})\n`);
}
