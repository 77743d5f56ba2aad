/** Stored sample → modality value conversion: closed forms for masking, sign extension, MONOCHROME1. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readNpy } from '@scoresde/core';
import { readDicomFile } from '@scoresde/datasets';
import { frameToModality, type SampleLayout } from '../../src/dicom/pixels.js';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));

const base: SampleLayout = {
  rows: 1,
  columns: 4,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  highBit: 11,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  littleEndian: true,
  invert: false,
  slope: 1,
  intercept: 0,
};

function run(words: number[], L: Partial<SampleLayout>, bytesPer = 2): number[] {
  const layout = { ...base, columns: words.length, ...L };
  const buf = new Uint8Array(words.length * bytesPer);
  const dv = new DataView(buf.buffer);
  words.forEach((w, i) => {
    if (bytesPer === 1) buf[i] = w;
    else if (bytesPer === 2) dv.setUint16(2 * i, w, layout.littleEndian);
    else dv.setUint32(4 * i, w, layout.littleEndian);
  });
  const out = new Float32Array(layout.rows * layout.columns * layout.samplesPerPixel);
  frameToModality(buf, layout, out, 0);
  return Array.from(out);
}

describe('frameToModality', () => {
  it('masks bits above BitsStored (unsigned 12 in 16)', () => {
    expect(run([0xf000, 0xa123, 0x0fff, 0x5001], {})).toEqual([0, 0x123, 4095, 1]);
  });

  it('sign-extends from the high bit of BitsStored and ignores garbage above it', () => {
    // 12-bit two's complement: 0x800 = -2048, 0xfff = -1, 0x7ff = 2047.
    expect(run([0x0800, 0xffff, 0x37ff, 0xa000], { pixelRepresentation: 1 })).toEqual([-2048, -1, 2047, 0]);
    expect(run([0x8000, 0x7fff, 0xffff], { pixelRepresentation: 1, bitsStored: 16, highBit: 15 })).toEqual([-32768, 32767, -1]);
  });

  it('takes the field below HighBit when HighBit > BitsStored - 1', () => {
    // BitsStored 12, HighBit 15: stored value is bits 4..15.
    expect(run([0xfff0, 0x0010, 0x800f], { highBit: 15 })).toEqual([4095, 1, 2048]);
  });

  it('applies slope and intercept in float64, rounded once to float32', () => {
    const got = run([1, 3], { slope: 0.37, intercept: -12.5 });
    expect(got).toEqual([Math.fround(1 * 0.37 - 12.5), Math.fround(3 * 0.37 - 12.5)]);
  });

  it('reflects MONOCHROME1 on the stored range (unsigned and signed)', () => {
    expect(run([0, 4095, 1000], { invert: true })).toEqual([4095, 0, 3095]);
    expect(run([0x0800, 0x07ff, 0x0000], { invert: true, pixelRepresentation: 1 })).toEqual([2047, -2048, -1]);
  });

  it('reads big-endian words, 8-bit and 32-bit samples', () => {
    expect(run([0x0123, 0x0fff], { littleEndian: false })).toEqual([0x123, 4095]);
    expect(run([0, 200, 255], { bitsAllocated: 8, bitsStored: 8, highBit: 7 }, 1)).toEqual([0, 200, 255]);
    expect(run([0xffffffff, 0x80000000], { bitsAllocated: 32, bitsStored: 32, highBit: 31 }, 4)).toEqual([Math.fround(4294967295), 2147483648]);
    expect(run([0xffffffff, 0x80000000], { bitsAllocated: 32, bitsStored: 32, highBit: 31, pixelRepresentation: 1 }, 4)).toEqual([
      -1, -2147483648,
    ]);
  });

  it('interleaves planar colour', () => {
    const L = { samplesPerPixel: 3, planarConfiguration: 1, bitsAllocated: 8, bitsStored: 8, highBit: 7, columns: 2 };
    // R R G G B B -> R G B R G B
    expect(run([1, 2, 3, 4, 5, 6], L, 1)).toEqual([1, 3, 5, 2, 4, 6]);
  });
});

describe('MONOCHROME1 option', () => {
  it("'keep' returns stored semantics; keep + invert = slope·(2^BitsStored − 1) + 2·intercept", async () => {
    const inv = await readDicomFile(FIX + 'src/cr_mono1.dcm');
    const keep = await readDicomFile(FIX + 'src/cr_mono1.dcm', { monochrome1: 'keep' });
    expect(inv.photometricInterpretation).toBe('MONOCHROME1');
    expect(inv.inverted).toBe(true);
    expect(keep.inverted).toBe(false);
    const c = 2 * 1023 + 2 * 5; // slope 2, BitsStored 10, intercept 5
    for (let i = 0; i < inv.pixels.length; i++) expect(inv.pixels[i]! + keep.pixels[i]!).toBe(c);
    // The stored phantom ramps up along x (displayed darker to the right under MONOCHROME1),
    // so with MONOCHROME2 semantics the right side has the lower values.
    const ref = await readNpy(FIX + 'ref/cr_mono1.npy');
    expect(Array.from(inv.pixels)).toEqual(Array.from(ref.data));
    expect(inv.pixels[20 * 48 + 47]!).toBeLessThan(inv.pixels[20 * 48]!);
    expect(keep.pixels[20 * 48 + 47]!).toBeGreaterThan(keep.pixels[20 * 48]!);
  });
});

describe('dicomPixelsView', () => {
  it('is a copy-free [frames, rows, columns] view', async () => {
    const { dicomPixelsView } = await import('@scoresde/datasets');
    const img = await readDicomFile(FIX + 'src/mf_u12.dcm');
    const v = dicomPixelsView(img);
    expect(v.shape).toEqual([4, 40, 48]);
    expect(v.data).toBe(img.pixels);
    expect(v.get(2, 5, 7)).toBe(img.pixels[(2 * 40 + 5) * 48 + 7]);
    expect(v.pick(3, null, null).get(39, 47)).toBe(img.pixels[img.pixels.length - 1]);
  });
});
