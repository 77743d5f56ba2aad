/**
 * A minimal DICOM Part-10 encoder: Explicit VR Little Endian (1.2.840.10008.1.2.1) only, defined
 * lengths everywhere (sequences and items included), elements in ascending tag order. It holds
 * values as bytes, so the output is a pure function of what was put in (no clocks, no random
 * numbers): writing the same data set twice gives identical bytes.
 *
 * Value padding (PS3.5 §6.2): odd-length values get one trailing pad byte, NUL (0x00) for UI and
 * the binary VRs, space (0x20) for the other string VRs.
 */
import { ScoresdeError } from '@scoresde/core';

export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 Table 7.1-1). */
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
/** Binary VRs: padded with NUL (UI is padded with NUL too). */
const NUL_PADDED = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UN', 'UV', 'UI', 'US', 'SS', 'UL', 'SL', 'FL', 'FD', 'AT']);

/** One element's value: raw little-endian bytes, or the items of a sequence. */
export type DicomValue = { vr: string; bytes: Uint8Array } | { vr: 'SQ'; items: DicomDataset[] };

/** A data set under construction: tag (group << 16 | element, as an unsigned number) → value. */
export class DicomDataset {
  readonly elements = new Map<number, DicomValue>();

  set(tag: number, value: DicomValue): this {
    this.elements.set(tag >>> 0, value);
    return this;
  }

  /** A string value (already encoded to bytes by the caller's rules; see `text`). */
  setString(tag: number, vr: string, value: string | readonly string[]): this {
    const s = typeof value === 'string' ? value : value.join('\\');
    return this.set(tag, { vr, bytes: new TextEncoder().encode(s) });
  }

  setUint16(tag: number, value: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, value, true);
    return this.set(tag, { vr: 'US', bytes: b });
  }

  setSequence(tag: number, items: DicomDataset[]): this {
    return this.set(tag, { vr: 'SQ', items });
  }

  has(tag: number): boolean {
    return this.elements.has(tag >>> 0);
  }

  delete(tag: number): void {
    this.elements.delete(tag >>> 0);
  }

  /** Encoded length of this data set's elements (no item header). */
  encodedLength(): number {
    let n = 0;
    for (const v of this.elements.values()) n += elementLength(v);
    return n;
  }
}

function valueLength(v: DicomValue): number {
  if ('items' in v) return v.items.reduce((s, it) => s + 8 + it.encodedLength(), 0);
  return v.bytes.length + (v.bytes.length & 1);
}

function elementLength(v: DicomValue): number {
  return (LONG_VRS.has(v.vr) ? 12 : 8) + valueLength(v);
}

class Sink {
  readonly buf: Uint8Array;
  readonly view: DataView;
  pos = 0;
  constructor(n: number) {
    this.buf = new Uint8Array(n);
    this.view = new DataView(this.buf.buffer);
  }
  u16(x: number): void {
    this.view.setUint16(this.pos, x, true);
    this.pos += 2;
  }
  u32(x: number): void {
    this.view.setUint32(this.pos, x, true);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
}

function writeDataset(s: Sink, ds: DicomDataset): void {
  const tags = [...ds.elements.keys()].sort((a, b) => a - b);
  for (const tag of tags) {
    const v = ds.elements.get(tag)!;
    const len = valueLength(v);
    s.u16(tag >>> 16);
    s.u16(tag & 0xffff);
    if (!/^[A-Z]{2}$/.test(v.vr)) throw new ScoresdeError(`DICOM writer: bad VR '${v.vr}' for tag ${tagString(tag)}`);
    s.buf[s.pos++] = v.vr.charCodeAt(0);
    s.buf[s.pos++] = v.vr.charCodeAt(1);
    if (LONG_VRS.has(v.vr)) {
      s.u16(0);
      s.u32(len);
    } else {
      if (len > 0xffff) throw new ScoresdeError(`DICOM writer: value of ${tagString(tag)} (${v.vr}) is ${len} bytes, over the 65535 limit of its VR`);
      s.u16(len);
    }
    if ('items' in v) {
      for (const it of v.items) {
        s.u16(0xfffe);
        s.u16(0xe000);
        s.u32(it.encodedLength());
        writeDataset(s, it);
      }
    } else {
      s.bytes(v.bytes);
      if (v.bytes.length & 1) s.buf[s.pos++] = NUL_PADDED.has(v.vr) ? 0 : 0x20;
    }
  }
}

export function tagString(tag: number): string {
  const h = (tag >>> 0).toString(16).toUpperCase().padStart(8, '0');
  return `(${h.slice(0, 4)},${h.slice(4)})`;
}

/** Encode a data set alone (Explicit VR Little Endian, no preamble or meta header). */
export function encodeDataset(ds: DicomDataset): Uint8Array {
  const s = new Sink(ds.encodedLength());
  writeDataset(s, ds);
  return s.buf;
}

export interface FileMeta {
  sopClassUid: string;
  sopInstanceUid: string;
  implementationClassUid: string;
  implementationVersionName: string;
}

/**
 * A Part-10 file: 128-byte zero preamble, "DICM", the File Meta Information group (with its
 * group length), then the data set in Explicit VR Little Endian.
 */
export function encodePart10(ds: DicomDataset, meta: FileMeta): Uint8Array {
  const m = new DicomDataset()
    .set(0x00020001, { vr: 'OB', bytes: new Uint8Array([0, 1]) })
    .setString(0x00020002, 'UI', meta.sopClassUid)
    .setString(0x00020003, 'UI', meta.sopInstanceUid)
    .setString(0x00020010, 'UI', EXPLICIT_VR_LITTLE_ENDIAN)
    .setString(0x00020012, 'UI', meta.implementationClassUid)
    .setString(0x00020013, 'SH', meta.implementationVersionName);
  const groupLength = new Uint8Array(4);
  new DataView(groupLength.buffer).setUint32(0, m.encodedLength(), true);
  m.set(0x00020000, { vr: 'UL', bytes: groupLength });
  // One buffer for preamble, meta and data set (no intermediate copies of the pixel data).
  const sink = new Sink(132 + m.encodedLength() + ds.encodedLength());
  sink.buf.set([0x44, 0x49, 0x43, 0x4d], 128);
  sink.pos = 132;
  writeDataset(sink, m);
  writeDataset(sink, ds);
  return sink.buf;
}
