/**
 * What a command runs with: the registries (built-ins first, through the same plugin API third
 * parties use, then the user's plugins), the backend, and the working directory.
 */
import {
  createContainer,
  registriesOf,
  registerPlugin,
  loadPlugins,
  initBackend,
  ScoresdeError,
  type Registries,
  type LoadedPlugin,
  type PluginFailure,
  type BackendInfo,
} from '@scoresde/core';
import { builtinPlugins } from './builtins.js';

export interface CliContext {
  registries: Registries;
  plugins: LoadedPlugin[];
  failedPlugins: PluginFailure[];
  cwd: string;
}

export async function createCliContext(pluginSpecs: readonly string[], opts: { strictPlugins?: boolean } = {}): Promise<CliContext> {
  const cwd = process.cwd();
  const registries = registriesOf(createContainer({ cwd }));
  const plugins: LoadedPlugin[] = [];
  for (const p of builtinPlugins()) plugins.push(await registerPlugin(p, registries, 'builtin'));
  const { loaded, failed } = await loadPlugins(pluginSpecs, registries, cwd);
  plugins.push(...loaded);
  if (failed.length > 0 && opts.strictPlugins !== false) {
    // A command that was asked to use a plugin cannot run without it.
    throw new ScoresdeError(failed.map((f) => f.error).join('; '));
  }
  return { registries, plugins, failedPlugins: failed, cwd };
}

export async function startBackend(name: string): Promise<BackendInfo> {
  return initBackend(name);
}
