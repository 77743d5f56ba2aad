/**
 * A failure the user caused or can fix (bad input, unknown name, malformed file).
 * The CLI prints `message` as one line and exits non-zero; no stack trace unless --debug.
 */
export class ScoresdeError extends Error {
  override readonly name = 'ScoresdeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Throw a ScoresdeError unless `cond` holds. */
export function check(cond: unknown, message: string | (() => string)): asserts cond {
  if (!cond) throw new ScoresdeError(typeof message === 'function' ? message() : message);
}
