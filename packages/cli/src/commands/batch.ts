/**
 * `scoresde batch --in DIR --out DIR --task TASK.json [--resume] [--backend B] [--json]`:
 * derived DICOM series for every image series under DIR (see batch/run.ts, batch/task.ts).
 * Exit status 0 when nothing failed (skipped non-image files do not count), 1 otherwise.
 */
import { Command } from 'commander';
import { initBackend, ScoresdeError } from '@scoresde/core';
import { withCommonOptions, applyConfig, intArg, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { printJson } from '../output.js';
import { readTask } from '../batch/task.js';
import { runBatch } from '../batch/run.js';
import { runQueuedBatch } from '../queue/enqueue.js';

interface BatchFlags extends CommonOptions {
  in: string;
  out: string;
  task: string;
  resume: boolean;
  quiet: boolean;
  queue?: string;
  wait: boolean;
  attempts: number;
  backoffMs: number;
  lostTimeout: number;
}

export function batchCommand(): Command {
  const cmd = new Command('batch')
    .description('reconstruct every DICOM series in a folder into derived DICOM series, with a report and resume')
    .requiredOption('--in <dir>', 'input folder (walked recursively)')
    .requiredOption('--out <dir>', 'output folder: OUT/<StudyUID>/<SeriesUID>/<SOPUID>.dcm, report.json, report.csv, manifest.json')
    .requiredOption('--task <task.json>', 'operator, set, simulate, model, guidance, guidance_set, sampler, steps, seed, samples, batch_size ("model": "identity" writes the input back)')
    .option('--resume', 'skip series finished by an earlier run into the same --out (same task)', false)
    .option('--quiet', 'no progress on stderr', false)
    .option('--queue <url>', 'distribute: enqueue one job per series on Redis (redis://HOST:PORT) for `scoresde worker`s, wait, write the report')
    .option('--no-wait', 'with --queue: enqueue and return (no report; `scoresde queue status` shows progress)')
    .option('--attempts <n>', 'with --queue: tries per series job (exponential back-off between them)', intArg('--attempts', 1), 3)
    .option('--backoff-ms <ms>', 'with --queue: first retry delay, doubled each retry', intArg('--backoff-ms', 0), 1000)
    .option('--lost-timeout <s>', 'with --queue: give up after Redis has been unreachable this long while waiting', intArg('--lost-timeout', 1), 60)
    .addHelpText(
      'after',
      '\nExample:\n  echo \'{"operator":"mri","set":{"acceleration":4},"model":"./prior","guidance":"projection","steps":500,"seed":1,"samples":4}\' > task.json\n  scoresde batch --in studies/ --out derived/ --task task.json --resume\n',
    );
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<BatchFlags>();
    const task = readTask(o.task);
    if (o.queue !== undefined) {
      if (o.resume) throw new ScoresdeError('--resume is implied by --queue (finished series jobs are reused); drop --resume');
      const q = await runQueuedBatch({ queue: o.queue, inDir: o.in, outDir: o.out, task, wait: o.wait, attempts: o.attempts, backoffMs: o.backoffMs, lostTimeoutS: o.lostTimeout, progress: !o.quiet });
      const { rows, ...summary } = q;
      if (o.json) printJson({ ...summary, queue: o.queue, out: o.out, rows });
      else if (!q.waited) process.stdout.write(`batch: ${q.enqueued} series enqueued on ${o.queue} (${q.resumedSeries} already done); \`scoresde queue status --queue ${o.queue}\` shows progress\n`);
      else process.stdout.write(`batch: ${q.ok} written, ${q.skipped} skipped, ${q.failed} failed in ${q.series} series (${q.resumedSeries} done earlier) by queue workers, ${q.seconds.toFixed(1)} s; report in ${o.out}/report.csv\n`);
      if (q.failed > 0) process.exitCode = 1;
      return;
    }
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
