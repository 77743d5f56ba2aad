/** The plugins that ship with scoresde, registered through the public plugin API. */
import type { ScoresdePlugin } from '@scoresde/core';

export function builtinPlugins(): ScoresdePlugin[] {
  return [];
}
