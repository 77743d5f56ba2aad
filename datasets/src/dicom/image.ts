/**
 * Reading one DICOM object: header (`readDicomHeader`, no pixel decoding) and pixels
 * (`decodeDicomPixels`, async because the WebAssembly codecs load lazily), or both (`readDicom`,
 * `readDicomFile`). Pixels come back as a Float32Array in modality units (after Rescale Slope /
 * Intercept), frame-major then row-major: index = (f·Rows + r)·Columns + c (× SamplesPerPixel,
 * interleaved, for colour). MONOCHROME1 is returned with MONOCHROME2 semantics (see pixels.ts).
 *
 * Every failure is a one-line `DicomReadError` (a ScoresdeError) whose `kind` says whether the
 * input is not DICOM, malformed/truncated, a non-image object, or an image the reader does not
 * support; callers that walk folders turn it into a skip reason.
 */
import { readFile } from 'node:fs/promises';
import type { DataSet } from 'dicom-parser';
import { ScoresdeError } from '@scoresde/core';
import { decodeDicomText } from './charset.js';
import { decodeFrame, ensureCodecs } from './codecs.js';
import { encapsulatedFrames, j2kPrecision, nativeFrames } from './frames.js';
import { parseDataset, type ParseOptions, type ParsedDataset } from './parse-dataset.js';
import { frameToModality, type SampleLayout } from './pixels.js';
import { describeSopClass } from './sop-classes.js';
import { DicomReadError, type DicomReadErrorKind } from './read-error.js';
import { transferSyntaxInfo, type TransferSyntaxInfo } from './transfer-syntax.js';

export { DicomReadError, type DicomReadErrorKind };

export interface DicomReadOptions {
  /** 'invert' (default): MONOCHROME1 pixels are reflected to MONOCHROME2 semantics; 'keep': as stored. */
  monochrome1?: 'invert' | 'keep';
}

/** Everything about one image object except its decoded pixels. */
export interface DicomHeader {
  /** File path or the name given to the reader (used in messages). */
  source: string;
  sopClassUid: string;
  sopClassName: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  frameOfReferenceUid?: string;
  modality: string;
  transferSyntax: TransferSyntaxInfo;
  rows: number;
  columns: number;
  frames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  /** As stored in the file (MONOCHROME1, MONOCHROME2, RGB, YBR_FULL_422, …). */
  photometricInterpretation: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  rescaleType?: string;
  /** (0020,0032) x, y, z of the first transmitted pixel, mm. */
  imagePositionPatient?: [number, number, number];
  /** (0020,0037) row direction cosines then column direction cosines. */
  imageOrientationPatient?: [number, number, number, number, number, number];
  /** (0028,0030) [row spacing (between rows), column spacing (between columns)], mm. */
  pixelSpacing?: [number, number];
  sliceThickness?: number;
  instanceNumber?: number;
  seriesNumber?: number;
  acquisitionNumber?: number;
  /** (0018,0086) EchoNumbers, first value (multi-echo MR). */
  echoNumber?: number;
  /** (0020,0100) TemporalPositionIdentifier (dynamic series). */
  temporalPosition?: number;
  windowCenter?: number;
  windowWidth?: number;
  /**
   * Per-frame values of multi-frame (enhanced) objects, from the Per-frame / Shared Functional
   * Groups (PlanePositionSequence, PixelValueTransformationSequence); absent for single-frame
   * objects without functional groups. Top-level fields hold frame 1's values.
   */
  perFrame?: Array<{ imagePositionPatient?: [number, number, number]; rescaleSlope: number; rescaleIntercept: number }>;
  /** (0028,2110) LossyImageCompression as stored ('00' / '01'), if present. */
  lossyImageCompression?: string;
  /** True when the pixels are known to have been lossy-compressed (by the tag or the syntax). */
  lossy: boolean;
  /** (0008,0005) values as stored, e.g. ['ISO_IR 100'] or ['', 'ISO 2022 IR 87']. */
  specificCharacterSet: string[];
  patientName?: string;
  patientId?: string;
  studyDescription?: string;
  seriesDescription?: string;
  /**
   * The parsed data set and the bytes its offsets refer to (for copying modules when writing).
   * For deflated files `byteArray` is the original meta header followed by the *inflated* data set
   * (its (0002,0010) still names the deflated syntax); for files without preamble it has a zero
   * preamble and "DICM" prepended. Copy elements through `dataSet`, not by re-parsing these bytes.
   */
  dataSet: DataSet;
  byteArray: Uint8Array;
  layout: ParsedDataset['layout'];
  /** Non-fatal inconsistencies met while parsing the header (also copied into `warnings`). */
  parseWarnings: string[];
}

