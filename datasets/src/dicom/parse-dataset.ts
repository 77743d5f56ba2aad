/**
 * Byte-level DICOM parsing with dicom-parser, for every file layout met in practice:
 * Part 10 files (128-byte preamble + "DICM" + group 0002 meta header), files whose meta header
 * starts at byte 0 (no preamble), and bare data sets with no meta header at all (old ACR-NEMA
 * style exports) or with "DICM" but no group 0002, whose transfer syntax is inferred from the first element: explicit when bytes
 * 4–5 spell a VR, big-endian when the first group number reads smaller that way. The deflated
 * syntax is inflated (raw deflate, node:zlib) before the data set is parsed.
 */
import { inflateRawSync } from 'node:zlib';
import dicomParser from 'dicom-parser';
import type { DataSet, Element } from 'dicom-parser';
import { DicomReadError } from './read-error.js';
import {
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  IMPLICIT_VR_LITTLE_ENDIAN,
} from './transfer-syntax.js';

export interface ParsedDataset {
  /** All elements (meta header merged in); offsets refer to `byteArray`. */
  dataSet: DataSet;
  /** The bytes the offsets refer to (inflated / re-prefixed when needed; otherwise the input). */
  byteArray: Uint8Array;
  transferSyntaxUid: string;
  /** How the file was laid out. */
  layout: 'part10' | 'meta-without-preamble' | 'dataset-only';
  /** Non-fatal inconsistencies met while parsing (one line each). */
  warnings: string[];
}

const VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(' '),
);

function errorText(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e) return errorText((e as { exception: unknown }).exception);
  return String(e);
}

function isDicmAt128(b: Uint8Array): boolean {
  return b.length >= 132 && b[128] === 0x44 && b[129] === 0x49 && b[130] === 0x43 && b[131] === 0x4d;
}

function startsWithMetaGroup(b: Uint8Array): boolean {
  return b.length >= 12 && b[0] === 0x02 && b[1] === 0x00 && VRS.has(String.fromCharCode(b[4]!, b[5]!));
}

/** Transfer syntax of a bare data set, inferred from its first element header. */
function guessRawTransferSyntax(b: Uint8Array, name: string): string {
  if (b.length < 8) throw new DicomReadError('not-dicom', `${name}: too short to be DICOM (${b.length} bytes)`);
  const groupLE = b[0]! | (b[1]! << 8);
  const groupBE = (b[0]! << 8) | b[1]!;
  const explicit = VRS.has(String.fromCharCode(b[4]!, b[5]!));
  const group = Math.min(groupLE, groupBE);
  // A bare data set starts with a low, even group (0008 usually; 0000–0028 in old exports).
  if (group > 0x0028 || group % 2 !== 0) {
    throw new DicomReadError('not-dicom', `${name}: not a DICOM file (no "DICM" prefix and no recognisable data set start)`);
  }
  if (groupBE < groupLE) {
    if (!explicit) throw new DicomReadError('not-dicom', `${name}: not a DICOM file (implicit VR big endian data set start)`);
    return EXPLICIT_VR_BIG_ENDIAN;
  }
  return explicit ? EXPLICIT_VR_LITTLE_ENDIAN : IMPLICIT_VR_LITTLE_ENDIAN;
}

