/** The `scoresde` command tree. */
import { Command } from 'commander';
import { pluginsCommand } from './commands/plugins.js';
import { sampleCommand } from './commands/sample.js';
import { forwardCommand } from './commands/forward.js';
import { baselineCommand } from './commands/baseline.js';
import { metricsCommand } from './commands/metrics.js';
import { batchCommand } from './commands/batch.js';
import { trainCommand } from './commands/train.js';

export function buildProgram(): Command {
  const program = new Command('scoresde')
    .description('score-based generative models for imaging inverse problems')
    .version('0.1.0')
    .showHelpAfterError(false);
  program.addCommand(sampleCommand());
  program.addCommand(forwardCommand());
  program.addCommand(baselineCommand());
  program.addCommand(metricsCommand());
  program.addCommand(batchCommand());
  program.addCommand(trainCommand());
  program.addCommand(pluginsCommand());
  return program;
}
