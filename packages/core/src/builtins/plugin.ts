/**
 * The core's built-ins (SDEs, predictors, correctors, score models) as a plugin, registered
 * through the same API third-party plugins use.
 */
import type { ScoresdePlugin } from '../plugin/api.js';
import { PLUGIN_API_VERSION } from '../plugin/api.js';
import { registerSdes } from './sdes.js';
import { registerSamplers } from './samplers.js';
import { registerScoreModels } from './scoreModels.js';
import { registerNetworkModels } from './networks.js';

export const corePlugin: ScoresdePlugin = {
  name: 'core',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'built-in SDEs, predictors, correctors and score models',
  register(api) {
    registerSdes(api);
    registerSamplers(api);
    registerScoreModels(api);
    registerNetworkModels(api);
  },
};
