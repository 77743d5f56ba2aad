/**
 * The model packs the demo uses, loaded through the public plugin loader like any `--plugin`:
 * by default the packs shipped in this repository (`plugins/prior-ellipses-64`,
 * `plugins/prior-shapes-32`, found relative to this file: packages/cli/{src,dist}/demo/ → the
 * repository root), or other paths given with --ellipses-pack / --shapes-pack.
 */
import { fileURLToPath } from 'node:url';
import { loadPlugins, ScoresdeError } from '@scoresde/core';
import type { CliContext } from '../context.js';

export const ELLIPSES_PRIOR = 'prior-ellipses-64';
export const SHAPES_PRIOR = 'prior-shapes-32';

export function defaultPackPath(name: string): string {
  return fileURLToPath(new URL(`../../../../plugins/${name}`, import.meta.url));
}

/** Load the packs (unless their names are already registered, e.g. by --plugin). */
export async function loadPacks(ctx: CliContext, paths: { ellipses?: string; shapes?: string }, needShapes: boolean): Promise<void> {
  const specs: string[] = [];
  if (!ctx.registries.scoreModels.has(ELLIPSES_PRIOR)) specs.push(paths.ellipses ?? defaultPackPath(ELLIPSES_PRIOR));
  if (needShapes && !ctx.registries.scoreModels.has(SHAPES_PRIOR)) specs.push(paths.shapes ?? defaultPackPath(SHAPES_PRIOR));
  const { loaded, failed } = await loadPlugins(specs, ctx.registries, ctx.cwd);
  if (failed.length > 0) throw new ScoresdeError(`demo: cannot load the model packs: ${failed.map((f) => f.error).join('; ')}`);
  ctx.plugins.push(...loaded);
  if (!ctx.registries.scoreModels.has(ELLIPSES_PRIOR)) throw new ScoresdeError(`demo: the ellipses pack did not register the score model '${ELLIPSES_PRIOR}'`);
  if (needShapes && !ctx.registries.classifiers.has(SHAPES_PRIOR)) throw new ScoresdeError(`demo: the shapes pack did not register the classifier '${SHAPES_PRIOR}'`);
}
