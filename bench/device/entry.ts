/**
 * Bundle entry for a bare GPU machine (no Node, no registries): the bench command with its
 * suites and packages bundled in, so esbuild can inline everything but Dawn.
 *
 *   ../shared/device/prepare.sh bench/device/entry.ts            # here: builds .devx/ and .gl/
 *   (device) bash .devx/start.sh --only scorenet,kernels,recon --backend webgpu --compare torch --json
 *
 * start.sh runs from .devx/, so the checkout root (bench/torch's PyTorch scripts) is its parent.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as forwardOperators from '@scoresde/forward-operators';
import * as guidance from '@scoresde/guidance';
import { benchCommand } from '../../packages/cli/src/commands/bench.js';
import * as conv from '../suites/conv.mjs';
import * as kernels from '../suites/kernels.mjs';
import * as mri from '../suites/mri.mjs';
import * as radon from '../suites/radon.mjs';
import * as recon from '../suites/recon.mjs';
import * as sampling from '../suites/sampling.mjs';
import * as scorenet from '../suites/scorenet.mjs';

// tfjs-backend-wasm's Emscripten loader reads the CommonJS __dirname when the backend starts;
// an ESM bundle has none, so give it the bundle's folder (where prepare.sh puts the .wasm files).
(globalThis as { __dirname?: string }).__dirname = dirname(fileURLToPath(import.meta.url));

const modules = { conv, kernels, mri, radon, recon, sampling, scorenet };
const cmd = benchCommand({
  modules: modules as never,
  packages: { 'forward-operators': forwardOperators, guidance } as never,
  root: resolve(process.cwd(), '..'),
});
try {
  await cmd.exitOverride().parseAsync(['node', 'bench', ...process.argv.slice(2)]);
  process.exit(0);
} catch (e) {
  const err = e as { code?: string; message?: string };
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') process.exit(0);
  process.stderr.write(`bench: ${String(err.message ?? e).split('\n')[0]}\n`);
  process.exit(1);
}
