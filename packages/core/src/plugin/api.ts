/**
 * The public plugin API. A plugin is an ES module whose default export is a `ScoresdePlugin`.
 * `register` receives a `PluginApi`: the registries (scoped to the plugin, so a plugin that
 * fails leaves nothing behind) plus the TensorFlow.js instance the core uses. Plugins should
 * build tensors with `api.tf` so they share the core's engine and backend.
 */
import type { tf } from '../tf.js';
import type { Registries } from '../registry/registries.js';

export const PLUGIN_API_VERSION = 1;

export interface PluginApi extends Registries {
  readonly apiVersion: number;
  readonly tf: typeof tf;
  /** Name of the plugin being registered. */
  readonly pluginName: string;
}

export interface ScoresdePlugin {
  name: string;
  version: string;
  /** The PLUGIN_API_VERSION this plugin was written for. */
  apiVersion: number;
  description?: string;
  register(api: PluginApi): void | Promise<void>;
}

/** Identity helper that gives plugin authors type checking. */
export function definePlugin(p: ScoresdePlugin): ScoresdePlugin {
  return p;
}
