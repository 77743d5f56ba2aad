/**
 * Derived series writer: contents (UIDs, ImageType, references, copied modules, pixel module),
 * pixel round trip through the reader, deterministic bytes, character sets, lossy flag, output
 * paths from UIDs only, and dciodvfy (where dicom3tools is installed).
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  readDicom,
  readDicomFile,
  writeDerivedSeries,
  buildDerivedInstance,
  DicomDataset,
  encodePart10,
  quantize16,
  isValidUid,
  type DicomImage,
} from '@scoresde/datasets';

const FIX = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'scoresde-dw-'));
const opts = { key: 'task-abc', seed: 7, derivationDescription: 'scoresde reconstruct: operator=mri, model=m, guidance=projection, sampler=pc, steps=10, seed=7' };

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out.sort();
}

async function studyA(): Promise<DicomImage[]> {
  const names = ['slice0.dcm', 'deeper/slice1.dcm', 'slice2.dcm', 'deeper/slice3.dcm'];
  return Promise.all(names.map((n) => readDicomFile(FIX + 'study/a/' + n)));
}

/** A small CT source built with the encoder (explicit VR LE), with the given text attributes. */
async function syntheticCt(text: { patientName?: Uint8Array; seriesDescription?: Uint8Array; charset?: string; studyUid?: string } = {}): Promise<DicomImage> {
  const ds = new DicomDataset();
  if (text.charset) ds.setString(0x00080005, 'CS', text.charset);
  ds.setString(0x00080008, 'CS', 'ORIGINAL\\PRIMARY\\AXIAL')
    .setString(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2')
    .setString(0x00080018, 'UI', '1.2.3.4.5')
    .setString(0x00080060, 'CS', 'CT')
    .setString(0x0020000d, 'UI', text.studyUid ?? '1.2.3.1')
    .setString(0x0020000e, 'UI', '1.2.3.2')
    .setUint16(0x00280002, 1)
    .setString(0x00280004, 'CS', 'MONOCHROME2')
    .setUint16(0x00280010, 2)
    .setUint16(0x00280011, 3)
    .setUint16(0x00280100, 16)
    .setUint16(0x00280101, 16)
    .setUint16(0x00280102, 15)
    .setUint16(0x00280103, 1)
    .set(0x7fe00010, { vr: 'OW', bytes: new Uint8Array(Int16Array.from([-5, 0, 7, 100, -1000, 3]).buffer) });
  if (text.patientName) ds.set(0x00100010, { vr: 'PN', bytes: text.patientName });
  if (text.seriesDescription) ds.set(0x0008103e, { vr: 'LO', bytes: text.seriesDescription });
  const bytes = encodePart10(ds, { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3.4.5', implementationClassUid: '1.2.3', implementationVersionName: 'T' });
  return readDicom(bytes, 'synthetic');
}

describe('writeDerivedSeries', () => {
  it('writes DERIVED images with new UIDs, references, copied modules and exact integer pixels', async () => {
    const src = await studyA();
    const out = tmp();
    const r = await writeDerivedSeries(out, src, src.map((s) => s.pixels), opts);
    expect(isValidUid(r.seriesInstanceUid) && r.seriesInstanceUid.startsWith('2.25.')).toBe(true);
    expect(r.seriesInstanceUid).not.toBe(src[0]!.seriesInstanceUid);
    expect(files(out).map((f) => relative(out, f))).toEqual(r.instances.map((i) => i.relativePath).sort());
    for (const [i, inst] of r.instances.entries()) {
      expect(inst.relativePath).toBe(join(src[i]!.studyInstanceUid, r.seriesInstanceUid, `${inst.sopInstanceUid}.dcm`));
      const d = await readDicomFile(inst.path);
      const s = src[i]!;
      expect(d.transferSyntax.uid).toBe('1.2.840.10008.1.2.1');
      expect(d.sopInstanceUid).toBe(inst.sopInstanceUid);
      expect(d.sopInstanceUid).toMatch(/^2\.25\.\d{1,39}$/);
      expect(d.seriesInstanceUid).toBe(r.seriesInstanceUid);
      expect(d.sopClassUid).toBe(s.sopClassUid);
      expect(d.studyInstanceUid).toBe(s.studyInstanceUid);
      expect(d.frameOfReferenceUid).toBe(s.frameOfReferenceUid);
      expect(d.dataSet.string('x00080008')).toBe('DERIVED\\SECONDARY\\AXIAL');
      expect(d.dataSet.string('x00082111')).toBe(opts.derivationDescription);
      const ref = d.dataSet.elements['x00082112']!.items!;
      expect(ref).toHaveLength(1);
      expect(ref[0]!.dataSet!.string('x00081150')).toBe(s.sopClassUid);
      expect(ref[0]!.dataSet!.string('x00081155')).toBe(s.sopInstanceUid);
      expect(d.patientName).toBe(s.patientName);
      expect(d.patientId).toBe(s.patientId);
      expect(d.dataSet.string('x00080070')).toBe('scoresde fixtures');
      expect(d.imagePositionPatient).toEqual(s.imagePositionPatient);
      expect(d.imageOrientationPatient).toEqual(s.imageOrientationPatient);
      expect(d.pixelSpacing).toEqual(s.pixelSpacing);
      expect(d.sliceThickness).toBe(s.sliceThickness);
      expect(d.instanceNumber).toBe(s.instanceNumber);
      expect(d.seriesNumber).toBe((s.seriesNumber ?? 0) + 1000);
      expect([d.bitsAllocated, d.bitsStored, d.highBit, d.photometricInterpretation]).toEqual([16, 16, 15, 'MONOCHROME2']);
      expect(d.lossyImageCompression).toBe('00');
      expect(d.dataSet.elements['x00080012']).toBeUndefined();
      // CT values in HU are integers: stored exactly (signed, slope 1, intercept 0).
      expect([d.pixelRepresentation, d.rescaleSlope, d.rescaleIntercept]).toEqual([1, 1, 0]);
      expect(Array.from(d.pixels)).toEqual(Array.from(s.pixels));
    }
    const sops = new Set(r.instances.map((i) => i.sopInstanceUid));
    expect(sops.size).toBe(4);
  });

  it('float pixels round-trip within half a rescale step; a second role gets its own series', async () => {
    const src = await studyA();
    const out = tmp();
    const px = src.map((s, k) => Float32Array.from(s.pixels, (v, i) => v * 0.731 + Math.sin(i * 0.37 + k) * 3.3 + 0.25));
    const r = await writeDerivedSeries(out, src, px, opts);
    const std = await writeDerivedSeries(out, src, px.map((p) => p.map((v) => Math.abs(v) * 1e-3)), { ...opts, role: 'std' });
    expect(std.seriesInstanceUid).not.toBe(r.seriesInstanceUid);
    for (const [i, inst] of r.instances.entries()) {
      const d = await readDicomFile(inst.path);
      const q = quantize16(px[i]!);
      expect(d.rescaleSlope).toBe(q.slope);
      expect(d.rescaleIntercept).toBe(q.intercept);
      let maxErr = 0;
      for (let j = 0; j < px[i]!.length; j++) maxErr = Math.max(maxErr, Math.abs(d.pixels[j]! - px[i]![j]!));
      expect(maxErr).toBeLessThanOrEqual(q.slope / 2 + 1e-3);
      expect(maxErr).toBeGreaterThan(0); // not stored exactly: the float path was taken
      const s = await readDicomFile(std.instances[i]!.path);
      expect(s.seriesDescription).toContain('std');
      expect(s.seriesNumber).toBe((src[i]!.seriesNumber ?? 0) + 2000);
    }
  });

  it('is deterministic: same inputs give identical bytes, another seed or key other UIDs', async () => {
    const src = await studyA();
    const [a, b, c] = [tmp(), tmp(), tmp()];
    const ra = await writeDerivedSeries(a, src, src.map((s) => s.pixels), opts);
    await writeDerivedSeries(b, src, src.map((s) => s.pixels), opts);
    const rc = await writeDerivedSeries(c, src, src.map((s) => s.pixels), { ...opts, seed: 8 });
    const fa = files(a);
    expect(fa.map((f) => relative(a, f))).toEqual(files(b).map((f) => relative(b, f)));
    for (const f of fa) expect(Buffer.compare(readFileSync(f), readFileSync(join(b, relative(a, f))))).toBe(0);
    expect(rc.seriesInstanceUid).not.toBe(ra.seriesInstanceUid);
    expect(rc.instances[0]!.sopInstanceUid).not.toBe(ra.instances[0]!.sopInstanceUid);
  });

  it('re-encodes text as UTF-8 with ISO_IR 192 when non-ASCII, from Latin-1 and ISO 2022 sources', async () => {
    for (const name of ['pn_latin1', 'pn_jis', 'pn_utf8']) {
      const s = await readDicomFile(FIX + `src/${name}.dcm`);
      const out = tmp();
      const r = await writeDerivedSeries(out, [s], [s.pixels], opts);
      const d = await readDicomFile(r.instances[0]!.path);
      expect(d.specificCharacterSet).toEqual(['ISO_IR 192']);
      expect(d.patientName).toBe(s.patientName);
      expect(d.studyDescription).toBe(s.studyDescription);
    }
    // Plain ASCII: no Specific Character Set at all (default repertoire).
    const a = (await studyA())[0]!;
    const r = await writeDerivedSeries(tmp(), [a], [a.pixels], opts);
    expect((await readDicomFile(r.instances[0]!.path)).specificCharacterSet).toEqual([]);
  });

  it('copies attributes from implicit-VR and big-endian sources with the right VRs and values', async () => {
    const ref = await readDicomFile(FIX + 'src/ct_u12.dcm');
    const outs: Uint8Array[] = [];
    for (const name of ['src/ct_u12.dcm', 'enc/ct_u12_implicit.dcm', 'enc/ct_u12_be.dcm', 'enc/ct_u12_deflate.dcm']) {
      const s = await readDicomFile(FIX + name);
      const bytes = buildDerivedInstance(s, s.pixels, { seriesInstanceUid: '1.2', sopInstanceUid: '1.3', derivationDescription: 'x', seriesDescription: 'y', seriesNumber: 1 });
      const d = await readDicom(bytes, name);
      expect(d.imagePositionPatient).toEqual(ref.imagePositionPatient);
      expect(d.pixelSpacing).toEqual(ref.pixelSpacing);
      expect(d.patientName).toBe(ref.patientName);
      expect(Array.from(d.pixels)).toEqual(Array.from(ref.pixels));
      outs.push(bytes);
    }
    // Every layout of the same object gives the same derived bytes.
    for (const o of outs.slice(1)) expect(Buffer.compare(Buffer.from(o), Buffer.from(outs[0]!))).toBe(0);
  });

  it('carries LossyImageCompression 01 from lossy sources (by syntax or tag)', async () => {
    for (const [name, lossy] of [['enc/ct_u12_j2klossy.dcm', '01'], ['enc/ct_u12_jlsnear.dcm', '01'], ['enc/ct_u12_jls.dcm', '00']] as const) {
      const s = await readDicomFile(FIX + name);
      const r = await writeDerivedSeries(tmp(), [s], [s.pixels], opts);
      expect((await readDicomFile(r.instances[0]!.path)).lossyImageCompression, name).toBe(lossy);
    }
  });

  it('takes output paths only from UIDs: traversal through free text writes nothing outside, a bad StudyInstanceUID is refused', async () => {
    const parent = tmp();
    const out = join(parent, 'out');
    const evil = new TextEncoder().encode('../../../../escape^x');
    const s = await syntheticCt({ patientName: evil, seriesDescription: new TextEncoder().encode('../../escape/..') });
    expect(s.patientName).toBe('../../../../escape^x');
    const r = await writeDerivedSeries(out, [s], [s.pixels], opts);
    expect(files(parent).every((f) => f.startsWith(out + '/'))).toBe(true);
    expect(files(parent)).toEqual([r.instances[0]!.path]);
    expect(Array.from((await readDicomFile(r.instances[0]!.path)).pixels)).toEqual([-5, 0, 7, 100, -1000, 3]);
    for (const studyUid of ['../../x', '1.2/../../3', '1..2', '1.2.3\\4']) {
      const bad = await syntheticCt({ studyUid });
      await expect(writeDerivedSeries(out, [bad], [bad.pixels], opts)).rejects.toThrow(/not a valid UID/);
    }
    expect(files(parent)).toHaveLength(1);
  });

  it('refuses non-finite pixels, wrong sizes and multi-frame sources with one-line errors', async () => {
    const s = await syntheticCt();
    await expect(writeDerivedSeries(tmp(), [s], [Float32Array.from([0, 1, NaN, 0, 0, 0])], opts)).rejects.toThrow(/pixel 2 is NaN/);
    await expect(writeDerivedSeries(tmp(), [s], [new Float32Array(5)], opts)).rejects.toThrow(/5 pixel values for a 2×3 image/);
    const mf = await readDicomFile(FIX + 'src/mf_u12.dcm');
    await expect(writeDerivedSeries(tmp(), [mf], [mf.pixels], opts)).rejects.toThrow(/multi-frame/);
  });
});

describe('quantize16', () => {
  it('stores integers exactly and floats within slope/2 with ≤ 16-character DS text', () => {
    const ints = quantize16(Float32Array.from([-1024, 0, 3071]));
    expect([ints.pixelRepresentation, ints.slope, ints.intercept, Array.from(ints.stored)]).toEqual([1, 1, 0, [-1024, 0, 3071]]);
    expect(quantize16(Float32Array.from([0, 65535])).pixelRepresentation).toBe(0);
    for (const [lo, hi] of [[-1e-6, 2e-6], [0.1, 0.3], [-3000.5, 4e4], [1e6, 1e6 + 1], [-40000, 40000]]) {
      const v = Float32Array.from({ length: 1001 }, (_, i) => lo! + ((hi! - lo!) * i) / 1000);
      const q = quantize16(v);
      expect(q.slopeText.length).toBeLessThanOrEqual(16);
      expect(q.interceptText.length).toBeLessThanOrEqual(16);
      expect(Number(q.slopeText)).toBe(q.slope);
      for (let i = 0; i < v.length; i++) expect(Math.abs(q.stored[i]! * q.slope + q.intercept - v[i]!)).toBeLessThanOrEqual(q.slope / 2 * (1 + 1e-9) + Math.abs(v[i]!) * 1e-7);
      expect(q.slope).toBeLessThanOrEqual(((hi! - Math.floor(lo!)) / 65535) * (1 + 1e-6));
    }
  });
});

const dciodvfy = '/usr/bin/dciodvfy';
describe.skipIf(!existsSync(dciodvfy))('dciodvfy', () => {
  // dciodvfy prints its report on stderr and exits 1 when it found errors.
  const run = (f: string) => {
    const r = spawnSync(dciodvfy, [f], { encoding: 'utf8' });
    return new Set(`${r.stdout}${r.stderr}`.split('\n').filter((l) => l.startsWith('Error')));
  };
  it('reports no errors in derived files beyond those of their sources', async () => {
    for (const name of ['study/a/slice0.dcm', 'src/mr_s16.dcm', 'src/cr_mono1.dcm', 'enc/ct_u12_implicit.dcm', 'enc/ct_u12_j2klossy.dcm', 'src/pn_jis.dcm', 'study/noipp/sc0.dcm']) {
      const s = await readDicomFile(FIX + name);
      const r = await writeDerivedSeries(tmp(), [s], [Float32Array.from(s.pixels, (v) => v * 1.5 + 0.5)], opts);
      const before = run(FIX + name);
      const after = run(r.instances[0]!.path);
      if (name === 'study/a/slice0.dcm') expect(before.size).toBe(5); // the tool really reports (Laterality, KVP, ...)
      expect([...after].filter((e) => !before.has(e)), name).toEqual([]);
    }
  });
});
