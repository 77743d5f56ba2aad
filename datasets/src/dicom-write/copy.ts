/**
 * Copying a source image's attributes into a derived object.
 *
 * Everything at the top level is copied except (a) what the derived object rewrites or must not
 * carry over and (b) what cannot be trusted to stay valid once the pixels change:
 * - File Meta (0002,xxxx), group lengths (gggg,0000), private (odd-group) elements;
 * - the Image Pixel module and other pixel-dependent attributes of group 0028, except
 *   NumberOfFrames / FrameIncrementPointer (the writer takes single-frame sources only, so these
 *   stay true), PixelSpacing, PixelAspectRatio, pixel-spacing calibration, WindowCenter / Width / Explanation (kept unless the
 *   source was MONOCHROME1 and inverted), PixelIntensityRelationship (+ sign), QualityControl /
 *   BurnedInAnnotation, LossyImageCompressionRatio / Method;
 * - overlays (60xx), curves (50xx), Pixel Data and its float / double variants (7FE0), the icon
 *   image (0088,0200), digital signatures (FFFA,FFFA), (0400,0561/0500);
 * - instance creation date / time / creator (0008,0012/0013/0014), so no clock reaches the bytes;
 * - what the writer sets itself: SpecificCharacterSet, ImageType, SOPInstanceUID,
 *   SeriesInstanceUID, SeriesNumber, SeriesDescription, DerivationDescription, DerivationCode-
 *   Sequence, SourceImageSequence, LossyImageCompression.
 * Patient, study, frame-of-reference, equipment, image-plane and acquisition modules are thereby
 * carried over whole, which keeps the IOD's Type 1/2 attributes present.
 *
 * Values are re-encoded for Explicit VR Little Endian: implicit-VR sources get their VRs from the
 * standard dictionary (unknown → UN), big-endian binary values are byte-swapped, and text values
 * (SH, LO, ST, LT, UT, UC, PN) are decoded under the source's Specific Character Set and written
 * as UTF-8; `CopyState.nonAscii` tells the caller whether ISO_IR 192 must be declared.
 */
import type { DataSet, Element } from 'dicom-parser';
import { decodeDicomText } from '../dicom/charset.js';
import { DicomDataset } from './encoder.js';
import { standardVr } from './vr-dictionary.js';

const TEXT_VRS = new Set(['SH', 'LO', 'ST', 'LT', 'UT', 'UC', 'PN']);
const SWAP: Record<string, number> = { US: 2, SS: 2, OW: 2, AT: 2, UL: 4, SL: 4, FL: 4, OL: 4, OF: 4, FD: 8, OD: 8, SV: 8, UV: 8, OV: 8 };

/** Group 0028 attributes that stay valid for new pixels (see module doc). */
const KEPT_0028 = new Set([0x0008, 0x0009, 0x0030, 0x0034, 0x0a02, 0x0a04, 0x1040, 0x1041, 0x0300, 0x0301, 0x2112, 0x2114]);
const WINDOW_0028 = new Set([0x1050, 0x1051, 0x1055]);

/** Top-level tags the derived object writes itself or drops. */
const REWRITTEN = new Set([
  0x00080005, 0x00080008, 0x00080012, 0x00080013, 0x00080014, 0x00080018, 0x0008103e, 0x00082111, 0x00082112, 0x00089215, 0x0020000e,
  0x00200011, 0x00282110, 0x00880200, 0xfffafffa, 0x04000561, 0x04000500,
]);

export interface CopyState {
  /** Specific Character Set values of the source (for decoding its text). */
  charsets: string[];
  littleEndian: boolean;
  /** Set when a copied text value holds a non-ASCII character. */
  nonAscii: boolean;
}

/** Whether top-level `tag` of the source is copied (see module doc). */
export function copiedTopLevel(tag: number, keepWindow: boolean): boolean {
  const group = tag >>> 16;
  const elem = tag & 0xffff;
  if (group === 0x0002 || elem === 0 || group & 1) return false;
  if (group === 0x7fe0 || (group >= 0x5000 && group <= 0x50ff) || (group >= 0x6000 && group <= 0x60ff)) return false;
  if (REWRITTEN.has(tag)) return false;
  if (group === 0x0028) return KEPT_0028.has(elem) || (keepWindow && WINDOW_0028.has(elem));
  return true;
}

function tagOf(key: string): number {
  return parseInt(key.slice(1), 16) >>> 0;
}

function elementVr(tag: number, el: Element): string {
  if (el.items) return 'SQ';
  if (el.vr && /^[A-Z]{2}$/.test(el.vr)) return el.vr;
  return standardVr(tag) ?? 'UN';
}

function raw(ds: DataSet, el: Element): Uint8Array {
  return ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
}

function swapped(b: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(b.length);
  for (let i = 0; i + size <= b.length; i += size) for (let k = 0; k < size; k++) out[i + k] = b[i + size - 1 - k]!;
  return out;
}

function transcodeText(b: Uint8Array, state: CopyState): Uint8Array {
  const s = decodeDicomText(b, state.charsets).replace(/[\0 ]+$/, '');
  if (/[^\x00-\x7f]/.test(s)) state.nonAscii = true;
  return new TextEncoder().encode(s);
}

/** Copy one data set's elements (all of them, or the filtered top level) into `out`. */
export function copyElements(src: DataSet, out: DicomDataset, state: CopyState, filter?: (tag: number) => boolean): void {
  for (const [key, el] of Object.entries(src.elements)) {
    const tag = tagOf(key);
    if (filter ? !filter(tag) : (tag & 0xffff) === 0 || (tag >>> 16) & 1) continue;
    if (el.length === undefined || (el.hadUndefinedLength && !el.items)) continue; // encapsulated data
    const vr = elementVr(tag, el);
    if (vr === 'SQ') {
      const items: DicomDataset[] = [];
      for (const it of el.items ?? []) {
        const child = new DicomDataset();
        if (it.dataSet) {
          const own = it.dataSet.elements['x00080005'];
          const inner: CopyState = own ? { ...state, charsets: (it.dataSet.string('x00080005') ?? '').split('\\').map((x) => x.trim()) } : state;
          copyElements(it.dataSet, child, inner);
          if (inner !== state) {
            state.nonAscii ||= inner.nonAscii;
            child.delete(0x00080005);
          }
        }
        items.push(child);
      }
      out.setSequence(tag, items);
      continue;
    }
    let bytes = raw(src, el);
    if (TEXT_VRS.has(vr)) bytes = transcodeText(bytes, state);
    else if (!state.littleEndian && SWAP[vr]) bytes = swapped(bytes, SWAP[vr]!);
    out.set(tag, { vr, bytes: Uint8Array.from(bytes) });
  }
}
