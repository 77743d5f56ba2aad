/** The `scoresde` command tree. */
import { Command } from 'commander';
import { pluginsCommand } from './commands/plugins.js';

export function buildProgram(): Command {
  const program = new Command('scoresde')
    .description('score-based generative models for imaging inverse problems')
    .version('0.1.0')
    .showHelpAfterError(false);
  program.addCommand(pluginsCommand());
  return program;
}
