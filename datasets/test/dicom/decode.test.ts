/**
 * Decoded pixels vs. references computed by numpy from dcmtk's / gdcm's decompression of the same
 * file (see test/fixtures/dicom/make_fixtures.sh): every transfer syntax, layout and pixel format.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@scoresde/core';
import { readDicomFile } from '@scoresde/datasets';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const manifest = readFileSync(FIX + 'manifest.tsv', 'utf8')
  .trim()
  .split('\n')
  .map((l) => {
    const [file, ts, twin] = l.split('\t');
    return { file: file!, ts: ts!, twin: twin || undefined, name: file!.replace(/^.*\//, '').replace(/\.dcm$/, '') };
  });

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

describe('DICOM decoding equals dcmtk/gdcm decompression', () => {
  it('covers every required transfer syntax and layout', () => {
    const syntaxes = new Set(manifest.map((m) => m.ts));
    for (const uid of [
      '1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2',
      '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.70',
      '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91',
      '1.2.840.10008.1.2.5',
    ]) {
      expect(syntaxes, uid).toContain(uid);
    }
    expect(manifest.length).toBeGreaterThanOrEqual(38);
  });

  for (const m of manifest) {
    it(`${m.name} (${m.ts})`, async () => {
      const img = await readDicomFile(FIX + m.file);
      const ref = await readNpy(`${FIX}ref/${m.name}.npy`);
      expect([img.frames, img.rows, img.columns, ...(img.samplesPerPixel > 1 ? [img.samplesPerPixel] : [])]).toEqual(ref.shape);
      if (m.ts !== 'none') expect(img.transferSyntax.uid).toBe(m.ts);
      // Exact: lossless syntaxes and lossy ones alike (same libjpeg / CharLS / OpenJPEG arithmetic).
      expect(maxAbsDiff(img.pixels, ref.data)).toBe(0);
      expect(img.pixels.length).toBe(ref.data.length);
      if (m.twin && !img.transferSyntax.lossy) {
        const twin = await readNpy(`${FIX}ref/${m.twin}.npy`);
        expect(maxAbsDiff(img.pixels, twin.data)).toBe(0);
      }
      if (img.transferSyntax.lossy) expect(img.lossy).toBe(true);
    });
  }

  it('reports the file layout: no preamble, no meta header', async () => {
    expect((await readDicomFile(FIX + 'enc/ct_u12_nopreamble.dcm')).layout).toBe('meta-without-preamble');
    for (const [f, ts] of [
      ['rawimpl', '1.2.840.10008.1.2'],
      ['rawexpl', '1.2.840.10008.1.2.1'],
      ['rawbe', '1.2.840.10008.1.2.2'],
    ] as const) {
      const img = await readDicomFile(`${FIX}enc/ct_u12_${f}.dcm`);
      expect(img.layout).toBe('dataset-only');
      expect(img.transferSyntax.uid).toBe(ts);
    }
  });

  it('lossy JPEG 2000 with a 16-bit codestream under BitsStored 12 follows the codestream (as gdcm)', async () => {
    const img = await readDicomFile(FIX + 'enc/ct_u12_j2klossy.dcm');
    expect(img.bitsStored).toBe(12);
    expect(img.warnings.join(' ')).toMatch(/codestream is unsigned 16-bit/);
    expect(Math.max(...img.pixels)).toBeGreaterThan(4095 - 1024); // beyond the 12-bit range: not wrapped
  });

  it('metadata for derived series: UIDs, geometry, rescale, instance number', async () => {
    const img = await readDicomFile(FIX + 'src/ct_u12.dcm');
    expect(img.modality).toBe('CT');
    expect(img.sopClassUid).toBe('1.2.840.10008.5.1.4.1.1.2');
    expect(img.sopInstanceUid).toMatch(/^2\.25\.1234567890123456789\./);
    expect(img.seriesInstanceUid).toMatch(/^2\.25\./);
    expect(img.studyInstanceUid).toMatch(/^2\.25\./);
    expect(img.frameOfReferenceUid).toBe('2.25.1234567890123456789.4');
    expect(img.imagePositionPatient).toEqual([-20, -15, 30]);
    expect(img.imageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
    expect(img.pixelSpacing).toEqual([0.7, 0.8]);
    expect(img.sliceThickness).toBe(2.5);
    expect(img.instanceNumber).toBe(1);
    expect([img.rescaleSlope, img.rescaleIntercept, img.rescaleType]).toEqual([1, -1024, 'HU']);
    expect([img.bitsAllocated, img.bitsStored, img.highBit, img.pixelRepresentation]).toEqual([16, 12, 11, 0]);
    expect(img.lossy).toBe(false);
    expect(img.dataSet.elements['x7fe00010']).toBeDefined();
    expect(img.byteArray.length).toBeGreaterThan(40 * 48 * 2);
  });

  it('enhanced multi-frame: geometry from shared groups, per-frame positions and rescale', async () => {
    const img = await readDicomFile(FIX + 'src/mfe_u12.dcm');
    expect(img.frames).toBe(3);
    expect(img.imageOrientationPatient).toEqual([1, 0, 0, 0, 1, 0]);
    expect(img.pixelSpacing).toEqual([0.5, 0.6]);
    expect(img.sliceThickness).toBe(3);
    expect(img.perFrame!.map((p) => p.imagePositionPatient)).toEqual([
      [-12, -10, 50],
      [-12, -10, 47],
      [-12, -10, 44],
    ]);
    expect(img.perFrame!.map((p) => [p.rescaleSlope, p.rescaleIntercept])).toEqual([
      [1, -1024],
      [2, -2048],
      [0.5, -3.25],
    ]);
    expect([img.rescaleSlope, img.rescaleIntercept, img.rescaleType]).toEqual([1, -1024, 'HU']);
  });

  it('Extended Offset Table (OV, which dicom-parser 1.8 does not know) is parsed with its VR', async () => {
    const img = await readDicomFile(FIX + 'enc/mf_u12_jls_eot.dcm');
    expect(img.dataSet.elements['x7fe00001']!.vr).toBe('OV');
    expect(img.dataSet.elements['x7fe00001']!.length).toBe(32);
    expect(img.dataSet.elements['x7fe00010']!.basicOffsetTable).toEqual([]);
    expect(img.frames).toBe(4);
  });

  it('pixelsPhotometricInterpretation says what the returned values are', async () => {
    expect((await readDicomFile(FIX + 'enc/rgb_u8_base.dcm')).photometricInterpretation).toBe('YBR_FULL_422');
    expect((await readDicomFile(FIX + 'enc/rgb_u8_base.dcm')).pixelsPhotometricInterpretation).toBe('RGB');
    expect((await readDicomFile(FIX + 'src/cr_mono1.dcm')).pixelsPhotometricInterpretation).toBe('MONOCHROME2');
    expect((await readDicomFile(FIX + 'src/cr_mono1.dcm', { monochrome1: 'keep' })).pixelsPhotometricInterpretation).toBe('MONOCHROME1');
    expect((await readDicomFile(FIX + 'src/ct_u12.dcm')).pixelsPhotometricInterpretation).toBe('MONOCHROME2');
  });
});
