#!/usr/bin/env node
/**
 * Copy a `scoresde train` run folder (its EMA weights: weights.safetensors + config.json) into a
 * model pack's weights/ folder with F16 storage (the Fourier features and `sigmas` stay F32):
 *
 *   node plugins/prior-shapes-32/recipe/export-pack.mjs RUN_DIR plugins/prior-shapes-32/weights
 *
 * The config keeps the run's `train` section (seed, step, batch, optimiser, data), so the pack
 * records how far the recipe was run. Run from the repository root after `npm run build`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend, loadScoreModelFolder, saveScoreModelFolder } from '@scoresde/core';

const [run, out] = process.argv.slice(2);
if (!run || !out) {
  console.error('usage: export-pack.mjs RUN_DIR OUT_DIR');
  process.exit(2);
}
await initBackend('cpu');
const config = JSON.parse(await readFile(join(run, 'config.json'), 'utf8'));
const model = await loadScoreModelFolder(run);
await saveScoreModelFolder(out, model.network, { dtype: 'F16', extra: { train: config.train }, metadata: { source: 'scoresde train', step: String(config.train?.step ?? '') } });
console.error(`exported ${run} (step ${config.train?.step}) to ${out} as F16`);
