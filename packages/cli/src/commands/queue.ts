/**
 * `scoresde queue status --queue URL [--json]` (job counts and progress) and
 * `scoresde queue failed --queue URL [--json]` (failed series jobs with their reasons),
 * `scoresde queue clean --queue URL [--state completed|failed|all]` (drop finished jobs from Redis).
 */
import { Command } from 'commander';
import { applyConfig } from '../options.js';
import { printJson } from '../output.js';
import { ScoresdeError } from '@scoresde/core';
import { cleanJobs, failedJobs, queueCounts } from '../queue/status.js';

interface QueueFlags {
  queue: string;
  json: boolean;
}

function sub(name: string, description: string, example: string): Command {
  return new Command(name)
    .description(description)
    .requiredOption('--queue <url>', 'Redis URL: redis://HOST:PORT')
    .option('--json', 'machine-readable output on stdout', false)
    .option('--config <file>', 'JSON file of option values; flags given on the command line win')
    .option('--debug', 'print stack traces on errors', false)
    .addHelpText('after', `\nExample:\n  ${example}\n`);
}

export function queueCommand(): Command {
  const status = sub('status', 'counts (waiting, active, completed, failed, delayed) and progress of the batch queue', 'scoresde queue status --queue redis://127.0.0.1:6379 --json');
  status.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<QueueFlags>();
    const n = await queueCounts(o.queue);
    if (o.json) printJson(n);
    else {
      process.stdout.write(
        `queue: ${n.waiting} waiting, ${n.active} active, ${n.delayed} delayed (retry back-off), ${n.completed} completed, ${n.failed} failed; ` +
          `${(100 * n.progress).toFixed(1)}% of ${n.total} series finished\n`,
      );
    }
  });
  const failed = sub('failed', 'list the failed series jobs with their reasons', 'scoresde queue failed --queue redis://127.0.0.1:6379');
  failed.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<QueueFlags>();
    const jobs = await failedJobs(o.queue);
    if (o.json) printJson(jobs);
    else if (jobs.length === 0) process.stdout.write('queue: no failed jobs\n');
    else for (const j of jobs) process.stdout.write(`${j.id}\tseries ${j.series}\tattempts ${j.attempts}\tout ${j.out}\t${j.reason}\n`);
  });
  const clean = sub('clean', 'remove finished jobs (and their stored results) from Redis; outputs on disk stay', 'scoresde queue clean --queue redis://127.0.0.1:6379 --state completed');
  clean.option('--state <s>', 'completed | failed | all', 'all');
  clean.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<QueueFlags & { state: string }>();
    const states = o.state === 'all' ? (['completed', 'failed'] as const) : o.state === 'completed' || o.state === 'failed' ? ([o.state] as const) : undefined;
    if (!states) throw new ScoresdeError(`--state must be completed, failed or all, got '${o.state}'`);
    const removed = await cleanJobs(o.queue, states);
    if (o.json) printJson(removed);
    else process.stdout.write(`queue: removed ${Object.entries(removed).map(([k, v]) => `${v} ${k}`).join(', ')} job(s)\n`);
  });
  return new Command('queue').description('inspect the distributed batch queue (see `batch --queue` and `worker`)').addCommand(status).addCommand(failed).addCommand(clean);
}
