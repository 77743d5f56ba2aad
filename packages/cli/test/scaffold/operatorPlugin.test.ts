import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, symlinkSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRegistries, initBackend, registerPlugin, Rng, ScoresdeError, tf } from '@scoresde/core';
import { adjointCheck } from '@scoresde/forward-operators';
import { scaffoldOperatorPlugin } from '../../src/scaffold/operatorPlugin.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
let dir: string;
let files: string[];

beforeAll(async () => {
  dir = join(mkdtempSync(join(tmpdir(), 'scaffold-')), 'my-op');
  files = await scaffoldOperatorPlugin(dir, 'my-op');
  // what `npm install` would provide: the host's packages
  symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'), 'dir');
});

describe('scaffoldOperatorPlugin', () => {
  it('writes a complete plugin package', () => {
    expect(files.map((f) => f.slice(dir.length + 1)).sort()).toEqual(
      ['.gitignore', 'README.md', 'package.json', 'src/index.ts', 'test/adjoint.test.ts', 'tsconfig.json'].sort(),
    );
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    expect(pkg.name).toBe('scoresde-plugin-my-op');
    expect(pkg.dependencies['@scoresde/core']).toBe('^0.1.0');
  });

  it('the generated operator registers and has an exact adjoint and pseudo-inverse (cpu, wasm)', async () => {
    const mod = (await import(pathToFileURL(join(dir, 'src/index.ts')).href)) as { default: unknown };
    const reg = createRegistries();
    const loaded = await registerPlugin(mod.default, reg, dir);
    expect(loaded.registered).toEqual([{ kind: 'operators', name: 'my-op' }]);
    for (const backend of ['cpu', 'wasm']) {
      await initBackend(backend);
      const op = await reg.operators.create('my-op', { factor: 2 }, { inputShape: [8, 6, 3], cwd: dir, registries: reg });
      expect(op.outputShape).toEqual([4, 3, 3]);
      expect(await adjointCheck(op, new Rng(1))).toBeLessThan(1e-5);
      const y = new Rng(2).normalTensor([1, 4, 3, 3]);
      const back = op.forward(op.pseudoInverse!(y)).dataSync();
      const yv = y.dataSync();
      for (let i = 0; i < yv.length; i++) expect(back[i]!).toBeCloseTo(yv[i]!, 5);
      const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
      const op4 = await reg.operators.create('my-op', {}, { inputShape: [4, 4, 1], cwd: dir, registries: reg });
      expect(Array.from(op4.forward(x).dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
      await expect(reg.operators.create('my-op', { factor: 3 }, { inputShape: [8, 6, 1], cwd: dir, registries: reg })).rejects.toThrow(
        'my-op: image 8×6 is not divisible by factor 3',
      );
    }
  });

  it('the generated package type-checks and its own test passes unmodified', () => {
    expect(existsSync(join(repo, 'packages/core/dist/index.js'))).toBe(true); // `npm test` builds first
    const node = process.execPath;
    execFileSync(node, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', dir, '--noEmit'], { cwd: dir, stdio: 'pipe' });
    const out = execFileSync(node, [join(repo, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir], {
      cwd: dir,
      stdio: 'pipe',
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(out).toMatch(/Tests\s+4 passed/);
  });

  it('rejects bad names and non-empty directories in one line', async () => {
    await expect(scaffoldOperatorPlugin(join(tmpdir(), 'x'), 'Bad Name')).rejects.toThrow(ScoresdeError);
    await expect(scaffoldOperatorPlugin(join(tmpdir(), 'x'), 'Bad Name')).rejects.toThrow(/plugin name 'Bad Name' is invalid/);
    const full = mkdtempSync(join(tmpdir(), 'scaffold-full-'));
    mkdirSync(join(full, 'src'));
    writeFileSync(join(full, 'src', 'a.ts'), '');
    await expect(scaffoldOperatorPlugin(full, 'ok')).rejects.toThrow(/directory is not empty/);
  });
});
