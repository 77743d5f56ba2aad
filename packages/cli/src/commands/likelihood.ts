/**
 * `scoresde likelihood`: bits/dim of data under a score model through the probability-flow ODE
 * (Song et al. 2021 App. D; score_sde_pytorch likelihood.py): RK45 on [x, Δlogp] from ε
 * (default 1e-5) to T, divergence by Hutchinson (Rademacher / Gaussian probes, fixed per sample
 * for the whole solve) or exactly (small d). Reports per-sample and mean bits/dim,
 *   bpd = −log p(x) / (d ln 2) + offset,
 * offset 0 for --data-scale none (plain density of the given values), 8 for 'unit' ([0, 1]
 * pixels k/255) and 7 for 'centered' ([−1, 1]), as score_sde; --dequantize adds U(0, 1)/256
 * noise to 8-bit data first (needs 'unit' or 'centered').
 */
import { Command, Option } from 'commander';
import { DATA_SCALES, DIVERGENCE_ESTIMATORS, Rng, odeLikelihood, tf, writeNpy, type DataScale, type DivergenceEstimator } from '@scoresde/core';
import { withCommonOptions, applyConfig, intArg } from '../options.js';
import { printJson, progressReporter } from '../output.js';
import { checkNpyOut, loadOdeModel, readModelBatch, withOdeOptions, type OdeFlags } from './encode.js';

interface LikelihoodFlags extends OdeFlags {
  in: string;
  out?: string;
  estimator: DivergenceEstimator;
  probes: number;
  dataScale: DataScale;
  dequantize: boolean;
  batchSize?: number;
}

export function likelihoodCommand(): Command {
  const cmd = new Command('likelihood')
    .description('bits/dim of data under a score model (probability-flow ODE + Hutchinson trace estimator)')
    .requiredOption('--in <x.npy>', 'data [B, H, W, C] or one image [H, W, C] (.npy, .png, .dcm)')
    .addOption(new Option('--estimator <e>', 'divergence estimator').choices([...DIVERGENCE_ESTIMATORS]).default('rademacher'))
    .option('--probes <p>', 'Hutchinson probes per sample, averaged', intArg('--probes', 1), 1)
    .addOption(new Option('--data-scale <s>', "how the data relate to 8-bit pixels: none | unit ([0,1], +8 bits) | centered ([-1,1], +7 bits)").choices([...DATA_SCALES]).default('none'))
    .option('--dequantize', 'uniform dequantisation of 8-bit data, (255·x + U)/256 (needs --data-scale unit|centered)', false)
    .option('--batch-size <b>', 'samples per ODE solve (default: all)', intArg('--batch-size', 1))
    .option('--out <bpd.npy>', 'per-sample bits/dim [B] float32');
  withOdeOptions(cmd, 'start time ε of the flow (default 1e-5, as score_sde)');
  cmd.addHelpText('after', '\nExample:\n  scoresde likelihood --model gaussian:mean.npy,cov.npy --sde vp --in x.npy --estimator rademacher --probes 4 --json\n');
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    await runLikelihood(c.opts<LikelihoodFlags>());
  });
  return cmd;
}

async function runLikelihood(o: LikelihoodFlags): Promise<void> {
  if (o.out !== undefined) checkNpyOut(o.out);
  const setup = await loadOdeModel(o);
  const { sde, model } = setup;
  const x = await readModelBatch(o.in, model, '--in');
  const B = x.shape[0]!;
  const batch = Math.min(o.batchSize ?? B, B);
  const batches = Math.ceil(B / batch);
  const rng = new Rng(o.seed);
  const eps = o.eps ?? 1e-5;
  const progress = progressReporter('likelihood', !o.quiet);
  const bpd = new Float64Array(B);
  const logp = new Float64Array(B);
  let nfe = 0;
  let offset = 0;
  let dims = 0;
  const started = Date.now();
  try {
    for (let i = 0; i < batches; i++) {
      const n = Math.min(batch, B - i * batch);
      const xb = batches === 1 ? x : tf.slice(x, i * batch, n);
      try {
        const r = await odeLikelihood(xb, {
          sde,
          score: (xx, t) => model.score(xx, t),
          estimator: o.estimator,
          probes: o.probes,
          rng: rng.fork(i),
          rtol: o.rtol,
          atol: o.atol,
          eps,
          dataScale: o.dataScale,
          dequantize: o.dequantize,
          onStep: ({ t }) => progress(Math.round(1000 * (i + (t - eps) / (sde.T - eps))), 1000 * batches),
        });
        r.z.dispose();
        bpd.set(r.bpd, i * batch);
        logp.set(r.logp, i * batch);
        nfe += r.nfe;
        offset = r.offset;
        dims = r.dims;
      } finally {
        if (xb !== x) xb.dispose();
      }
    }
  } finally {
    x.dispose();
    model.dispose?.();
  }
  const seconds = (Date.now() - started) / 1000;
  const mean = bpd.reduce((a, b) => a + b, 0) / B;
  if (o.out !== undefined) await writeNpy(o.out, { data: Float32Array.from(bpd), shape: [B] });
  const probes = o.estimator === 'exact' ? dims : o.probes;
  if (o.json) {
    printJson({ meanBpd: mean, bpd: Array.from(bpd), logp: Array.from(logp), n: B, dims, offset, dataScale: o.dataScale, dequantized: o.dequantize, estimator: o.estimator, probes, eps, rtol: o.rtol, atol: o.atol, nfe, seconds, backend: setup.backend, out: o.out });
  } else {
    process.stdout.write(`bits/dim ${mean.toFixed(4)} (mean of ${B}; ${o.estimator}${o.estimator === 'exact' ? '' : ` ×${o.probes}`}, offset ${offset}, nfe ${nfe}, ${seconds.toFixed(2)} s)\n`);
    if (o.out !== undefined) process.stdout.write(`wrote ${o.out} [${B}]\n`);
  }
}
