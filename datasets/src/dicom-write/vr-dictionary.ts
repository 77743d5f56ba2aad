/**
 * VR of a standard attribute, for copying elements out of Implicit VR sources (which do not
 * store VRs). Uses dcmjs's data dictionary (dcmjs 0.52.2; only its dictionary is used, which loads
 * on Node 20), loaded on first need. Repeating groups (50xx, 60xx) are not copied by the writer and
 * are not looked up.
 */
import { createRequire } from 'node:module';

const AMBIGUOUS: Record<string, string> = { xs: 'US', ox: 'OB', xw: 'OW' };

let dict: Record<string, { vr: string } | undefined> | undefined;

function dictionary(): Record<string, { vr: string } | undefined> {
  if (!dict) {
    const require = createRequire(import.meta.url);
    const dcmjs = require('dcmjs') as typeof import('dcmjs').default;
    dict = dcmjs.data.DicomMetaDictionary.dictionary;
  }
  return dict;
}

/** VR of `tag` (group << 16 | element) in the standard dictionary, or undefined. */
export function standardVr(tag: number): string | undefined {
  const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  const vr = dictionary()[`(${h.slice(0, 4)},${h.slice(4)})`]?.vr;
  if (!vr) return undefined;
  if (/^[A-Z]{2}$/.test(vr)) return vr;
  // Ambiguous entries (dcmjs writes 'xs' for US or SS, 'ox' for OB or OW): the writer never copies
  // the pixel-dependent ones, so the first alternative is taken.
  return AMBIGUOUS[vr];
}
