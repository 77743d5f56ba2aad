/**
 * One error format for every command: `scoresde: error: <what and why>` on one line, non-zero
 * exit, no stack trace unless --debug.
 */
import { ScoresdeError } from '@scoresde/core';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function isDebug(argv: readonly string[] = process.argv): boolean {
  return argv.includes('--debug') || process.env['SCORESDE_DEBUG'] === '1';
}

export function formatError(e: unknown): string {
  if (e instanceof ScoresdeError) return e.message.replace(/\s*\n\s*/g, ' ');
  if (e instanceof Error) {
    const first = e.message.split('\n')[0] ?? String(e);
    return `internal error: ${first} (run with --debug for details)`;
  }
  return `internal error: ${String(e)}`;
}

export function reportError(e: unknown, argv: readonly string[] = process.argv): void {
  process.stderr.write(`scoresde: error: ${formatError(e)}\n`);
  if (isDebug(argv) && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
}
