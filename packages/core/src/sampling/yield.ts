/**
 * Cooperative yielding for long synchronous loops: sampling steps queue work without awaiting, so
 * a long run would otherwise hold the event loop (timers, progress output, worker heartbeats) for
 * its whole duration. `maybeYield` returns to the event loop at most every `intervalMs`.
 */
export function createYielder(intervalMs = 50): () => Promise<void> {
  let last = performance.now();
  return async () => {
    const now = performance.now();
    if (now - last < intervalMs) return;
    await new Promise<void>((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
    last = performance.now();
  };
}
