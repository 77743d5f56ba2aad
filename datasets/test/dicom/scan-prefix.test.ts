/**
 * The folder scan reads only a file's first bytes when they hold the whole header (walk.ts). Its
 * answer must not depend on how many bytes were read first: for every fixture (every transfer
 * syntax, no-preamble and bare data sets, non-image objects) and for truncated and padded copies,
 * the header or skip reason equals that of a whole-file parse.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { listFilesSorted, scanDicomFile } from '@scoresde/datasets';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const WHOLE = { prefixBytes: Number.MAX_SAFE_INTEGER };
const tmp = mkdtempSync(join(tmpdir(), 'scoresde-scan-prefix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scan reads a prefix when it holds the header', () => {
  it('every fixture: same header or reason for prefixes of 200 B, 1 KiB, 4 KiB and 64 KiB as for the whole file', async () => {
    const files = (await listFilesSorted(FIX)).filter((f) => !/\.(py|sh|tsv|npy|json|txt|md)$/.test(f));
    expect(files.length).toBeGreaterThan(60);
    let headers = 0;
    for (const f of files) {
      const whole = await scanDicomFile(f, WHOLE);
      if ('header' in whole) headers++;
      for (const prefixBytes of [200, 1024, 4096, 65536]) {
        expect(await scanDicomFile(f, { prefixBytes }), `${f} prefix ${prefixBytes}`).toEqual(whole);
      }
    }
    expect(headers).toBeGreaterThanOrEqual(60);
  });

  it('truncated pixel data is still reported as the whole-file parse reports it', async () => {
    const src = readFileSync(join(FIX, 'src/ct_u12.dcm'));
    const results = [];
    for (const cut of [0.3, 0.6, 0.9, 0.999]) {
      const p = join(tmp, `cut-${cut}.dcm`);
      writeFileSync(p, src.subarray(0, Math.floor(src.length * cut)));
      const whole = await scanDicomFile(p, WHOLE);
      expect(await scanDicomFile(p, { prefixBytes: 1024 })).toEqual(whole);
      results.push(whole);
    }
    // A cut inside the pixel data makes the file unreadable, whichever way it is scanned.
    expect(results.at(-1)).toHaveProperty('skipped.kind', 'malformed');
  });

  it('elements after the pixel data and a header longer than the prefix', async () => {
    const src = new Uint8Array(readFileSync(join(FIX, 'src/ct_u12.dcm')));
    // Trailing padding (FFFC,FFFC) OB after the pixel data: the prefix parse stops before it.
    const pad = new Uint8Array(12 + 4096);
    pad.set([0xfc, 0xff, 0xfc, 0xff, 0x4f, 0x42, 0, 0]);
    new DataView(pad.buffer).setUint32(8, 4096, true);
    const padded = join(tmp, 'padded.dcm');
    writeFileSync(padded, Buffer.concat([src, pad]));
    const whole = await scanDicomFile(padded, WHOLE);
    expect(whole).toHaveProperty('header');
    expect(await scanDicomFile(padded, { prefixBytes: 512 })).toEqual(whole);
    // A prefix that ends before the pixel data's element header: read whole, same answer.
    expect(await scanDicomFile(padded, { prefixBytes: 300 })).toEqual(whole);
  });
});
