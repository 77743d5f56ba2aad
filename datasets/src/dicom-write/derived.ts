/**
 * Derived image objects from source images and new pixel values (one file per slice), written as
 * `OUT/<StudyInstanceUID>/<SeriesInstanceUID>/<SOPInstanceUID>.dcm`.
 *
 * Each derived instance keeps the source's SOP class (so CT stays CT Image, MR stays MR Image) and
 * - new SeriesInstanceUID / SOPInstanceUID: `hashUid` of (key, seed, role, source series and first
 *   instance) / (key, seed, role, source SOPInstanceUID) — the same inputs give the same UIDs and
 *   identical bytes;
 * - ImageType DERIVED\SECONDARY followed by the source's values 3… (e.g. AXIAL, which the CT IOD
 *   requires);
 * - DerivationDescription (ST) as given, SourceImageSequence with the source's ReferencedSOPClassUID
 *   and ReferencedSOPInstanceUID;
 * - SeriesDescription "<source description> [scoresde <role>]" ("scoresde <role>" without one), SeriesNumber = source + 1000 for
 *   the reconstruction, + 2000 for the standard deviation (unless given);
 * - the patient, study, frame-of-reference, equipment, image-plane and acquisition attributes copied
 *   (see copy.ts for exactly what is and is not copied);
 * - a rewritten Image Pixel module: MONOCHROME2, 16 bits, slope / intercept from `quantize16`
 *   (Rescale attributes are written for CT, when the source had them, or when not the identity;
 *   RescaleType is copied, or 'US' where the Modality LUT module requires it: not CT, not MR);
 * - LossyImageCompression "01" if the source was ever lossy-compressed (by tag or by its transfer
 *   syntax), else "00";
 * - SpecificCharacterSet "ISO_IR 192" when any text value is non-ASCII (text is re-encoded as
 *   UTF-8), otherwise absent (default repertoire).
 * Output folder names come only from UIDs checked to be digits and dots (`pathSafeUid`): free-text
 * tags never reach a path.
 */
import { join, resolve, sep } from 'node:path';
import { writeFileAtomic, ScoresdeError } from '@scoresde/core';
import type { DicomHeader } from '../dicom/image.js';
import { copiedTopLevel, copyElements, type CopyState } from './copy.js';
import { DicomDataset, encodePart10 } from './encoder.js';
import { quantize16 } from './quantize.js';
import { hashUid, pathSafeUid, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME } from './uid.js';

/** A source image: its header (with the parsed data set) and, after decoding, `inverted`. */
export type DerivedSource = DicomHeader & { inverted?: boolean };

export interface DerivedSeriesOptions {
  /** Identity of the derivation (e.g. a hash of the task); enters every UID. */
  key: string;
  seed: number;
  /** 'reconstruction' (default) or e.g. 'std' for a posterior standard-deviation series. */
  role?: string;
  /** DerivationDescription (0008,2111), ≤ 1024 characters (longer text is cut). */
  derivationDescription: string;
  /** SeriesDescription; default "<source description> [scoresde <role>]". */
  seriesDescription?: string;
  seriesNumber?: number;
  /**
   * Use this SeriesInstanceUID instead of deriving it from `sources` (to write one series in
   * several calls: take it from `derivedSeriesUid` of the whole series).
   */
  seriesInstanceUid?: string;
}

export interface DerivedInstanceInfo {
  source: string;
  sourceSopInstanceUid: string;
  sopInstanceUid: string;
  /** Path relative to the output folder. */
  relativePath: string;
  path: string;
}

export interface DerivedSeriesResult {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  /** Folder of the series (relative to the output folder). */
  relativeDir: string;
  instances: DerivedInstanceInfo[];
}

const isAscii = (s: string) => !/[^\x00-\x7f]/.test(s);

function imageType(src: DicomHeader): string[] {
  const v = src.dataSet.string('x00080008');
  const values = v ? v.split('\\').map((x) => x.trim()) : [];
  return ['DERIVED', 'SECONDARY', ...values.slice(2)];
}

