/**
 * Shape checks shared by the operators. Shapes are written H×W×C in messages; tensors are NHWC
 * with a leading batch axis, so an operator with per-sample shape [H, W, C] takes [B, H, W, C].
 */
import { ScoresdeError, type Tensor } from '@scoresde/core';

/** `[64, 64, 1]` → `64×64×1`. */
export function shapeStr(shape: readonly number[]): string {
  return shape.length ? shape.join('×') : 'scalar';
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Check that `t` is a batch of per-sample shape `expected` ([B, ...expected]).
 * `what` names the tensor ('image', 'measurement'), `role` the operator side ('input', 'output').
 * Throws e.g. "mask: image 64×64×1 does not match operator input 128×128×1".
 */
export function checkBatch(t: Tensor, expected: readonly number[], op: string, what: string, role: string): void {
  const s = t.shape;
  if (s.length !== expected.length + 1 || !sameShape(s.slice(1), expected)) {
    const got = s.length === expected.length + 1 ? shapeStr(s.slice(1)) : `${shapeStr(s)} (rank ${s.length}, want [batch, ${shapeStr(expected)}])`;
    throw new ScoresdeError(`${op}: ${what} ${got} does not match operator ${role} ${shapeStr(expected)}`);
  }
}

/** x must be [B, ...op.inputShape]. */
export function checkInput(x: Tensor, op: { name: string; inputShape: readonly number[] }): void {
  checkBatch(x, op.inputShape, op.name, 'image', 'input');
}

/** y must be [B, ...op.outputShape]. */
export function checkOutput(y: Tensor, op: { name: string; outputShape: readonly number[] }): void {
  checkBatch(y, op.outputShape, op.name, 'measurement', 'output');
}

/** A per-sample image shape must be [H, W, C] of positive integers. */
export function checkImageShape(shape: readonly number[], op: string): [number, number, number] {
  if (shape.length !== 3 || !shape.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ScoresdeError(`${op}: input shape must be [H, W, C] of positive integers, got [${shape.join(', ')}]`);
  }
  return [shape[0]!, shape[1]!, shape[2]!];
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
