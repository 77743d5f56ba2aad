/**
 * `scoresde plugins new operator NAME`: write a complete operator-plugin package into `dir`
 * (package.json, tsconfig.json, src/index.ts with a working linear operator, test/adjoint.test.ts,
 * README.md, .gitignore). The generated adjointness test passes unmodified.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PLUGIN_API_VERSION, ScoresdeError } from '@scoresde/core';
import { adjointTestTs, GITIGNORE, indexTs, packageJson, readme, tsconfigJson, type TemplateVars } from './operatorTemplate.js';

export interface ScaffoldOptions {
  /** npm package name (default `scoresde-plugin-NAME`). */
  packageName?: string;
  /** version range of @scoresde/core (default ^0.1.0). */
  coreRange?: string;
}

const NAME_RE = /^[a-z][a-z0-9-]*$/;

/** Returns the absolute paths written. Refuses to write into a non-empty directory. */
export async function scaffoldOperatorPlugin(dir: string, name: string, opts: ScaffoldOptions = {}): Promise<string[]> {
  if (!NAME_RE.test(name)) {
    throw new ScoresdeError(`plugin name '${name}' is invalid (lower-case letters, digits and '-', starting with a letter)`);
  }
  const root = resolve(dir);
  if (existsSync(root) && (await readdir(root)).length > 0) {
    throw new ScoresdeError(`cannot scaffold into ${root}: directory is not empty`);
  }
  const v: TemplateVars = {
    name,
    packageName: opts.packageName ?? `scoresde-plugin-${name}`,
    coreRange: opts.coreRange ?? '^0.1.0',
    apiVersion: PLUGIN_API_VERSION,
  };
  const files: [string, string][] = [
    ['package.json', packageJson(v)],
    ['tsconfig.json', tsconfigJson()],
    ['src/index.ts', indexTs(v)],
    ['test/adjoint.test.ts', adjointTestTs(v)],
    ['README.md', readme(v)],
    ['.gitignore', GITIGNORE],
  ];
  await mkdir(join(root, 'src'), { recursive: true });
  await mkdir(join(root, 'test'), { recursive: true });
  const written: string[] = [];
  for (const [rel, text] of files) {
    const p = join(root, rel);
    await writeFile(p, text, 'utf8');
    written.push(p);
  }
  return written;
}
