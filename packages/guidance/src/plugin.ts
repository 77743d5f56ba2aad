/** The guidance terms, classifiers and the 'matrix' operator as a plugin (public plugin API). */
import { PLUGIN_API_VERSION, type ScoresdePlugin } from '@scoresde/core';
import { registerGuidance } from './register.js';

export const guidancePlugin: ScoresdePlugin = {
  name: 'guidance',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: 'guidance: exact-gaussian, projection, dps, data-consistency, classifier; classifiers gmm-exact, conv; operator matrix',
  register(api) {
    registerGuidance(api);
  },
};
