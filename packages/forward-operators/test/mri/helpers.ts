/** Shared helpers for the mri tests: fixtures and operator construction through the registry. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRegistries, parseNpy, type NdArrayF32 } from '@scoresde/core';
import { registerMri } from '../../src/mri/register.js';
import type { MriOperator } from '../../src/mri/mriOperator.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixture(name: string): NdArrayF32 {
  return parseNpy(readFileSync(`${FIXTURES}${name}`), { name });
}

export async function makeMri(params: Record<string, unknown>, inputShape: number[]): Promise<MriOperator> {
  const registries = createRegistries();
  registerMri(registries.operators);
  return (await registries.operators.create('mri', params, { inputShape, cwd: FIXTURES, registries })) as MriOperator;
}