function guessAfterDicm(b: Uint8Array, name: string): string {
  try {
    return guessRawTransferSyntax(b, name);
  } catch {
    throw new DicomReadError('malformed', `${name}: "DICM" prefix but neither a meta header nor a recognisable data set follows`);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function restoreWideVrs(ds: DataSet, at: Map<number, string>): void {
  for (const el of Object.values(ds.elements)) {
    const vr = at.get(el.dataOffset);
    if (vr) el.vr = vr;
    for (const item of el.items ?? []) if (item.dataSet) restoreWideVrs(item.dataSet, at);
  }
}

/**
 * Parse DICOM bytes into a dicom-parser DataSet. Throws a one-line ScoresdeError (prefixed with
 * `name`) for anything that is not a readable DICOM object.
 */
export interface ParseOptions {
  /**
   * Stop at the top-level Pixel Data element (7FE0,0010), keeping its header but not reading its
   * value: enough for every header field, and lets a caller parse just the first bytes of a file.
   */
  untilPixelData?: boolean;
}

export function parseDataset(bytes: Uint8Array, name = 'DICOM data', opts: ParseOptions = {}): ParsedDataset {
  if (bytes.length === 0) throw new DicomReadError('not-dicom', `${name}: empty file`);
  let byteArray = bytes;
  let layout: ParsedDataset['layout'] = 'part10';
  if (!isDicmAt128(bytes)) {
    if (startsWithMetaGroup(bytes)) {
      byteArray = concat(new Uint8Array(128), concat(new TextEncoder().encode('DICM'), bytes));
      layout = 'meta-without-preamble';
    } else {
      layout = 'dataset-only';
    }
  }
  let metaElements: Record<string, Element> = {};
  let position = 0;
  let transferSyntaxUid: string;
  try {
    if (layout === 'dataset-only') {
      transferSyntaxUid = guessRawTransferSyntax(bytes, name);
    } else {
      const meta = dicomParser.readPart10Header(byteArray);
      metaElements = meta.elements;
      position = (meta as unknown as { position: number }).position;
      // "DICM" followed directly by the data set (no group 0002): infer the syntax as for a bare one.
      transferSyntaxUid = meta.elements['x00020010']
        ? (meta.string('x00020010') ?? '').replace(/\0/g, '').trim()
        : guessAfterDicm(byteArray.subarray(position), name);
    }
  } catch (e) {
    if (e instanceof DicomReadError) throw e;
    throw new DicomReadError('malformed', `${name}: unreadable DICOM header (${errorText(e)})`);
  }
  if (position >= byteArray.length) throw new DicomReadError('malformed', `${name}: file ends after the meta header (no data set)`);

  if (transferSyntaxUid === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) {
    let inflated: Uint8Array;
    try {
      inflated = inflateRawSync(byteArray.subarray(position));
    } catch (e) {
      throw new DicomReadError('malformed', `${name}: deflated data set does not inflate (${errorText(e)})`);
    }
    byteArray = concat(byteArray.subarray(0, position), inflated);
  }
  // Files whose meta header names the wrong VR encoding (a common writer bug): trust the data set's
  // first element, as pydicom and dcmtk do, and record it.
  const looksExplicit = position + 6 <= byteArray.length && VRS.has(String.fromCharCode(byteArray[position + 4]!, byteArray[position + 5]!));
  let parseImplicit = transferSyntaxUid === IMPLICIT_VR_LITTLE_ENDIAN;
  const warnings: string[] = [];
  if (layout !== 'dataset-only' && transferSyntaxUid !== EXPLICIT_VR_BIG_ENDIAN && parseImplicit === looksExplicit) {
    parseImplicit = !looksExplicit;
    warnings.push(`transfer syntax ${transferSyntaxUid} says ${looksExplicit ? 'implicit' : 'explicit'} VR but the data set is ${looksExplicit ? 'explicit' : 'implicit'}; parsed as found`);
  }
  const bigEndian = transferSyntaxUid === EXPLICIT_VR_BIG_ENDIAN;
  const parser = bigEndian ? dicomParser.bigEndianByteArrayParser : dicomParser.littleEndianByteArrayParser;
  const elements: Record<string, Element> = {};
  const DataSetCtor = (dicomParser as unknown as { DataSet: new (p: unknown, b: Uint8Array, e: Record<string, Element>) => DataSet })
    .DataSet;
  const dataSet = new DataSetCtor(parser, byteArray, elements);
  // dicom-parser 1.8 predates the 64-bit VRs (OV, SV, UV; e.g. the Extended Offset Table) and
  // would read their 4-byte length as 2 bytes; it sees them as OB and we restore the VR after.
  const wideVrAt = new Map<number, string>();
  try {
    const stream = new dicomParser.ByteStream(parser, byteArray, position);
    const readFixedString = stream.readFixedString.bind(stream);
    stream.readFixedString = (length: number) => {
      const s = readFixedString(length);
      if (length === 2 && (s === 'OV' || s === 'SV' || s === 'UV')) {
        wideVrAt.set(stream.position + 6, s); // value starts after 2 reserved bytes + 4-byte length
        return 'OB';
      }
      return s;
    };
    dataSet.warnings = stream.warnings;
    const until = opts.untilPixelData ? { untilTag: 'x7fe00010' } : undefined;
    if (parseImplicit) {
      dicomParser.parseDicomDataSetImplicit(dataSet, stream, byteArray.length, until);
    } else {
      dicomParser.parseDicomDataSetExplicit(dataSet, stream, byteArray.length, until);
    }
  } catch (e) {
    throw new DicomReadError('malformed', `${name}: malformed or truncated data set (${errorText(e)})`);
  }
  if (wideVrAt.size > 0) restoreWideVrs(dataSet, wideVrAt);
  for (const [tag, el] of Object.entries(metaElements)) elements[tag] = el;
  if (Object.keys(elements).length === Object.keys(metaElements).length) {
    throw new DicomReadError('malformed', `${name}: no data set elements after the meta header`);
  }
  return { dataSet, byteArray, transferSyntaxUid, layout, warnings };
}
