/**
 * Series grouping and slice ordering.
 *
 * Instances are grouped by SeriesInstanceUID, then split by image orientation (direction cosines
 * equal within 1e-3), by matrix size, and by EchoNumbers / TemporalPositionIdentifier where
 * present, so that every group stacks into one volume (a localizer series with axial and sagittal
 * images becomes two groups; a multi-echo or dynamic MR series one group per echo / time point).
 * Groups that still hold several images at one position (within 1e-3 mm) say so in
 * `duplicatePositions`.
 *
 * Within a group, when every instance has ImagePositionPatient and ImageOrientationPatient,
 * slices are ordered by ascending distance along the slice normal n = row × column
 * (d = IPP · n, mm; for axial images in LPS, feet → head); equal positions fall back to
 * InstanceNumber, then SOPInstanceUID. Otherwise the order is ascending InstanceNumber (missing
 * numbers last), then SOPInstanceUID, then source path.
 */
import type { DicomHeader } from './image.js';

/** What grouping needs from a header (a scan keeps these without the parsed bytes). */
export type DicomHeaderInfo = Omit<DicomHeader, 'dataSet' | 'byteArray'>;

export interface DicomSeries<H extends DicomHeaderInfo = DicomHeaderInfo> {
  seriesInstanceUid: string;
  studyInstanceUid: string;
  modality: string;
  rows: number;
  columns: number;
  imageOrientationPatient?: [number, number, number, number, number, number];
  /** Unit slice normal row × column, when the orientation is known. */
  normal?: [number, number, number];
  /** Instances in slice order. */
  instances: H[];
  orderedBy: 'position' | 'instance-number';
  /** Distance of each instance along `normal`, mm (orderedBy === 'position'). */
  positions?: number[];
  echoNumber?: number;
  temporalPosition?: number;
  /** Number of instances sharing a position with the previous one (0 for a clean volume). */
  duplicatePositions: number;
}

const ORIENTATION_TOL = 1e-3;

function sameOrientation(a: readonly number[] | undefined, b: readonly number[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.every((v, i) => Math.abs(v - b[i]!) <= ORIENTATION_TOL);
}

/** Unit normal of an orientation (row cosines × column cosines). */
export function sliceNormal(iop: readonly number[]): [number, number, number] {
  const [r0, r1, r2, c0, c1, c2] = iop as [number, number, number, number, number, number];
  const n: [number, number, number] = [r1 * c2 - r2 * c1, r2 * c0 - r0 * c2, r0 * c1 - r1 * c0];
  const len = Math.hypot(...n) || 1;
  return [n[0] / len, n[1] / len, n[2] / len];
}

const byUid = (a: DicomHeaderInfo, b: DicomHeaderInfo) =>
  a.sopInstanceUid < b.sopInstanceUid ? -1 : a.sopInstanceUid > b.sopInstanceUid ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0;
const byInstance = (a: DicomHeaderInfo, b: DicomHeaderInfo) =>
  (a.instanceNumber ?? Infinity) - (b.instanceNumber ?? Infinity) || byUid(a, b);

/** Group instances into stackable series and order their slices (see module doc). */
export function groupSeries<H extends DicomHeaderInfo>(headers: readonly H[]): DicomSeries<H>[] {
  const groups: DicomSeries<H>[] = [];
  for (const h of headers) {
    let g = groups.find(
      (s) =>
        s.seriesInstanceUid === h.seriesInstanceUid &&
        s.rows === h.rows &&
        s.columns === h.columns &&
        s.echoNumber === h.echoNumber &&
        s.temporalPosition === h.temporalPosition &&
        sameOrientation(s.imageOrientationPatient, h.imageOrientationPatient),
    );
    if (!g) {
      g = {
        seriesInstanceUid: h.seriesInstanceUid,
        studyInstanceUid: h.studyInstanceUid,
        modality: h.modality,
        rows: h.rows,
        columns: h.columns,
        imageOrientationPatient: h.imageOrientationPatient,
        normal: h.imageOrientationPatient ? sliceNormal(h.imageOrientationPatient) : undefined,
        instances: [],
        orderedBy: 'instance-number',
        echoNumber: h.echoNumber,
        temporalPosition: h.temporalPosition,
        duplicatePositions: 0,
      };
      groups.push(g);
    }
    g.instances.push(h);
  }
  for (const g of groups) {
    const n = g.normal;
    if (n && g.instances.every((h) => h.imagePositionPatient)) {
      const d = new Map(g.instances.map((h) => [h, h.imagePositionPatient!.reduce((s, v, i) => s + v * n[i]!, 0)]));
      g.instances.sort((a, b) => d.get(a)! - d.get(b)! || byInstance(a, b));
      g.orderedBy = 'position';
      g.positions = g.instances.map((h) => d.get(h)!);
      g.duplicatePositions = g.positions.filter((p, i) => i > 0 && Math.abs(p - g.positions![i - 1]!) <= 1e-3).length;
    } else {
      g.instances.sort(byInstance);
    }
  }
  const key = (g: DicomSeries<H>) => `${g.studyInstanceUid}\u0000${g.seriesInstanceUid}\u0000${g.instances[0]!.source}`;
  return groups.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * Frames of one multi-frame instance in slice order: ascending per-frame ImagePositionPatient ·
 * normal (enhanced objects), stable for ties; file order when positions or orientation are missing.
 */
export function frameOrder(h: Pick<DicomHeaderInfo, 'frames' | 'perFrame' | 'imageOrientationPatient'>): number[] {
  const idx = Array.from({ length: h.frames }, (_, i) => i);
  const pf = h.perFrame;
  if (!h.imageOrientationPatient || !pf || pf.length !== h.frames || pf.some((p) => !p.imagePositionPatient)) return idx;
  const n = sliceNormal(h.imageOrientationPatient);
  const d = pf.map((p) => p.imagePositionPatient!.reduce((s, v, i) => s + v * n[i]!, 0));
  return idx.sort((a, b) => d[a]! - d[b]! || a - b);
}
