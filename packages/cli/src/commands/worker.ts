/**
 * `scoresde worker --queue redis://HOST:PORT [--concurrency N] [--backend B] [--lock-ms MS]`:
 * run `batch --queue` series jobs until SIGTERM/SIGINT (see queue/worker.ts).
 */
import { Command } from 'commander';
import { withCommonOptions, applyConfig, intArg, type CommonOptions } from '../options.js';
import { printJson } from '../output.js';
import { runWorker } from '../queue/worker.js';

interface WorkerFlags extends CommonOptions {
  queue: string;
  concurrency: number;
  lockMs: number;
  quiet: boolean;
}

export function workerCommand(): Command {
  const cmd = new Command('worker')
    .description('run the series jobs that `scoresde batch --queue` enqueued (one per series), until SIGTERM/SIGINT')
    .requiredOption('--queue <url>', 'Redis URL: redis://[user:password@]HOST:PORT[/DB]')
    .option('--concurrency <n>', 'series processed at once by this worker', intArg('--concurrency', 1), 1)
    .option('--lock-ms <ms>', 'job lock; a job of a worker that died goes back to the queue after about twice this', intArg('--lock-ms', 500), 30000)
    .option('--quiet', 'no log lines on stderr', false)
    .addHelpText('after', '\nExample (on every host that sees the same --in/--out paths):\n  scoresde worker --queue redis://queue-host:6379 --concurrency 2 --backend wasm\n');
  withCommonOptions(cmd, { seed: false });
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<WorkerFlags>();
    const done = await runWorker({
      queue: o.queue,
      concurrency: o.concurrency,
      backend: o.backend,
      plugins: o.plugin,
      lockMs: o.lockMs,
      log: (line) => {
        if (!o.quiet) process.stderr.write(`${line}\n`);
      },
    });
    if (o.json) printJson({ completed: done });
    else if (!o.quiet) process.stderr.write(`worker: stopped after ${done} completed job(s)\n`);
  });
  return cmd;
}
