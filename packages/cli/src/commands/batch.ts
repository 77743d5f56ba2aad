/**
 * `scoresde batch --in DIR --out DIR --task TASK.json [--resume] [--backend B] [--json]`:
 * derived DICOM series for every image series under DIR (see batch/run.ts, batch/task.ts).
 * Exit status 0 when nothing failed (skipped non-image files do not count), 1 otherwise.
 */
import { Command } from 'commander';
import { initBackend } from '@scoresde/core';
import { withCommonOptions, applyConfig, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { printJson } from '../output.js';
import { readTask } from '../batch/task.js';
import { runBatch } from '../batch/run.js';

interface BatchFlags extends CommonOptions {
  in: string;
  out: string;
  task: string;
  resume: boolean;
  quiet: boolean;
}

export function batchCommand(): Command {
  const cmd = new Command('batch')
    .description('reconstruct every DICOM series in a folder into derived DICOM series, with a report and resume')
    .requiredOption('--in <dir>', 'input folder (walked recursively)')
    .requiredOption('--out <dir>', 'output folder: OUT/<StudyUID>/<SeriesUID>/<SOPUID>.dcm, report.json, report.csv, manifest.json')
    .requiredOption('--task <task.json>', 'operator, set, simulate, model, guidance, guidance_set, sampler, steps, seed, samples, batch_size ("model": "identity" writes the input back)')
    .option('--resume', 'skip series finished by an earlier run into the same --out (same task)', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText(
      'after',
      '\nExample:\n  echo \'{"operator":"mri","set":{"acceleration":4},"model":"./prior","guidance":"projection","steps":500,"seed":1,"samples":4}\' > task.json\n  scoresde batch --in studies/ --out derived/ --task task.json --resume\n',
    );
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<BatchFlags>();
    const task = readTask(o.task);
    let backend = 'none';
    let ctx;
    if (task.kind === 'reconstruct') {
      ctx = await createCliContext(o.plugin);
      backend = (await initBackend(o.backend)).active;
    }
    const r = await runBatch({ inDir: o.in, outDir: o.out, task, resume: o.resume, progress: !o.quiet, ctx });
    const { rows, ...summary } = r;
    if (o.json) printJson({ ...summary, backend, out: o.out, rows });
    else process.stdout.write(`batch: ${r.ok} written, ${r.skipped} skipped, ${r.failed} failed in ${r.series} series (${r.resumedSeries} resumed), ${r.seconds.toFixed(1)} s; report in ${o.out}/report.csv\n`);
    if (r.failed > 0) process.exitCode = 1;
  });
  return cmd;
}
