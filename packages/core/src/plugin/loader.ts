/**
 * Loading plugins from explicit paths or package names (never by scanning). A plugin that is
 * malformed, targets another API version, or throws during registration is reported by name
 * and leaves nothing registered; the others keep working.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { tf } from '../tf.js';
import { ScoresdeError } from '../errors.js';
import type { Registry } from '../registry/registry.js';
import { REGISTRY_KINDS, type Registries, type RegistryKind } from '../registry/registries.js';
import { PLUGIN_API_VERSION, type PluginApi, type ScoresdePlugin } from './api.js';

const pluginShape = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  apiVersion: z.number().int(),
  description: z.string().optional(),
  register: z.custom<ScoresdePlugin['register']>((v) => typeof v === 'function', { message: 'must be a function' }),
});

export interface LoadedPlugin {
  name: string;
  version: string;
  description?: string;
  /** The path or package name it was loaded from. */
  spec: string;
  /** What it registered, by registry kind. */
  registered: { kind: RegistryKind; name: string }[];
}

export interface PluginFailure {
  spec: string;
  /** The plugin's name when it could be read, else the spec. */
  name: string;
  error: string;
}

function looksLikePath(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || isAbsolute(spec) || /\.(m?js|cjs)$/.test(spec);
}

/** Resolve a plugin spec to a file URL to import. */
export function resolvePluginSpec(spec: string, cwd: string): string {
  if (looksLikePath(spec)) {
    const abs = resolve(cwd, spec);
    if (!existsSync(abs)) throw new ScoresdeError(`plugin '${spec}': no such file or directory ${abs}`);
    let file = abs;
    if (statSync(abs).isDirectory()) {
      const pj = join(abs, 'package.json');
      if (existsSync(pj)) {
        let meta: { main?: string; exports?: unknown };
        try {
          meta = JSON.parse(readFileSync(pj, 'utf8')) as { main?: string; exports?: unknown };
        } catch {
          throw new ScoresdeError(`plugin '${spec}': package.json is not valid JSON`);
        }
        const entry = exportEntry(meta.exports) ?? meta.main ?? 'index.js';
        file = join(abs, entry);
      } else file = join(abs, 'index.js');
      if (!existsSync(file)) throw new ScoresdeError(`plugin '${spec}': entry point ${file} does not exist (is the plugin built?)`);
    }
    return pathToFileURL(file).href;
  }
  const req = createRequire(join(cwd, 'noop.js'));
  try {
    return pathToFileURL(req.resolve(spec)).href;
  } catch {
    throw new ScoresdeError(`plugin '${spec}': package not found from ${cwd} (install it or give a path)`);
  }
}

function exportEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (exp && typeof exp === 'object') {
    const dot = (exp as Record<string, unknown>)['.'] ?? exp;
    if (typeof dot === 'string') return dot;
    if (dot && typeof dot === 'object') {
      const d = dot as Record<string, unknown>;
      for (const k of ['import', 'default', 'node']) if (typeof d[k] === 'string') return d[k] as string;
    }
  }
  return undefined;
}

/** Register a plugin object transactionally into `registries`. */
export async function registerPlugin(plugin: unknown, registries: Registries, spec: string): Promise<LoadedPlugin> {
  const shape = pluginShape.safeParse(plugin);
  if (!shape.success) {
    const nm = (plugin as { name?: unknown } | null)?.name;
    const who = typeof nm === 'string' && nm ? nm : spec;
    const why = shape.error.issues.map((i) => `${i.path.join('.') || 'default export'} ${i.message}`).join('; ');
    throw new ScoresdeError(`plugin '${who}' is malformed: ${why} (default export needs name, version, apiVersion, register)`);
  }
  const p = plugin as ScoresdePlugin;
  if (p.apiVersion !== PLUGIN_API_VERSION) {
    throw new ScoresdeError(`plugin '${p.name}' targets plugin API version ${p.apiVersion}, this scoresde provides version ${PLUGIN_API_VERSION}`);
  }
  const added: { kind: RegistryKind; name: string }[] = [];
  const scoped = {} as Record<RegistryKind, Registry<unknown, unknown>>;
  for (const kind of REGISTRY_KINDS) {
    const real = registries[kind] as Registry<unknown, unknown>;
    const view = Object.create(real) as Registry<unknown, unknown>;
    view.add = (entry) => {
      real.add(entry, p.name);
      added.push({ kind, name: entry.name });
    };
    scoped[kind] = view;
  }
  const api = { ...(scoped as unknown as Registries), apiVersion: PLUGIN_API_VERSION, tf, pluginName: p.name } satisfies PluginApi;
  try {
    await p.register(api);
  } catch (e) {
    for (const a of added) (registries[a.kind] as Registry<unknown, unknown>).remove(a.name);
    const msg = e instanceof Error ? e.message : String(e);
    throw new ScoresdeError(`plugin '${p.name}' failed during registration: ${msg}`);
  }
  return { name: p.name, version: p.version, description: p.description, spec, registered: added };
}

/** Import and register one plugin. */
export async function loadPlugin(spec: string, registries: Registries, cwd = process.cwd()): Promise<LoadedPlugin> {
  const url = resolvePluginSpec(spec, cwd);
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new ScoresdeError(`plugin '${spec}' could not be imported: ${msg}`);
  }
  if (mod.default === undefined) throw new ScoresdeError(`plugin '${spec}' is malformed: it has no default export`);
  return registerPlugin(mod.default, registries, spec);
}

/** Load several plugins; failures are collected (not thrown) so the others keep working. */
export async function loadPlugins(
  specs: readonly string[],
  registries: Registries,
  cwd = process.cwd(),
): Promise<{ loaded: LoadedPlugin[]; failed: PluginFailure[] }> {
  const loaded: LoadedPlugin[] = [];
  const failed: PluginFailure[] = [];
  for (const spec of specs) {
    try {
      loaded.push(await loadPlugin(spec, registries, cwd));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const name = /plugin '([^']+)'/.exec(msg)?.[1] ?? spec;
      failed.push({ spec, name, error: msg });
    }
  }
  return { loaded, failed };
}
