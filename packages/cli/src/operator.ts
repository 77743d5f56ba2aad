/** Creating a registered operator from `--operator NAME --set k=v …` for an image shape. */
import { parseSetArgs, ScoresdeError, type ForwardOperator } from '@scoresde/core';
import type { CliContext } from './context.js';

export async function createOperator(ctx: CliContext, name: string, sets: readonly string[], inputShape: number[]): Promise<ForwardOperator> {
  if (!name) throw new ScoresdeError('--operator is required');
  return ctx.registries.operators.create(name, parseSetArgs(sets), { inputShape, cwd: ctx.cwd, registries: ctx.registries });
}

/** y given with or without the batch axis → [B, ...outputShape]. */
export function measurementBatch(shape: readonly number[], op: ForwardOperator, what: string): number[] {
  const o = op.outputShape;
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (same(shape, o)) return [1, ...o];
  if (shape.length === o.length + 1 && same(shape.slice(1), o)) return [...shape];
  throw new ScoresdeError(`${what}: shape [${shape.join(', ')}] does not match operator '${op.name}' output [${o.join(', ')}] (with or without a batch axis)`);
}
