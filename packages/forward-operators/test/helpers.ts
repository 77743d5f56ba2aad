/** Shared test utilities: backends to run on, and host readback. */
import { initBackend, tf, type Tensor } from '@scoresde/core';

export const BACKENDS = ['cpu', 'wasm'] as const;

export async function useBackend(name: string): Promise<void> {
  await initBackend(name);
}

export function host(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** max |a − b| */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export { tf };
