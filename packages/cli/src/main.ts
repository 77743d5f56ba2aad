#!/usr/bin/env node
import { buildProgram } from './program.js';
import { reportError, EXIT_FAILURE, EXIT_USAGE } from './fail.js';

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const prepare = (c: import('commander').Command): void => {
    c.exitOverride();
    // Mandatory options may come from --config: applyConfig checks them after merging the file.
    (c as unknown as { missingMandatoryOptionValue: () => void }).missingMandatoryOptionValue = () => undefined;
    c.showSuggestionAfterError(false);
    c.configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith('error:') ? `scoresde: ${s}` : s) });
    for (const sub of c.commands) prepare(sub);
  };
  prepare(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    const code = (e as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // commander already printed its one-line message (or help/version output).
      const ec = (e as { exitCode?: number }).exitCode ?? EXIT_USAGE;
      return code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help' ? 0 : ec === 0 ? 0 : EXIT_USAGE;
    }
    reportError(e, argv);
    return EXIT_FAILURE;
  }
}

main(process.argv).then(
  (code) => process.exit(code),
  (e: unknown) => {
    reportError(e);
    process.exit(EXIT_FAILURE);
  },
);
