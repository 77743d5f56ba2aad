/**
 * Registers the built-in operators. Each operator registers itself from its own
 * `src/<name>/register.ts`; add one line here per operator.
 */
import type { Registries } from '@scoresde/core';

export function registerOperators(registries: Registries): void {
  void registries;
}
