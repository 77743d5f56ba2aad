/**
 * Choosing how float modality values are stored as 16-bit integers: value = stored · slope +
 * intercept (Rescale Slope / Intercept, PS3.3 C.11.1.1.2).
 *
 * - Integer-valued input within the 16-bit range (e.g. CT in HU read from an integer source, or
 *   the identity path) is stored exactly: slope 1, intercept 0, signed (PixelRepresentation 1)
 *   when every value fits −32768…32767, else unsigned (0…65535).
 * - Anything else is stored unsigned over the full 0…65535 range: intercept = ⌊min⌋ (an integer,
 *   so its DS text is exact), slope = (max − intercept) / 65535 rounded *up* to 8 significant
 *   digits (so max still fits); stored = round((v − intercept) / slope). The round-trip error is at
 *   most slope / 2 (+ float32 rounding of the input). A constant image gets slope 1.
 * Slope and intercept are computed from their DS text (≤ 16 characters), so a reader that parses
 * the written strings recovers exactly the values used to quantise.
 */
import { ScoresdeError } from '@scoresde/core';

export interface Quantized {
  stored: Int16Array | Uint16Array;
  pixelRepresentation: 0 | 1;
  slope: number;
  intercept: number;
  /** DS text of slope and intercept as written. */
  slopeText: string;
  interceptText: string;
}

function dsText(x: number): string {
  if (String(x).length <= 16) return String(x);
  for (let p = 10; p >= 1; p--) {
    const s = x.toPrecision(p).replace('e+', 'e');
    if (s.length <= 16) return s;
  }
  throw new ScoresdeError(`cannot write ${x} as a DS value`);
}

/** The smallest 8-significant-digit number ≥ x (x > 0), as DS text. */
function ceilDs(x: number): string {
  let v = Number(x.toPrecision(8));
  if (v < x) v = Number((v + 10 ** (Math.floor(Math.log10(v)) - 7)).toPrecision(8));
  return dsText(v);
}

/** `values` copied into `out` when every value is exactly representable there, else undefined. */
function exactCopy<T extends Int16Array | Uint16Array>(values: Float32Array, out: T): T | undefined {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] = v;
    if (out[i] !== v) return undefined;
  }
  return out;
}

/** Quantise one image's modality values (see module doc). Non-finite values are an error. */
export function quantize16(values: Float32Array, what = 'image'): Quantized {
  if (values.length === 0) throw new ScoresdeError(`${what}: no pixels`);
  const signed = exactCopy(values, new Int16Array(values.length));
  if (signed) return { stored: signed, pixelRepresentation: 1, slope: 1, intercept: 0, slopeText: '1', interceptText: '0' };
  const unsigned = exactCopy(values, new Uint16Array(values.length));
  if (unsigned) return { stored: unsigned, pixelRepresentation: 0, slope: 1, intercept: 0, slopeText: '1', interceptText: '0' };
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new ScoresdeError(`${what}: pixel ${i} is ${v}; cannot write non-finite values`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const interceptText = dsText(Math.floor(min));
  const intercept = Number(interceptText);
  const slopeText = max > intercept ? ceilDs((max - intercept) / 65535) : '1';
  const slope = Number(slopeText);
  const stored = new Uint16Array(values.length);
  const inv = 1 / slope;
  for (let i = 0; i < values.length; i++) {
    const q = Math.round((values[i]! - intercept) * inv);
    stored[i] = q < 0 ? 0 : q > 65535 ? 65535 : q;
  }
  return { stored, pixelRepresentation: 0, slope, intercept, slopeText, interceptText };
}