function seriesDescriptionFor(src: DicomHeader, role: string): string {
  const tail = ` [scoresde ${role}]`;
  const base = src.seriesDescription;
  if (!base) return `scoresde ${role}`;
  return [...base].slice(0, 64 - tail.length).join('').trimEnd() + tail;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** 16-bit samples as little-endian bytes (a view on little-endian hosts, swapped otherwise). */
function littleEndian16(a: Int16Array | Uint16Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) view.setUint16(2 * i, a[i]! & 0xffff, true);
  return out;
}

/** The derived SeriesInstanceUID for a group of sources (all of one series). */
export function derivedSeriesUid(sources: ReadonlyArray<Pick<DicomHeader, 'seriesInstanceUid' | 'sopInstanceUid'>>, o: Pick<DerivedSeriesOptions, 'key' | 'seed' | 'role'>): string {
  const first = sources[0];
  if (!first) throw new ScoresdeError('derived series: no source images');
  return hashUid([o.key, String(o.seed), o.role ?? 'reconstruction', 'series', first.seriesInstanceUid, first.sopInstanceUid]);
}

/** The derived SOPInstanceUID for one source image. */
export function derivedSopUid(src: DicomHeader, o: Pick<DerivedSeriesOptions, 'key' | 'seed' | 'role'>): string {
  return hashUid([o.key, String(o.seed), o.role ?? 'reconstruction', 'instance', src.sopInstanceUid]);
}

export interface DerivedInstanceFields {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  derivationDescription: string;
  seriesDescription: string;
  seriesNumber: number;
}

/** Encode one derived instance (Part-10 bytes). `pixels`: rows × columns modality values, MONOCHROME2 semantics. */
export function buildDerivedInstance(src: DerivedSource, pixels: Float32Array, f: DerivedInstanceFields): Uint8Array {
  const what = src.source;
  if (src.frames !== 1) throw new ScoresdeError(`${what}: derived output of multi-frame objects (${src.frames} frames) is not supported`);
  if (src.samplesPerPixel !== 1) throw new ScoresdeError(`${what}: derived output needs a monochrome source (SamplesPerPixel ${src.samplesPerPixel})`);
  if (pixels.length !== src.rows * src.columns) {
    throw new ScoresdeError(`${what}: ${pixels.length} pixel values for a ${src.rows}×${src.columns} image`);
  }
  const ds = new DicomDataset();
  const state: CopyState = { charsets: src.specificCharacterSet, littleEndian: src.transferSyntax.littleEndian, nonAscii: false };
  const keepWindow = !src.inverted;
  copyElements(src.dataSet, ds, state, (tag) => copiedTopLevel(tag, keepWindow));

  const description = [...f.derivationDescription].slice(0, 1024).join('');
  ds.setString(0x00080008, 'CS', imageType(src));
  ds.setString(0x00080016, 'UI', src.sopClassUid);
  ds.setString(0x00080018, 'UI', f.sopInstanceUid);
  ds.setString(0x0008103e, 'LO', f.seriesDescription);
  ds.setString(0x00082111, 'ST', description);
  ds.setSequence(0x00082112, [
    new DicomDataset().setString(0x00081150, 'UI', src.sopClassUid).setString(0x00081155, 'UI', src.sopInstanceUid),
  ]);
  ds.setString(0x0020000e, 'UI', f.seriesInstanceUid);
  ds.setString(0x00200011, 'IS', String(f.seriesNumber));
  if (!state.nonAscii && !(isAscii(description) && isAscii(f.seriesDescription))) state.nonAscii = true;
  if (state.nonAscii) ds.setString(0x00080005, 'CS', 'ISO_IR 192');

  const q = quantize16(pixels, what);
  ds.setUint16(0x00280002, 1);
  ds.setString(0x00280004, 'CS', 'MONOCHROME2');
  ds.setUint16(0x00280010, src.rows);
  ds.setUint16(0x00280011, src.columns);
  ds.setUint16(0x00280100, 16);
  ds.setUint16(0x00280101, 16);
  ds.setUint16(0x00280102, 15);
  ds.setUint16(0x00280103, q.pixelRepresentation);
  const isCt = src.modality === 'CT';
  const hadRescale = src.dataSet.elements['x00281053'] !== undefined || src.dataSet.elements['x00281052'] !== undefined;
  if (isCt || hadRescale || q.slope !== 1 || q.intercept !== 0) {
    ds.setString(0x00281052, 'DS', q.interceptText);
    ds.setString(0x00281053, 'DS', q.slopeText);
    const type = src.rescaleType ?? (isCt || src.modality === 'MR' ? undefined : 'US');
    if (type) ds.setString(0x00281054, 'LO', type);
  }
  ds.setString(0x00282110, 'CS', src.lossy ? '01' : '00');
  ds.set(0x7fe00010, { vr: 'OW', bytes: littleEndian16(q.stored) });
  return encodePart10(ds, {
    sopClassUid: src.sopClassUid,
    sopInstanceUid: f.sopInstanceUid,
    implementationClassUid: IMPLEMENTATION_CLASS_UID,
    implementationVersionName: IMPLEMENTATION_VERSION_NAME,
  });
}

