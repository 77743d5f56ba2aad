/**
 * `scoresde demo [--out out/demo] [--phantoms 8] [--steps N] [--quick]`: the main job on the
 * shipped model packs (see src/demo/). `npm run demo` runs it with the defaults.
 */
import { Command } from 'commander';
import { initBackend } from '@scoresde/core';
import { withCommonOptions, applyConfig, floatArg, intArg, type CommonOptions } from '../options.js';
import { createCliContext } from '../context.js';
import { printJson } from '../output.js';
import { runDemo } from '../demo/run.js';
import { FULL, resolveSettings, type DemoFlags } from '../demo/settings.js';
import { TASK_STEPS } from '../demo/tasks.js';

interface DemoOptions extends CommonOptions, DemoFlags {
  ellipsesPack?: string;
  shapesPack?: string;
  quiet: boolean;
}

export function demoCommand(): Command {
  const cmd = new Command('demo')
    .description('reconstruct held-out ellipse phantoms (CT 23 views, MRI 4×/8×) with the shipped prior beside FBP / zero-filled / TV, and sample the shapes prior per class')
    .option('--out <dir>', 'output folder', 'out/demo')
    .option('--phantoms <n>', `held-out phantoms (default ${FULL.phantoms})`, intArg('--phantoms', 1))
    .option('--samples <k>', `posterior samples per phantom (default ${FULL.samples})`, intArg('--samples', 1))
    .option('--steps <n>', `PC steps of every task (default per task: ${Object.entries(TASK_STEPS).map(([k, v]) => `${k} ${v}`).join(', ')})`, intArg('--steps', 1))
    .option('--snr <s>', 'Langevin corrector signal-to-noise ratio (default 0.16)', floatArg('--snr', 0))
    .option('--tasks <list>', 'comma-separated tasks (default ct-23,mri-4x,mri-8x)')
    .option('--ct-guidance <g>', 'CT measurement guidance: fbp-consistency (default) | projection')
    .option('--ct-lambda <l>', 'λ of the CT guidance (default 1)', floatArg('--ct-lambda', 0))
    .option('--tv-iters <n>', `TV (PDHG) iterations (default ${FULL.tvIters})`, intArg('--tv-iters', 1))
    .option('--phantom-seed <s>', 'seed of the held-out phantoms (default 1000; the prior was trained on seed 0)', intArg('--phantom-seed'))
    .option('--shapes-per-class <n>', `shapes grid: samples per class, 0 to skip (default ${FULL.shapesPerClass})`, intArg('--shapes-per-class', 0))
    .option('--shape-steps <n>', `shapes grid: PC steps (default ${FULL.shapeSteps})`, intArg('--shape-steps', 1))
    .option('--class-scale <w>', 'shapes grid: classifier guidance scale (default 20; see plugins/prior-shapes-32/README.md)', floatArg('--class-scale'))
    .option('--ellipses-pack <path>', 'model pack of the ellipses prior (default: plugins/prior-ellipses-64 of this repository)')
    .option('--shapes-pack <path>', 'model pack of the shapes prior (default: plugins/prior-shapes-32 of this repository)')
    .option('--quick', 'smoke run: 2 phantoms, 3 steps, 1 shape per class (checks the pipeline, not quality)', false)
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', '\nExamples:\n  npm run demo\n  scoresde demo --out out/demo --phantoms 8 --steps 200 --samples 4\n  scoresde demo --quick --out /tmp/demo\n');
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<DemoOptions>();
    const settings = resolveSettings(o);
    const ctx = await createCliContext(o.plugin);
    const backend = await initBackend(o.backend === 'auto' ? 'auto' : o.backend);
    const log = (line: string): void => {
      if (!o.quiet) process.stderr.write(`${line}\n`);
    };
    const { report, markdown } = await runDemo({ settings, ctx, backend, packs: { ellipses: o.ellipsesPack, shapes: o.shapesPack }, progress: !o.quiet, log });
    if (o.json) printJson(report);
    else process.stdout.write(`${markdown}\nwrote ${settings.out}/ (${report.tasks.map((t) => `${t.id}.png`).join(', ')}${report.shapes ? ', shapes-classes.png' : ''}, results.md, results.json)\n`);
  });
  return cmd;
}
