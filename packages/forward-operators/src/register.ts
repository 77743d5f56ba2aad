/**
 * Registers the built-in operators. Each operator registers itself from its own
 * `src/<name>/register.ts`; add one line here per operator.
 */
import type { Registries } from '@scoresde/core';
import { registerMask } from './mask/register.js';
import { registerGrayscale } from './grayscale/register.js';
import { registerRadon } from './radon/register.js';
import { registerMri } from './mri/register.js';

export function registerOperators(registries: Registries): void {
  registerMask(registries.operators);
  registerGrayscale(registries.operators);
  registerRadon(registries.operators);
  registerMri(registries.operators);
}