/**
 * Write one derived series (one file per source image, atomically) under `outDir`. `pixels[i]`
 * belongs to `sources[i]`. Returns the UIDs and paths written.
 */
export async function writeDerivedSeries(
  outDir: string,
  sources: readonly DerivedSource[],
  pixels: readonly Float32Array[],
  o: DerivedSeriesOptions,
): Promise<DerivedSeriesResult> {
  if (sources.length === 0) throw new ScoresdeError('derived series: no source images');
  if (pixels.length !== sources.length) throw new ScoresdeError(`derived series: ${pixels.length} images for ${sources.length} sources`);
  const role = o.role ?? 'reconstruction';
  const studyUid = pathSafeUid(sources[0]!.studyInstanceUid, `${sources[0]!.source}: StudyInstanceUID`);
  for (const s of sources) {
    if (s.studyInstanceUid !== studyUid) throw new ScoresdeError(`${s.source}: StudyInstanceUID differs from the rest of its series`);
  }
  const seriesUid = o.seriesInstanceUid !== undefined ? pathSafeUid(o.seriesInstanceUid, 'seriesInstanceUid') : derivedSeriesUid(sources, o);
  const seriesNumber = o.seriesNumber ?? (sources[0]!.seriesNumber ?? 0) + (role === 'std' ? 2000 : 1000);
  const root = resolve(outDir);
  const relativeDir = join(studyUid, seriesUid);
  const encoded = sources.map((src, i) => {
    const sopInstanceUid = derivedSopUid(src, o);
    const bytes = buildDerivedInstance(src, pixels[i]!, {
      seriesInstanceUid: seriesUid,
      sopInstanceUid,
      derivationDescription: o.derivationDescription,
      seriesDescription: o.seriesDescription ?? seriesDescriptionFor(src, role),
      seriesNumber,
    });
    const relativePath = join(relativeDir, `${sopInstanceUid}.dcm`);
    const path = resolve(root, relativePath);
    if (!path.startsWith(root + sep)) throw new ScoresdeError(`${src.source}: output path escapes ${outDir}`);
    return { info: { source: src.source, sourceSopInstanceUid: src.sopInstanceUid, sopInstanceUid, relativePath, path }, bytes };
  });
  const seen = new Set<string>();
  for (const e of encoded) {
    if (seen.has(e.info.sopInstanceUid)) throw new ScoresdeError(`${e.info.source}: two sources share SOPInstanceUID ${e.info.sourceSopInstanceUid}`);
    seen.add(e.info.sopInstanceUid);
  }
  for (let i = 0; i < encoded.length; i += 8) {
    await Promise.all(encoded.slice(i, i + 8).map((e) => writeFileAtomic(e.info.path, e.bytes)));
  }
  return { studyInstanceUid: studyUid, seriesInstanceUid: seriesUid, relativeDir, instances: encoded.map((e) => e.info) };
}
