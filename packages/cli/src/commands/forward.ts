/** `scoresde forward`: apply an operator (or its adjoint) to an image or measurement. */
import { Command } from 'commander';
import { tf, Rng, initBackend, writeNpy, ScoresdeError } from '@scoresde/core';
import { withCommonOptions, applyConfig, collect, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { readArray, asImageBatch, parseShape } from '../io/arrays.js';
import { createOperator, measurementBatch } from '../operator.js';
import { printJson } from '../output.js';

interface ForwardOptions extends CommonOptions {
  operator: string;
  set: string[];
  adjoint: boolean;
  shape?: string;
  noisy: boolean;
  in: string;
  out: string;
}

export function forwardCommand(): Command {
  const cmd = new Command('forward')
    .description('apply a forward operator y = A(x) (+ noise with --noisy), or its adjoint Aᵀy')
    .requiredOption('--operator <name>', 'operator name (see `scoresde plugins list`)')
    .option('--set <k=v>', 'operator parameter (repeatable)', collect, [])
    .option('--adjoint', 'apply the adjoint to a measurement (needs --shape)', false)
    .option('--shape <H,W,C>', 'image shape the operator acts on (required with --adjoint)')
    .option('--noisy', "add the operator's noise model (seeded by --seed)", false)
    .requiredOption('--in <file>', 'input: .npy, .png or .dcm (an image [H,W(,C)] or batch [B,H,W,C]; a measurement with --adjoint)')
    .requiredOption('--out <file.npy>', 'output .npy (keeps the batch axis only if the input had one)')
    .addHelpText('after', '\nExamples:\n  scoresde forward --operator radon --set angles=23 --in phantom.npy --out sino.npy\n  scoresde forward --operator radon --set angles=23 --adjoint --shape 256,256,1 --in sino.npy --out bp.npy\n');
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runForward(c.opts<ForwardOptions>());
  });
  return cmd;
}

async function runForward(o: ForwardOptions): Promise<void> {
  if (!o.out.endsWith('.npy')) throw new ScoresdeError(`--out must be a .npy file, got '${o.out}'`);
  const ctx = await createCliContext(o.plugin);
  const backend = await initBackend(o.backend);
  const input = await readArray(o.in);
  let batched: boolean;
  let outShape: number[];
  let result: Float32Array;
  if (!o.adjoint) {
    const shape = asImageBatch(input, o.in);
    batched = input.shape.length === 4;
    const op = await createOperator(ctx, o.operator, o.set, shape.slice(1));
    const y = tf.tidy(() => {
      const x = tf.tensor(input.data, shape, 'float32');
      const clean = op.forward(x);
      return o.noisy ? op.noise.sample(clean, new Rng(o.seed)) : clean;
    });
    result = (await y.data()) as Float32Array;
    outShape = y.shape;
    y.dispose();
    op.dispose?.();
  } else {
    if (!o.shape) throw new ScoresdeError('--adjoint needs --shape H,W,C (the image shape the operator acts on)');
    const op = await createOperator(ctx, o.operator, o.set, parseShape(o.shape, '--shape'));
    if (!op.adjoint) throw new ScoresdeError(`operator '${op.name}' has no adjoint (it is not linear)`);
    const shape = measurementBatch(input.shape, op, o.in);
    batched = input.shape.length === op.outputShape.length + 1;
    const x = tf.tidy(() => op.adjoint!(tf.tensor(input.data, shape, 'float32')));
    result = (await x.data()) as Float32Array;
    outShape = x.shape;
    x.dispose();
    op.dispose?.();
  }
  const written = batched ? outShape : outShape.slice(1);
  await writeNpy(o.out, { data: result, shape: written });
  if (o.json) printJson({ out: o.out, shape: written, backend: backend.active });
  else process.stdout.write(`wrote ${o.out} [${written.join(', ')}]\n`);
}
