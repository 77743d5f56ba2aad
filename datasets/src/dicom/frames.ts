/**
 * Locating the bytes of each frame in (7FE0,0010) Pixel Data.
 *
 * (dicom-parser's Fragment: `position` is the absolute offset of the fragment's value, `offset`
 * the offset of its item tag relative to the first fragment item, as in the offset tables.)
 *
 * Native: frame i occupies bytes [i·F, (i+1)·F) of the value, F = Rows·Columns·SamplesPerPixel·
 * BitsAllocated/8. Encapsulated (PS3.5 A.4): the first item is the Basic Offset Table, then the
 * fragments. Frames are found, in order of preference, from
 *   1. a single frame: all fragments concatenated;
 *   2. the Basic Offset Table, when not empty;
 *   3. the Extended Offset Table (7FE0,0001) / lengths (7FE0,0002), when present;
 *   4. one fragment per frame, when the counts agree;
 *   5. otherwise, fragments that open a codestream (JPEG / JPEG-LS SOI FFD8, JPEG 2000 SOC FF4F
 *      or the JP2 signature box) start a frame and the following fragments continue it.
 */
import type { DataSet, Element, Fragment } from 'dicom-parser';
import { ScoresdeError } from '@scoresde/core';
import type { PixelEncoding } from './transfer-syntax.js';

function startsCodestream(b: Uint8Array, at: number, encoding: PixelEncoding): boolean {
  if (encoding === 'jpeg' || encoding === 'jpeg-ls') return b[at] === 0xff && b[at + 1] === 0xd8;
  if (encoding === 'jpeg2000' || encoding === 'htj2k') {
    const soc = b[at] === 0xff && b[at + 1] === 0x4f;
    const jp2 = b[at] === 0 && b[at + 1] === 0 && b[at + 2] === 0 && b[at + 3] === 0x0c && b[at + 4] === 0x6a && b[at + 5] === 0x50;
    return soc || jp2;
  }
  return false;
}

function concatFragments(b: Uint8Array, frags: readonly Fragment[]): Uint8Array {
  if (frags.length === 1) return b.subarray(frags[0]!.position, frags[0]!.position + frags[0]!.length);
  const out = new Uint8Array(frags.reduce((s, f) => s + f.length, 0));
  let o = 0;
  for (const f of frags) {
    out.set(b.subarray(f.position, f.position + f.length), o);
    o += f.length;
  }
  return out;
}

/** Little-endian 64-bit unsigned values of an OV element (Extended Offset Table / Lengths). */
function readOV(ds: DataSet, tag: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0 || el.length % 8 !== 0) return undefined;
  const dv = new DataView(ds.byteArray.buffer, ds.byteArray.byteOffset + el.dataOffset, el.length);
  const out: number[] = [];
  for (let i = 0; i < el.length; i += 8) out.push(Number(dv.getBigUint64(i, true)));
  return out;
}

/** Fragment indices that start each frame, from an offset table (BOT or EOT semantics). */
function startsFromOffsets(offsets: readonly number[], frags: readonly Fragment[], frames: number, what: string): number[] {
  if (offsets.length !== frames) throw new ScoresdeError(`${what} has ${offsets.length} entries for ${frames} frames`);
  return offsets.map((off) => {
    const k = frags.findIndex((f) => f.offset === off);
    if (k < 0) throw new ScoresdeError(`${what} entry ${off} does not point at a fragment`);
    return k;
  });
}

/** The encoded byte stream of each frame of encapsulated pixel data. */
export function encapsulatedFrames(ds: DataSet, px: Element, frames: number, encoding: PixelEncoding): Uint8Array[] {
  const frags = px.fragments ?? [];
  const bytes = ds.byteArray;
  if (frags.length === 0) throw new ScoresdeError('encapsulated Pixel Data has no fragments');
  for (const f of frags) {
    if (f.position + f.length > bytes.length) throw new ScoresdeError('Pixel Data fragment runs past the end of the file (truncated)');
  }
  if (frames === 1) return [concatFragments(bytes, frags)];
  let starts: number[];
  const bot = px.basicOffsetTable ?? [];
  const eot = readOV(ds, 'x7fe00001');
  if (bot.length > 0) {
    starts = startsFromOffsets(bot, frags, frames, 'Basic Offset Table');
  } else if (eot) {
    starts = startsFromOffsets(eot, frags, frames, 'Extended Offset Table');
  } else if (frags.length === frames) {
    starts = frags.map((_, i) => i);
  } else {
    starts = [];
    frags.forEach((f, i) => {
      if (startsCodestream(bytes, f.position, encoding)) starts.push(i);
    });
    if (starts.length !== frames || starts[0] !== 0) {
      throw new ScoresdeError(
        `cannot split ${frags.length} fragments into ${frames} frames (empty offset table; ${starts.length} codestream starts found)`,
      );
    }
  }
  return starts.map((k, i) => concatFragments(bytes, frags.slice(k, i + 1 < starts.length ? starts[i + 1] : frags.length)));
}

/** The raw bytes of each frame of native (uncompressed) pixel data. */
export function nativeFrames(ds: DataSet, px: Element, frames: number, frameBytes: number): Uint8Array[] {
  const need = frames * frameBytes;
  const end = px.dataOffset + need;
  if (px.length < need || end > ds.byteArray.length) {
    const have = Math.min(px.length, ds.byteArray.length - px.dataOffset);
    throw new ScoresdeError(`Pixel Data holds ${have} bytes, ${need} expected (truncated or inconsistent header)`);
  }
  const out: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) out.push(ds.byteArray.subarray(px.dataOffset + i * frameBytes, px.dataOffset + (i + 1) * frameBytes));
  return out;
}

/**
 * Sample precision and signedness of the first component of a JPEG 2000 codestream (SIZ marker:
 * Ssiz bit 7 = signed, bits 0–6 = precision − 1), or undefined when no SIZ is found.
 */
export function j2kPrecision(b: Uint8Array): { bits: number; signed: boolean } | undefined {
  for (let i = 0; i + 41 < b.length && i < 4096; i++) {
    if (b[i] === 0xff && b[i + 1] === 0x4f && b[i + 2] === 0xff && b[i + 3] === 0x51) {
      const ssiz = b[i + 2 + 40]!;
      return { bits: (ssiz & 0x7f) + 1, signed: (ssiz & 0x80) !== 0 };
    }
  }
  return undefined;
}
