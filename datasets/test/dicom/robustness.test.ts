/**
 * No crash on any fixture, and none on damaged copies: every truncation / byte corruption of a set
 * of files either decodes or fails with a one-line DicomReadError (never a TypeError, RangeError,
 * WebAssembly abort or hang).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Rng } from '@scoresde/core';
import { DicomReadError, listFilesSorted, readDicom, readDicomFile, scanDicomFile, scanDicomFolder } from '@scoresde/datasets';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));

async function outcome(bytes: Uint8Array): Promise<'ok' | 'error'> {
  try {
    await readDicom(bytes, 'damaged.dcm');
    return 'ok';
  } catch (e) {
    if (!(e instanceof DicomReadError)) throw e;
    expect(e.message).not.toMatch(/\n/);
    return 'error';
  }
}

describe('robustness', () => {
  it('every fixture file is decoded or skipped with a reason', async () => {
    let decoded = 0;
    for (const f of await listFilesSorted(FIX)) {
      const r = await scanDicomFile(f);
      if ('header' in r) {
        await readDicomFile(f);
        decoded++;
      } else {
        expect(r.skipped.reason.length).toBeGreaterThan(5);
        expect(r.skipped.reason).not.toMatch(/\n/);
        expect(f.includes('/other/') || !f.endsWith('.dcm'), f).toBe(true);
      }
    }
    expect(decoded).toBeGreaterThanOrEqual(60);
    // de-duplicated scan: compressed twins share their source's SOPInstanceUID
    const scan = await scanDicomFolder(FIX);
    expect(scan.skipped.some((s) => s.kind === 'duplicate')).toBe(true);
  });

  const files = ['src/ct_u12.dcm', 'enc/ct_u12_jsv1.dcm', 'enc/ct_u12_jls.dcm', 'enc/ct_u12_j2k.dcm', 'enc/ct_u12_rle.dcm', 'enc/mf_u12_jsv1_frag.dcm', 'enc/ct_u12_deflate.dcm', 'enc/ct_u12_rawimpl.dcm'];
  for (const f of files) {
    it(`damaged copies of ${f}`, async () => {
      const bytes = new Uint8Array(readFileSync(FIX + f));
      const rng = new Rng(7);
      const counts = { ok: 0, error: 0 };
      for (let k = 0; k < 40; k++) {
        counts[await outcome(bytes.subarray(0, Math.floor((k / 40) * bytes.length)))]++;
      }
      for (let k = 0; k < 40; k++) {
        const c = bytes.slice();
        const u = rng.normalArray(8);
        for (let j = 0; j < 4; j++) {
          const at = Math.floor(Math.abs(u[2 * j]! * 1e6)) % c.length;
          c[at] = Math.floor(Math.abs(u[2 * j + 1]! * 1e6)) % 256;
        }
        counts[await outcome(c)]++;
      }
      expect(counts.error).toBeGreaterThan(30); // truncations below the pixel data must fail
    });
  }
});
