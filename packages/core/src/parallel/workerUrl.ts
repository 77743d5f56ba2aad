/**
 * Where a worker-thread script is: beside the calling module when it runs from dist/, else the
 * built copy (tests run the TypeScript sources, whose workers must be built JavaScript).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScoresdeError } from '../errors.js';

export function builtWorkerUrl(here: URL, built: URL, what: string): URL {
  for (const u of [here, built]) if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  throw new ScoresdeError(`${what}: worker script not found (${fileURLToPath(here)}); build the core package (npx tsc -b)`);
}
