import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { createRegistries, loadPlugin, loadPlugins, registerPlugin, ScoresdeError } from '@scoresde/core';

const here = dirname(fileURLToPath(import.meta.url));
const fx = (n: string) => join(here, 'fixtures', n);

describe('plugin loader', () => {
  it('loads a plugin by path and validates parameters through its schema', async () => {
    const r = createRegistries();
    const p = await loadPlugin(fx('good.mjs'), r);
    expect(p).toMatchObject({ name: 'good-plugin', version: '1.2.3' });
    expect(p.registered).toEqual([{ kind: 'correctors', name: 'good-corrector' }]);
    expect(r.correctors.get('good-corrector').source).toBe('good-plugin');
    const c = (await r.correctors.create('good-corrector', { strength: 3 }, { sde: undefined as never })) as unknown as { strength: number };
    expect(c.strength).toBe(3);
    await expect(r.correctors.create('good-corrector', { strength: 'x' }, { sde: undefined as never })).rejects.toThrow(
      /corrector 'good-corrector': invalid parameters: strength/,
    );
  });

  it('reports a malformed plugin by name', async () => {
    const r = createRegistries();
    await expect(loadPlugin(fx('malformed.mjs'), r)).rejects.toThrow(/plugin 'malformed-plugin' is malformed: .*apiVersion/);
  });

  it('rejects another API version', async () => {
    await expect(loadPlugin(fx('future.mjs'), createRegistries())).rejects.toThrow(
      /plugin 'future-plugin' targets plugin API version 99, this scoresde provides version 1/,
    );
  });

  it('rolls back a plugin that throws during registration and keeps the others working', async () => {
    const r = createRegistries();
    const { loaded, failed } = await loadPlugins([fx('throws.mjs'), fx('good.mjs'), fx('syntax-error.mjs'), './nope/missing.mjs'], r);
    expect(loaded.map((p) => p.name)).toEqual(['good-plugin']);
    expect(failed.map((f) => f.name)).toEqual(['throwing-plugin', fx('syntax-error.mjs'), './nope/missing.mjs']);
    expect(failed[0]!.error).toMatch(/plugin 'throwing-plugin' failed during registration: boom: missing resource/);
    expect(failed[1]!.error).toMatch(/could not be imported/);
    expect(failed[2]!.error).toMatch(/no such file or directory/);
    expect(r.predictors.has('half-done')).toBe(false);
    expect(r.correctors.has('good-corrector')).toBe(true);
    for (const f of failed) expect(f.error).not.toMatch(/\n/);
  });

  it('refuses duplicate names and invalid entries', async () => {
    const r = createRegistries();
    const entry = { name: 'dup', description: 'd', schema: z.object({}), create: () => ({ name: 'dup', step: () => ({}) }) };
    r.predictors.add(entry as never);
    await expect(
      registerPlugin({ name: 'p2', version: '1', apiVersion: 1, register: (api: { predictors: { add: (e: unknown) => void } }) => api.predictors.add(entry) }, r, 'x'),
    ).rejects.toThrow(/predictor 'dup' is already registered by builtin/);
    expect(() => r.sdes.add({ ...entry, name: 'Bad Name' } as never)).toThrow(ScoresdeError);
    expect(() => r.sdes.get('nope')).toThrow(/unknown sde 'nope' \(known: none\)/);
  });

  it('loads the example plugin package by directory path', async () => {
    const r = createRegistries();
    const p = await loadPlugin(join(here, '../../../../plugins/example-sampler'), r);
    expect(p.name).toBe('example-sampler');
    expect(r.sdes.has('linear-ve')).toBe(true);
    expect(r.predictors.has('heun')).toBe(true);
    await expect(r.sdes.create('linear-ve', { sigma_min: 5, sigma_max: 1 }, { registries: r })).rejects.toThrow(/sigma_max must exceed sigma_min/);
  });
});
