/** Recognise the built-in SDE families so samplers can specialise (e.g. the ancestral step). */
import type { SDE } from '../contracts/sde.js';
import { VESDE } from './ve.js';
import { VPSDE } from './vp.js';
import { SubVPSDE } from './subvp.js';

export type BuiltinSde = VESDE | VPSDE | SubVPSDE;
export type SdeKind = BuiltinSde['kind'];

/** 've' | 'vp' | 'subvp' for the built-ins (or any SDE exposing such a `kind`), else undefined. */
export function sdeKind(sde: SDE): SdeKind | undefined {
  const k = (sde as { kind?: unknown }).kind;
  return k === 've' || k === 'vp' || k === 'subvp' ? k : undefined;
}
