/**
 * `scoresde calibrate`: every guidance × {PC, ODE} × operator against the closed-form posterior of
 * an analytic Gaussian prior — mean error, covariance relative Frobenius error, 2-Wasserstein —
 * written as calibration.md + calibration.json.
 */
import { Command, Option } from 'commander';
import { initBackend, ScoresdeError } from '@scoresde/core';
import {
  calibrate,
  writeCalibration,
  CALIBRATION_GUIDANCES,
  CALIBRATION_OPERATORS,
  CALIBRATION_SDES,
  type CalibrationGuidance,
  type CalibrationOperator,
} from '@scoresde/guidance';
import { withCommonOptions, applyConfig, collect, intArg, floatArg, type CommonOptions } from '../options.js';
import { printJson, progressReporter } from '../output.js';

interface CalibrateFlags extends CommonOptions {
  out: string;
  sde: (typeof CALIBRATION_SDES)[number];
  side: string[];
  operator: string[];
  sigma: string[];
  sampler: string[];
  guidance: string[];
  samples: number;
  steps: number;
  rtol: number;
  corrector: 'none' | 'langevin';
  snr?: number;
  quiet: boolean;
}

function subset<T extends string>(values: readonly string[], allowed: readonly T[], flag: string): T[] | undefined {
  if (values.length === 0) return undefined;
  for (const v of values) if (!(allowed as readonly string[]).includes(v)) throw new ScoresdeError(`${flag} '${v}' is not one of ${allowed.join(', ')}`);
  return values as T[];
}

function numbers(values: readonly string[], flag: string, integer: boolean): number[] | undefined {
  if (values.length === 0) return undefined;
  return values.map((v) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) throw new ScoresdeError(`${flag} expects ${integer ? 'a positive integer' : 'a number ≥ 0'}, got '${v}'`);
    return n;
  });
}

export function calibrateCommand(): Command {
  const cmd = new Command('calibrate')
    .description('calibrate every guidance × sampler × operator against exact Gaussian posteriors (markdown + JSON table)')
    .option('--out <dir>', 'where calibration.md and calibration.json go', 'out/calibration')
    .addOption(new Option('--sde <name>', 'SDE').choices([...CALIBRATION_SDES]).default('vp'))
    .option('--side <n>', 'image side n (prior on n×n×1; repeatable; default 4 and 8)', collect, [])
    .option('--operator <name>', `operator (repeatable): ${CALIBRATION_OPERATORS.join(', ')}`, collect, [])
    .option('--sigma <s>', 'measurement noise σ_y (repeatable; default 0 and 0.05)', collect, [])
    .option('--sampler <kind>', 'pc | ode (repeatable; default both)', collect, [])
    .option('--guidance <name>', `guidance (repeatable): ${CALIBRATION_GUIDANCES.join(', ')}`, collect, [])
    .option('--samples <k>', 'posterior samples per row', intArg('--samples', 2), 2000)
    .option('--steps <n>', 'PC steps', intArg('--steps', 1), 1000)
    .option('--rtol <r>', 'ODE tolerance (rtol = atol)', floatArg('--rtol', 0), 1e-5)
    .addOption(new Option('--corrector <c>', 'PC corrector').choices(['none', 'langevin']).default('none'))
    .option('--snr <s>', 'Langevin signal-to-noise ratio', floatArg('--snr', 0))
    .option('--quiet', 'no progress on stderr', false)
    .addHelpText('after', '\nExample:\n  scoresde calibrate --operator mask --operator matrix --sampler ode --samples 1000 --out out/calibration\n');
  withCommonOptions(cmd);
  cmd.action(async (_o, c: Command) => {
    applyConfig(c);
    const o = c.opts<CalibrateFlags>();
    await initBackend(o.backend);
    const progress = progressReporter('calibrate', !o.quiet);
    const report = await calibrate({
      sde: o.sde,
      sides: numbers(o.side, '--side', true),
      operators: subset<CalibrationOperator>(o.operator, CALIBRATION_OPERATORS, '--operator'),
      sigmas: numbers(o.sigma, '--sigma', false),
      samplers: subset<'pc' | 'ode'>(o.sampler, ['pc', 'ode'], '--sampler'),
      guidances: subset<CalibrationGuidance>(o.guidance, CALIBRATION_GUIDANCES, '--guidance'),
      samples: o.samples,
      steps: o.steps,
      rtol: o.rtol,
      corrector: o.corrector,
      snr: o.snr,
      seed: o.seed,
      onRow: (_row, i, total) => progress(i + 1, total),
    });
    const files = await writeCalibration(report, o.out);
    if (o.json) printJson({ ...files, rows: report.rows });
    else process.stdout.write(`${report.markdown}\nwrote ${files.markdown} and ${files.json}\n`);
    if (report.rows.some((r) => r.status === 'failed')) process.exitCode = 1;
  });
  return cmd;
}