export interface DicomImage extends DicomHeader {
  /** Modality values, frames × rows × columns (× samplesPerPixel), row-major. */
  pixels: Float32Array;
  /** True when MONOCHROME1 pixels were reflected to MONOCHROME2 semantics. */
  inverted: boolean;
  /** Non-fatal inconsistencies met while decoding (one line each). */
  warnings: string[];
  /**
   * Photometric interpretation of `pixels` (what a writer of these values must declare):
   * MONOCHROME2 after inversion, RGB for colour decoded by a codec, otherwise as stored.
   */
  pixelsPhotometricInterpretation: string;
}

const fail = (kind: DicomReadErrorKind, source: string, msg: string): never => {
  throw new DicomReadError(kind, `${source}: ${msg}`);
};

function strIn(ds: DataSet | undefined, tag: string): string | undefined {
  return ds ? str(ds, tag) : undefined;
}

function str(ds: DataSet, tag: string): string | undefined {
  const v = ds.string(tag);
  return v === undefined ? undefined : v.replace(/\0/g, '').trim() || undefined;
}

function nums(ds: DataSet, tag: string): number[] | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  const all = readAllStrings(ds, tag)
    .filter((v) => v !== '')
    .map(Number);
  return all.length > 0 && all.every((x) => Number.isFinite(x)) ? all : undefined;
}

function readAllStrings(ds: DataSet, tag: string): string[] {
  const n = ds.numStringValues(tag) ?? 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((ds.string(tag, i) ?? '').trim());
  return out;
}

function num(ds: DataSet, tag: string): number | undefined {
  return nums(ds, tag)?.[0];
}

function us(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length < 2) return undefined;
  return ds.uint16(tag);
}

/** First item's data set of sequence `tag` in `ds`, if any. */
function item(ds: DataSet | undefined, tag: string, index = 0): DataSet | undefined {
  return ds?.elements[tag]?.items?.[index]?.dataSet;
}

/**
 * Attribute `attr` inside functional group macro `macro` for frame `f`: the Per-frame Functional
 * Groups item wins over the Shared Functional Groups item (PS3.3 C.7.6.16).
 */
function functionalGroup(ds: DataSet, f: number, macro: string, attr: string): number[] | undefined {
  for (const group of [item(ds, 'x52009230', f), item(ds, 'x52009229')]) {
    const m = item(group, macro);
    if (m?.elements[attr]) return nums(m, attr);
  }
  return undefined;
}

/** A text value (SH, LO, PN, ST, LT, UT, UC) decoded under the Specific Character Set. */
export function dicomText(h: Pick<DicomHeader, 'dataSet' | 'specificCharacterSet'>, tag: string): string | undefined {
  const el = h.dataSet.elements[tag];
  if (!el || el.length === 0) return undefined;
  const bytes = h.dataSet.byteArray.subarray(el.dataOffset, el.dataOffset + el.length);
  const s = decodeDicomText(bytes, h.specificCharacterSet).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  return s || undefined;
}

