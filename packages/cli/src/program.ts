/** The `scoresde` command tree. */
import { Command } from 'commander';
import { pluginsCommand } from './commands/plugins.js';
import { sampleCommand } from './commands/sample.js';
import { reconstructCommand } from './commands/reconstruct.js';
import { scoreCommand } from './commands/score.js';
import { doctorCommand } from './commands/doctor.js';
import { calibrateCommand } from './commands/calibrate.js';
import { trainClassifierCommand } from './commands/trainClassifier.js';
import { pngCommand } from './commands/png.js';
import { forwardCommand } from './commands/forward.js';
import { baselineCommand } from './commands/baseline.js';
import { metricsCommand } from './commands/metrics.js';
import { batchCommand } from './commands/batch.js';
import { trainCommand } from './commands/train.js';
import { likelihoodCommand } from './commands/likelihood.js';
import { encodeCommand } from './commands/encode.js';
import { decodeCommand } from './commands/decode.js';
import { interpolateCommand } from './commands/interpolate.js';
import { benchCommand } from './commands/bench.js';
import { workerCommand } from './commands/worker.js';
import { queueCommand } from './commands/queue.js';
import { demoCommand } from './commands/demo.js';

export function buildProgram(): Command {
  const program = new Command('scoresde')
    .description('score-based generative models for imaging inverse problems')
    .version('0.1.0')
    .showHelpAfterError(false);
  program.addCommand(sampleCommand());
  program.addCommand(reconstructCommand());
  program.addCommand(scoreCommand());
  program.addCommand(calibrateCommand());
  program.addCommand(trainClassifierCommand());
  program.addCommand(forwardCommand());
  program.addCommand(baselineCommand());
  program.addCommand(metricsCommand());
  program.addCommand(batchCommand());
  program.addCommand(workerCommand());
  program.addCommand(queueCommand());
  program.addCommand(trainCommand());
  program.addCommand(likelihoodCommand());
  program.addCommand(encodeCommand());
  program.addCommand(decodeCommand());
  program.addCommand(interpolateCommand());
  program.addCommand(pluginsCommand());
  program.addCommand(pngCommand());
  program.addCommand(doctorCommand());
  program.addCommand(benchCommand());
  program.addCommand(demoCommand());
  return program;
}
