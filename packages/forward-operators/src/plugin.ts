/** The built-in operators as a plugin, registered through the public plugin API. */
import { PLUGIN_API_VERSION, type ScoresdePlugin } from '@scoresde/core';
import { registerOperators } from './register.js';

export const operatorsPlugin: ScoresdePlugin = {
  name: 'forward-operators',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'built-in forward operators: mask, grayscale, radon, mri',
  register(api) {
    registerOperators(api);
  },
};
