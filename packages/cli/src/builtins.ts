/** The plugins that ship with scoresde, registered through the public plugin API. */
import { corePlugin, type ScoresdePlugin } from '@scoresde/core';
import { operatorsPlugin } from '@scoresde/forward-operators';
import { guidancePlugin } from '@scoresde/guidance';

export function builtinPlugins(): ScoresdePlugin[] {
  return [corePlugin, operatorsPlugin, guidancePlugin];
}
