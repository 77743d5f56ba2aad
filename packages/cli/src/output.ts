/** stdout for results, stderr for progress. */
export function printJson(v: unknown): void {
  process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
}

/** A progress line on stderr, overwritten in place on a TTY, throttled. */
export function progressReporter(label: string, enabled = true): (done: number, total: number) => void {
  let last = 0;
  const start = Date.now();
  const tty = process.stderr.isTTY;
  return (done, total) => {
    if (!enabled) return;
    const now = Date.now();
    if (done < total && now - last < (tty ? 200 : 5000)) return;
    last = now;
    const secs = (now - start) / 1000;
    const rate = done / Math.max(secs, 1e-9);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const line = `${label}: ${done}/${total} (${rate.toFixed(1)}/s, eta ${eta.toFixed(0)}s)`;
    process.stderr.write(tty ? `\r${line}${done >= total ? '\n' : ''}` : `${line}\n`);
  };
}