/** Parse and validate an image object's header. Throws DicomReadError. */
export function readDicomHeader(bytes: Uint8Array, source = 'DICOM data', opts: ParseOptions = {}): DicomHeader {
  const parsed = parseDataset(bytes, source, opts);
  const ds = parsed.dataSet;
  const sopClassUid = str(ds, 'x00080016') ?? str(ds, 'x00020002') ?? '';
  const sop = describeSopClass(sopClassUid);
  const modality = str(ds, 'x00080060') ?? '';
  if (sop.nonImage) fail('not-image', source, `${sop.name} (${sopClassUid}) is not an image object`);
  const px = ds.elements['x7fe00010'];
  if (!px) {
    if (ds.elements['x7fe00008'] || ds.elements['x7fe00009']) fail('unsupported', source, 'float Pixel Data (7FE0,0008/0009) is not supported');
    const what = ['SR', 'PR', 'KO', 'RTSTRUCT', 'RTPLAN', 'REG', 'DOC'].includes(modality)
      ? `non-image object (Modality ${modality})`
      : `${sop.name} object`;
    fail('not-image', source, `${what} has no Pixel Data (7FE0,0010)`);
  }
  const tsInfo = transferSyntaxInfo(parsed.transferSyntaxUid);
  if (!tsInfo) fail('unsupported', source, `transfer syntax ${parsed.transferSyntaxUid || '(empty)'} is not supported`);
  const ts = tsInfo!;

  const rows = us(ds, 'x00280010');
  const columns = us(ds, 'x00280011');
  const bitsAllocated = us(ds, 'x00280100');
  if (!rows || !columns) fail('malformed', source, 'image without Rows/Columns (0028,0010/0011)');
  if (bitsAllocated === undefined) fail('malformed', source, 'image without BitsAllocated (0028,0100)');
  const bitsStored = us(ds, 'x00280101') ?? bitsAllocated!;
  const highBit = us(ds, 'x00280102') ?? bitsStored - 1;
  const pixelRepresentation = us(ds, 'x00280103') ?? 0;
  const samplesPerPixel = us(ds, 'x00280002') ?? 1;
  const planarConfiguration = us(ds, 'x00280006') ?? 0;
  const photometricInterpretation = str(ds, 'x00280004') ?? (samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB');
  const frames = num(ds, 'x00280008') ?? 1;
  if (![8, 16, 32].includes(bitsAllocated!)) fail('unsupported', source, `BitsAllocated ${bitsAllocated} is not supported (8, 16 or 32)`);
  if (bitsStored < 1 || bitsStored > bitsAllocated! || highBit < bitsStored - 1 || highBit >= bitsAllocated!) {
    fail('malformed', source, `inconsistent BitsAllocated/BitsStored/HighBit ${bitsAllocated}/${bitsStored}/${highBit}`);
  }
  if (pixelRepresentation !== 0 && pixelRepresentation !== 1) fail('malformed', source, `PixelRepresentation ${pixelRepresentation}`);
  if (!Number.isInteger(frames) || frames < 1) fail('malformed', source, `NumberOfFrames ${frames}`);
  if (samplesPerPixel === 1) {
    if (photometricInterpretation !== 'MONOCHROME1' && photometricInterpretation !== 'MONOCHROME2') {
      fail('unsupported', source, `PhotometricInterpretation ${photometricInterpretation} with one sample is not supported`);
    }
  } else if (samplesPerPixel === 3) {
    const decodedToRgb = ts.encoding !== 'native' && photometricInterpretation !== 'PALETTE COLOR';
    if (photometricInterpretation !== 'RGB' && !decodedToRgb) {
      fail('unsupported', source, `PhotometricInterpretation ${photometricInterpretation} is not supported (native colour must be RGB)`);
    }
  } else {
    fail('unsupported', source, `SamplesPerPixel ${samplesPerPixel} is not supported (1 or 3)`);
  }
  if (ds.elements['x00283000']) fail('unsupported', source, 'Modality LUT Sequence (0028,3000) is not supported');
  const rescaleSlope = num(ds, 'x00281053') ?? 1;
  const rescaleIntercept = num(ds, 'x00281052') ?? 0;
  if (rescaleSlope === 0) fail('malformed', source, 'RescaleSlope is 0');

  const enhanced = ds.elements['x52009230'] !== undefined || ds.elements['x52009229'] !== undefined;
  const ipp = nums(ds, 'x00200032') ?? (enhanced ? functionalGroup(ds, 0, 'x00209113', 'x00200032') : undefined);
  const iop = nums(ds, 'x00200037') ?? (enhanced ? functionalGroup(ds, 0, 'x00209116', 'x00200037') : undefined);
  const spacing = nums(ds, 'x00280030') ?? (enhanced ? functionalGroup(ds, 0, 'x00289110', 'x00280030') : undefined);
  const thickness = num(ds, 'x00180050') ?? (enhanced ? functionalGroup(ds, 0, 'x00289110', 'x00180050')?.[0] : undefined);
  let perFrame: DicomHeader['perFrame'];
  if (enhanced) {
    perFrame = [];
    for (let f = 0; f < frames; f++) {
      const p = functionalGroup(ds, f, 'x00209113', 'x00200032');
      const slope = functionalGroup(ds, f, 'x00289145', 'x00281053')?.[0] ?? rescaleSlope;
      const intercept = functionalGroup(ds, f, 'x00289145', 'x00281052')?.[0] ?? rescaleIntercept;
      if (slope === 0) fail('malformed', source, `RescaleSlope is 0 in frame ${f + 1}`);
      perFrame.push({
        imagePositionPatient: p?.length === 3 ? [p[0]!, p[1]!, p[2]!] : undefined,
        rescaleSlope: slope,
        rescaleIntercept: intercept,
      });
    }
  }
  const lossyTag = str(ds, 'x00282110');
  const charsets = ds.elements['x00080005'] ? readAllStrings(ds, 'x00080005') : [];
  const header: DicomHeader = {
    source,
    sopClassUid,
    sopClassName: sop.name,
    sopInstanceUid: str(ds, 'x00080018') ?? str(ds, 'x00020003') ?? '',
    studyInstanceUid: str(ds, 'x0020000d') ?? '',
    seriesInstanceUid: str(ds, 'x0020000e') ?? '',
    frameOfReferenceUid: str(ds, 'x00200052'),
    modality,
    transferSyntax: ts,
    rows: rows!,
    columns: columns!,
    frames,
    samplesPerPixel,
    bitsAllocated: bitsAllocated!,
    bitsStored,
    highBit,
    pixelRepresentation,
    planarConfiguration,
    photometricInterpretation,
    rescaleSlope: perFrame?.[0]?.rescaleSlope ?? rescaleSlope,
    rescaleIntercept: perFrame?.[0]?.rescaleIntercept ?? rescaleIntercept,
    rescaleType: str(ds, 'x00281054') ?? strIn(item(item(ds, 'x52009230'), 'x00289145'), 'x00281054') ?? strIn(item(item(ds, 'x52009229'), 'x00289145'), 'x00281054'),
    imagePositionPatient: ipp?.length === 3 ? [ipp[0]!, ipp[1]!, ipp[2]!] : undefined,
    imageOrientationPatient: iop?.length === 6 ? [iop[0]!, iop[1]!, iop[2]!, iop[3]!, iop[4]!, iop[5]!] : undefined,
    pixelSpacing: spacing?.length === 2 ? [spacing[0]!, spacing[1]!] : undefined,
    sliceThickness: thickness,
    instanceNumber: num(ds, 'x00200013'),
    seriesNumber: num(ds, 'x00200011'),
    acquisitionNumber: num(ds, 'x00200012'),
    echoNumber: num(ds, 'x00180086'),
    temporalPosition: num(ds, 'x00200100'),
    windowCenter: num(ds, 'x00281050'),
    windowWidth: num(ds, 'x00281051'),
    perFrame,
    lossyImageCompression: lossyTag,
    lossy: lossyTag === '01' || ts.lossy,
    specificCharacterSet: charsets,
    dataSet: ds,
    byteArray: parsed.byteArray,
    layout: parsed.layout,
    parseWarnings: parsed.warnings,
  };
  header.patientName = dicomText(header, 'x00100010');
  header.patientId = dicomText(header, 'x00100020');
  header.studyDescription = dicomText(header, 'x00081030');
  header.seriesDescription = dicomText(header, 'x0008103e');
  return header;
}

/** Decode all frames of an image to modality values (see module doc for layout and conventions). */
export async function decodeDicomPixels(h: DicomHeader, opts: DicomReadOptions = {}): Promise<{ pixels: Float32Array; inverted: boolean; warnings: string[] }> {
  const ds = h.dataSet;
  const px = ds.elements['x7fe00010']!;
  const ts = h.transferSyntax;
  const spp = h.samplesPerPixel;
  const frameSamples = h.rows * h.columns * spp;
  const frameBytes = (frameSamples * h.bitsAllocated) / 8;
  const invert = spp === 1 && h.photometricInterpretation === 'MONOCHROME1' && (opts.monochrome1 ?? 'invert') === 'invert';
  const colour = spp === 3;
  const layout: SampleLayout = {
    rows: h.rows,
    columns: h.columns,
    samplesPerPixel: spp,
    bitsAllocated: h.bitsAllocated,
    bitsStored: h.bitsStored,
    highBit: h.highBit,
    pixelRepresentation: h.pixelRepresentation,
    planarConfiguration: h.planarConfiguration,
    littleEndian: ts.littleEndian,
    invert,
    slope: colour ? 1 : h.rescaleSlope,
    intercept: colour ? 0 : h.rescaleIntercept,
  };
  const warnings: string[] = [...h.parseWarnings];
  let raw: Uint8Array[];
  try {
    if (ts.encoding === 'native') {
      if (!px.encapsulatedPixelData) {
        raw = nativeFrames(ds, px, h.frames, frameBytes);
      } else {
        throw new ScoresdeError(`encapsulated Pixel Data in native transfer syntax ${ts.uid}`);
      }
      // Explicit VR big endian with 8-bit samples in an OW value: bytes are swapped in pairs.
      if (!ts.littleEndian && h.bitsAllocated === 8 && px.vr === 'OW') {
        raw = raw.map((f) => {
          const c = f.slice();
          for (let i = 0; i + 1 < c.length; i += 2) [c[i], c[i + 1]] = [c[i + 1]!, c[i]!];
          return c;
        });
      }
    } else {
      if (!px.encapsulatedPixelData) throw new ScoresdeError(`Pixel Data is not encapsulated although the transfer syntax is ${ts.name}`);
      const encoded = encapsulatedFrames(ds, px, h.frames, ts.encoding);
      if (ts.encoding === 'jpeg2000' || ts.encoding === 'htj2k') {
        // The codestream's precision / signedness win over a conflicting header (gdcm's lossy
        // encoder writes 16-bit codestreams for BitsStored 12; gdcm and pydicom decode likewise).
        const siz = j2kPrecision(encoded[0]!);
        if (siz && siz.bits <= h.bitsAllocated && (siz.bits !== h.bitsStored || siz.signed !== (h.pixelRepresentation === 1))) {
          warnings.push(
            `JPEG 2000 codestream is ${siz.signed ? 'signed' : 'unsigned'} ${siz.bits}-bit, header says BitsStored ${h.bitsStored}, PixelRepresentation ${h.pixelRepresentation}; using the codestream's`,
          );
          layout.bitsStored = siz.bits;
          layout.highBit = siz.bits - 1;
          layout.pixelRepresentation = siz.signed ? 1 : 0;
        }
      }
      await ensureCodecs();
      const encoding = ts.encoding;
      raw = encoded.map((e, i) => {
        try {
          return decodeFrame(encoding, e, h);
        } catch (err) {
          throw new ScoresdeError(`frame ${i + 1}/${h.frames}: ${err instanceof Error ? err.message : String(err)}`);
        }
      });
      layout.littleEndian = true;
      // Colour codecs return interleaved RGB.
      if (colour) layout.planarConfiguration = 0;
    }
  } catch (e) {
    if (e instanceof DicomReadError) throw e;
    throw new DicomReadError('malformed', `${h.source}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const pixels = new Float32Array(h.frames * frameSamples);
  raw.forEach((f, i) => {
    const pf = h.perFrame?.[i];
    const L = pf && !colour ? { ...layout, slope: pf.rescaleSlope, intercept: pf.rescaleIntercept } : layout;
    frameToModality(f, L, pixels, i * frameSamples);
  });
  return { pixels, inverted: invert, warnings };
}

/** Parse and decode one DICOM object from bytes. */
export async function readDicom(bytes: Uint8Array, source = 'DICOM data', opts: DicomReadOptions = {}): Promise<DicomImage> {
  const h = readDicomHeader(bytes, source);
  const { pixels, inverted, warnings } = await decodeDicomPixels(h, opts);
  const pixelsPhotometricInterpretation = inverted ? 'MONOCHROME2' : h.samplesPerPixel === 3 ? 'RGB' : h.photometricInterpretation;
  return { ...h, pixels, inverted, warnings, pixelsPhotometricInterpretation };
}

/** Read, parse and decode one DICOM file. */
export async function readDicomFile(path: string, opts: DicomReadOptions = {}): Promise<DicomImage> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new DicomReadError('not-dicom', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { cause: e });
  }
  return readDicom(bytes, path, opts);
}
