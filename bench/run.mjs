#!/usr/bin/env node
/**
 * Benchmark dispatcher: `node bench/run.mjs [--json] [--only NAME[,NAME]] [--compare torch]` (or
 * `npm run bench`, which builds first) — the same runner as `scoresde bench`
 * (packages/cli/src/commands/bench.ts). Imports every bench/suites/*.mjs — each exports
 * `async function run(ctx)` returning rows (plain objects) — and prints one table per suite, or
 * with --json one JSON object {suite: rows}. Suites use the BUILT packages (packages/<pkg>/dist),
 * so run `npx tsc -b` first. Progress goes to stderr.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'packages', 'cli', 'dist', 'commands', 'bench.js');
let bench;
try {
  bench = await import(pathToFileURL(file).href);
} catch (e) {
  process.stderr.write(`bench: cannot import ${file} (${String(e?.message ?? e).split('\n')[0]}); run \`npx tsc -b\` first\n`);
  process.exit(1);
}
try {
  await bench.benchCommand().exitOverride().parseAsync(process.argv);
} catch (e) {
  if (e?.code === 'commander.helpDisplayed' || e?.code === 'commander.help') process.exit(0);
  process.stderr.write(`bench: ${String(e?.message ?? e).replace(/^(error|bench): /, '')}\n`);
  process.exit(1);
}
