/** Folder scan, series grouping by SeriesInstanceUID and orientation, slice ordering, skip reasons. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { groupSeries, readDicomFile, scanDicomFolder, sliceNormal, type DicomHeaderInfo } from '@scoresde/datasets';

const STUDY = fileURLToPath(new URL('../fixtures/dicom/study/', import.meta.url));
const rel = (p: string) => p.slice(STUDY.length);

describe('scanDicomFolder', () => {
  it('groups the study into stackable series and orders slices along the normal', async () => {
    const scan = await scanDicomFolder(STUDY);
    expect(scan.series).toHaveLength(4);
    const a = scan.series.find((s) => s.instances.length === 4)!;
    expect(a.orderedBy).toBe('position');
    // files slice0..3 sit at slice indices 3,0,2,1 along the oblique normal (instance numbers 1..4)
    expect(a.instances.map((h) => rel(h.source))).toEqual(['a/deeper/slice1.dcm', 'a/deeper/slice3.dcm', 'a/slice2.dcm', 'a/slice0.dcm']);
    expect(a.instances.map((h) => h.instanceNumber)).toEqual([2, 4, 3, 1]);
    const gaps = a.positions!.slice(1).map((p, i) => p - a.positions![i]!);
    for (const g of gaps) expect(g).toBeCloseTo(2.5, 3);
    // the pixel value encodes the true slice index: 100·(k+1) stored, −1024 rescale
    for (const [k, h] of a.instances.entries()) {
      const img = await readDicomFile(h.source);
      expect(img.pixels[0]).toBe(100 * (k + 1) - 1024);
    }
    // one scout series, two orientations -> two groups; axial ones ordered by z
    const scout = scan.series.filter((s) => s.instances[0]!.source.includes('/scout/'));
    expect(scout).toHaveLength(2);
    expect(scout[0]!.seriesInstanceUid).toBe(scout[1]!.seriesInstanceUid);
    const axial = scout.find((s) => s.instances.length === 2)!;
    expect(axial.normal).toEqual([0, 0, 1]);
    expect(axial.instances.map((h) => h.imagePositionPatient![2])).toEqual([5, 10]);
    // no ImagePositionPatient -> InstanceNumber
    const noipp = scan.series.find((s) => s.instances[0]!.source.includes('/noipp/'))!;
    expect(noipp.orderedBy).toBe('instance-number');
    expect(noipp.instances.map((h) => h.instanceNumber)).toEqual([1, 2, 3]);
  });

  it('skips non-image, non-DICOM and truncated files with one-line reasons', async () => {
    const scan = await scanDicomFolder(STUDY);
    const reasons = Object.fromEntries(scan.skipped.map((s) => [rel(s.path), `${s.kind}: ${s.reason}`]));
    expect(Object.keys(reasons).sort()).toEqual(
      [
        'other/DICOMDIR',
        'other/ct_nopixels.dcm',
        'other/empty.dcm',
        'other/notes.txt',
        'other/report_sr.dcm',
        'other/state_pr.dcm',
        'other/struct_rt.dcm',
        'other/truncated.dcm',
      ].sort(),
    );
    expect(reasons['other/DICOMDIR']).toMatch(/^not-image: DICOMDIR/);
    expect(reasons['other/report_sr.dcm']).toMatch(/^not-image: Structured Report/);
    expect(reasons['other/state_pr.dcm']).toMatch(/^not-image: Presentation State/);
    expect(reasons['other/struct_rt.dcm']).toMatch(/^not-image: RT Structure Set/);
    expect(reasons['other/ct_nopixels.dcm']).toMatch(/^not-image: CT Image object has no Pixel Data/);
    expect(reasons['other/empty.dcm']).toMatch(/^not-dicom: empty file/);
    expect(reasons['other/notes.txt']).toMatch(/^not-dicom: not a DICOM file/);
    expect(reasons['other/truncated.dcm']).toMatch(/^malformed: .*truncated/);
    for (const r of Object.values(reasons)) expect(r).not.toMatch(/\n/);
  });

  it('non-recursive scan sees only the top folder', async () => {
    const scan = await scanDicomFolder(STUDY + 'a', { recursive: false });
    expect(scan.series).toHaveLength(1);
    expect(scan.series[0]!.instances).toHaveLength(2);
  });
});

describe('groupSeries', () => {
  const h = (p: Partial<DicomHeaderInfo>): DicomHeaderInfo =>
    ({ source: 'x', seriesInstanceUid: 'S', studyInstanceUid: 'T', sopInstanceUid: 'U', modality: 'CT', rows: 4, columns: 4, ...p }) as DicomHeaderInfo;
  it('normal is row × column; ties along the normal fall back to InstanceNumber', () => {
    expect(sliceNormal([0, 1, 0, 0, 0, -1])).toEqual([-1, 0, 0]);
    const iop: [number, number, number, number, number, number] = [1, 0, 0, 0, 1, 0];
    const g = groupSeries([
      h({ source: 'c', imageOrientationPatient: iop, imagePositionPatient: [0, 0, 2], instanceNumber: 1 }),
      h({ source: 'b', imageOrientationPatient: iop, imagePositionPatient: [0, 0, 1], instanceNumber: 9 }),
      h({ source: 'a', imageOrientationPatient: iop, imagePositionPatient: [0, 0, 1], instanceNumber: 3 }),
      h({ source: 'd', imageOrientationPatient: [1, 0, 0, 0, 1.0004, 0], imagePositionPatient: [5, 5, -1], instanceNumber: 2 }),
    ]);
    expect(g).toHaveLength(1);
    expect(g[0]!.instances.map((x) => x.source)).toEqual(['d', 'a', 'b', 'c']);
  });
  it('splits by matrix size and by orientation beyond 1e-3; missing positions use InstanceNumber', () => {
    const g = groupSeries([
      h({ source: 'a', rows: 8, instanceNumber: 2 }),
      h({ source: 'b', rows: 8, instanceNumber: 1 }),
      h({ source: 'c', imageOrientationPatient: [1, 0, 0, 0, 0.99, 0.141] }),
      h({ source: 'd' }),
    ]);
    expect(g.map((s) => s.instances.map((x) => x.source))).toEqual([['b', 'a'], ['c'], ['d']]);
    expect(g[0]!.orderedBy).toBe('instance-number');
  });
});

describe('describeSopClass', () => {
  it('classifies image and non-image SOP classes', async () => {
    const { describeSopClass } = await import('@scoresde/datasets');
    expect(describeSopClass('1.2.840.10008.5.1.4.1.1.2')).toEqual({ name: 'CT Image', nonImage: false });
    expect(describeSopClass('1.2.840.10008.5.1.4.1.1.481.1').nonImage).toBe(false); // RT Image
    for (const uid of [
      '1.2.840.10008.1.3.10', // DICOMDIR
      '1.2.840.10008.5.1.4.1.1.88.22', // Enhanced SR
      '1.2.840.10008.5.1.4.1.1.88.59', // Key Object Selection
      '1.2.840.10008.5.1.4.1.1.11.1', // GSPS
      '1.2.840.10008.5.1.4.1.1.481.2', // RT Dose
      '1.2.840.10008.5.1.4.1.1.481.5', // RT Plan
      '1.2.840.10008.5.1.4.1.1.104.1', // Encapsulated PDF
    ]) {
      expect(describeSopClass(uid).nonImage, uid).toBe(true);
    }
    expect(describeSopClass('1.2.3.4')).toEqual({ name: 'SOP class 1.2.3.4', nonImage: false });
  });
});

describe('frameOrder', () => {
  it('orders enhanced multi-frame frames along the normal; file order otherwise', async () => {
    const { frameOrder } = await import('@scoresde/datasets');
    const FIXDIR = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
    const mfe = await readDicomFile(FIXDIR + 'src/mfe_u12.dcm'); // z = 50, 47, 44 on an axial normal
    expect(frameOrder(mfe)).toEqual([2, 1, 0]);
    const mf = await readDicomFile(FIXDIR + 'src/mf_u12.dcm');
    expect(frameOrder(mf)).toEqual([0, 1, 2, 3]);
  });
});

describe('groupSeries: multi-echo and dynamic series', () => {
  const iop: [number, number, number, number, number, number] = [1, 0, 0, 0, 1, 0];
  const h = (p: Partial<DicomHeaderInfo>): DicomHeaderInfo =>
    ({ seriesInstanceUid: 'S', studyInstanceUid: 'T', sopInstanceUid: 'U', modality: 'MR', rows: 4, columns: 4, imageOrientationPatient: iop, ...p }) as DicomHeaderInfo;
  it('splits by EchoNumbers and TemporalPositionIdentifier; flags repeated positions', () => {
    const g = groupSeries([
      h({ source: 'e1z0', echoNumber: 1, imagePositionPatient: [0, 0, 0] }),
      h({ source: 'e2z0', echoNumber: 2, imagePositionPatient: [0, 0, 0] }),
      h({ source: 'e1z1', echoNumber: 1, imagePositionPatient: [0, 0, 1] }),
      h({ source: 'e2z1', echoNumber: 2, imagePositionPatient: [0, 0, 1] }),
    ]);
    expect(g.map((s) => [s.echoNumber, s.instances.map((x) => x.source), s.duplicatePositions])).toEqual([
      [1, ['e1z0', 'e1z1'], 0],
      [2, ['e2z0', 'e2z1'], 0],
    ]);
    const dup = groupSeries([
      h({ source: 'a', instanceNumber: 1, imagePositionPatient: [0, 0, 0] }),
      h({ source: 'b', instanceNumber: 2, imagePositionPatient: [0, 0, 0.0004] }),
      h({ source: 'c', instanceNumber: 3, imagePositionPatient: [0, 0, 2] }),
    ]);
    expect(dup).toHaveLength(1);
    expect(dup[0]!.duplicatePositions).toBe(1);
    const dyn = groupSeries([h({ source: 't1', temporalPosition: 1 }), h({ source: 't2', temporalPosition: 2 })]);
    expect(dyn.map((s) => s.temporalPosition)).toEqual([1, 2]);
  });
});

describe('scanDicomFolder: duplicates', () => {
  it('skips a second copy of an instance (same SOPInstanceUID)', async () => {
    const { mkdtemp, copyFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(tmpdir() + '/scoresde-dicom-');
    try {
      await copyFile(STUDY + 'scout/img0.dcm', dir + '/a.dcm');
      await copyFile(STUDY + 'scout/img0.dcm', dir + '/b.dcm');
      const scan = await scanDicomFolder(dir);
      expect(scan.series).toHaveLength(1);
      expect(scan.series[0]!.instances.map((x) => x.source)).toEqual([dir + '/a.dcm']);
      expect(scan.skipped).toEqual([{ path: dir + '/b.dcm', kind: 'duplicate', reason: `same SOPInstanceUID as ${dir}/a.dcm` }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
