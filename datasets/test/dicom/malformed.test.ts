/** Malformed, truncated and unsupported input: one-line DicomReadError (a ScoresdeError), never a crash. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ScoresdeError } from '@scoresde/core';
import { DicomReadError, readDicom, type DicomReadErrorKind } from '@scoresde/datasets';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const load = (f: string) => new Uint8Array(readFileSync(FIX + f));

/** Replace the first occurrence of `from` (bytes) with `to` (same length). */
function patch(b: Uint8Array, from: number[] | string, to: number[] | string): Uint8Array {
  const enc = (x: number[] | string) => (typeof x === 'string' ? Array.from(x, (c) => c.charCodeAt(0)) : x);
  const f = enc(from);
  const t = enc(to);
  expect(t.length).toBe(f.length);
  const out = b.slice();
  for (let i = 0; i + f.length <= out.length; i++) {
    if (f.every((v, k) => out[i + k] === v)) {
      out.set(t, i);
      return out;
    }
  }
  throw new Error(`pattern not found: ${String(from)}`);
}

async function rejects(bytes: Uint8Array, kind: DicomReadErrorKind, pattern: RegExp): Promise<void> {
  const err = await readDicom(bytes, 'case.dcm').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DicomReadError);
  expect(err).toBeInstanceOf(ScoresdeError);
  const e = err as DicomReadError;
  expect(e.message.startsWith('case.dcm: ')).toBe(true);
  expect(e.message).not.toMatch(/\n/);
  expect(e.message).toMatch(pattern);
  expect(e.kind).toBe(kind);
}

describe('malformed DICOM input', () => {
  it('truncated compressed file', async () => {
    const b = load('enc/ct_u12_jsv1.dcm');
    await rejects(b.subarray(0, Math.floor(b.length * 0.7)), 'malformed', /truncated|overrun|past the end/);
  });

  it('truncated inside the meta header / right after the preamble', async () => {
    const b = load('src/ct_u12.dcm');
    await rejects(b.subarray(0, 150), 'malformed', /.+/);
    await rejects(b.subarray(0, 132), 'malformed', /.+/);
  });

  it('Rows larger than the pixel data', async () => {
    // Rows (0028,0010) US 40 -> 41
    const b = patch(load('src/ct_u12.dcm'), [0x28, 0, 0x10, 0, 0x55, 0x53, 2, 0, 40, 0], [0x28, 0, 0x10, 0, 0x55, 0x53, 2, 0, 41, 0]);
    await rejects(b, 'malformed', /Pixel Data holds 3840 bytes, 3936 expected/);
  });

  it('NumberOfFrames that does not match the fragments (empty offset table)', async () => {
    const b = patch(load('enc/mf_u12_jsv1_frag.dcm'), [0x28, 0, 0x08, 0, 0x49, 0x53, 2, 0, 0x34], [0x28, 0, 0x08, 0, 0x49, 0x53, 2, 0, 0x35]);
    await rejects(b, 'malformed', /cannot split 12 fragments into 5 frames/);
  });

  it('corrupted JPEG-LS codestream', async () => {
    const b = load('enc/ct_u12_jls.dcm').slice();
    // SOF55 marker FFF7 -> FFF1 (not a JPEG-LS frame header)
    const i = b.findIndex((v, k) => v === 0xff && b[k + 1] === 0xf7);
    b[i + 1] = 0xf1;
    await rejects(b, 'malformed', /jpeg-ls decoder failed/);
  });

  it('unsupported transfer syntax and pixel formats', async () => {
    await rejects(patch(load('enc/ct_u12_jsv1.dcm'), '1.2.840.10008.1.2.4.70', '1.2.840.10008.1.2.4.53'), 'unsupported', /transfer syntax 1\.2\.840\.10008\.1\.2\.4\.53 is not supported/);
    // PhotometricInterpretation MONOCHROME2 -> PALETTE COLO(R) would change length; use YBR_FULL_42 style 11-char swap
    await rejects(patch(load('src/ct_u12.dcm'), 'MONOCHROME2', 'PALETTECOLR'), 'unsupported', /PhotometricInterpretation PALETTECOLR/);
  });

  it('not DICOM', async () => {
    await rejects(new TextEncoder().encode('hello, this is certainly not a DICOM file at all'), 'not-dicom', /not a DICOM file/);
    await rejects(new Uint8Array(0), 'not-dicom', /empty file/);
    await rejects(new Uint8Array(5), 'not-dicom', /too short/);
    const garbage = new Uint8Array(400);
    garbage.set([0x44, 0x49, 0x43, 0x4d], 128);
    for (let i = 132; i < 400; i++) garbage[i] = (i * 7919) % 251;
    await rejects(garbage, 'malformed', /.+/);
  });
});

describe('unusual but readable layouts', () => {
  it('"DICM" prefix followed directly by the data set (no meta group): syntax inferred', async () => {
    const raw = load('enc/ct_u12_rawimpl.dcm');
    const b = new Uint8Array(132 + raw.length);
    b.set([0x44, 0x49, 0x43, 0x4d], 128);
    b.set(raw, 132);
    const img = await readDicom(b, 'case.dcm');
    const ref = await readDicom(load('src/ct_u12.dcm'), 'ref.dcm');
    expect(img.transferSyntax.uid).toBe('1.2.840.10008.1.2');
    expect(Array.from(img.pixels)).toEqual(Array.from(ref.pixels));
  });
});

describe('meta header naming the wrong VR encoding', () => {
  it('explicit data set under an implicit transfer syntax UID is parsed as found, with a warning', async () => {
    const ok = load('src/ct_u12.dcm');
    const b = patch(ok, '1.2.840.10008.1.2.1\0', '1.2.840.10008.1.2\0\0\0');
    const img = await readDicom(b, 'case.dcm');
    expect(img.transferSyntax.uid).toBe('1.2.840.10008.1.2');
    expect(img.warnings.join()).toMatch(/says implicit VR but the data set is explicit/);
    expect(Array.from(img.pixels)).toEqual(Array.from((await readDicom(ok, 'ok.dcm')).pixels));
  });
});
