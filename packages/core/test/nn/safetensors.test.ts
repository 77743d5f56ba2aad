/**
 * safetensors reader/writer: dtype conversion against numpy (float16) and torch (bfloat16)
 * values from fixtures/dtypes.safetensors, round trips, and one-line errors naming the tensor.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSafetensors, floatToHalf, parseSafetensors, readSafetensors, writeSafetensors } from '../../src/io/safetensors.js';
import { ScoresdeError } from '../../src/errors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = path.join(here, 'fixtures', 'dtypes.safetensors');

/** A hand-made file: header object + body bytes. */
function handMade(header: Record<string, unknown>, body: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(body, 8 + h.length);
  return out;
}

function errorOf(f: () => unknown): ScoresdeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScoresdeError);
    expect((e as Error).message).not.toContain('\n');
    return e as ScoresdeError;
  }
  throw new Error('expected an error');
}

describe('safetensors read', () => {
  it('converts F16 (numpy) and BF16 (torch) exactly to float32', async () => {
    const { tensors, metadata } = await readSafetensors(fixture);
    expect(metadata.made_by).toBe('make_safetensors_fixture.py');
    expect([...tensors.keys()]).toEqual(['x', 'x_f16', 'x_f16_32', 'm_bf16', 'm_bf16_32']);
    const f16 = tensors.get('x_f16')!;
    expect(f16.dtype).toBe('F16');
    expect(f16.shape).toEqual([64]);
    expect(Array.from(f16.data)).toEqual(Array.from(tensors.get('x_f16_32')!.data));
    const bf = tensors.get('m_bf16')!;
    expect(bf.shape).toEqual([3, 5]);
    expect(Array.from(bf.data)).toEqual(Array.from(tensors.get('m_bf16_32')!.data));
  });

  it('writes F16 bit-identical to numpy astype(float16) (ties to even, subnormals, overflow)', async () => {
    const { tensors } = await readSafetensors(fixture);
    const x = tensors.get('x')!.data;
    const raw = readFileSync(fixture);
    const n = Number(new DataView(raw.buffer, raw.byteOffset).getBigUint64(0, true));
    const hdr = JSON.parse(raw.subarray(8, 8 + n).toString()) as Record<string, { data_offsets: [number, number] }>;
    const [b] = hdr.x_f16!.data_offsets;
    const dv = new DataView(raw.buffer, raw.byteOffset + 8 + n + b);
    for (let i = 0; i < x.length; i++) expect(floatToHalf(x[i]!), `x[${i}] = ${x[i]}`).toBe(dv.getUint16(2 * i, true));
  });

  it('round-trips F32 exactly and F16 to half precision, with metadata', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'st-'));
    const a = { shape: [2, 3], data: new Float32Array([1, -2.5, 3.25, 1e-3, 7, 0.1]) };
    const b = { shape: [4], data: new Float32Array([0, 65504, -1, 1 / 3]) };
    await writeSafetensors(path.join(dir, 'w.safetensors'), { a, b }, { metadata: { step: '12' } });
    const back = await readSafetensors(path.join(dir, 'w.safetensors'));
    expect(back.metadata).toEqual({ step: '12' });
    expect(back.tensors.get('a')!.shape).toEqual([2, 3]);
    expect(Array.from(back.tensors.get('a')!.data)).toEqual(Array.from(a.data));
    const half = parseSafetensors(encodeSafetensors(new Map([['b', b]]), { dtype: 'F16' }));
    expect(half.tensors.get('b')!.dtype).toBe('F16');
    expect(Array.from(half.tensors.get('b')!.data)).toEqual([0, 65504, -1, 0.333251953125]);
  });
});

describe('safetensors errors name the problem in one line', () => {
  const body = new Uint8Array(16);
  const ok = { w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } };

  it('truncated file', () => {
    const full = handMade(ok, body);
    expect(errorOf(() => parseSafetensors(full.subarray(0, full.length - 4), 'm.safetensors')).message).toMatch(/m\.safetensors: tensor 'w': truncated file/);
    expect(errorOf(() => parseSafetensors(full.subarray(0, 20))).message).toMatch(/truncated safetensors file/);
    expect(errorOf(() => parseSafetensors(full.subarray(0, 5))).message).toMatch(/truncated/);
  });

  it('header that lies about offsets', () => {
    const lie = { w: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 12] } };
    expect(errorOf(() => parseSafetensors(handMade(lie, body))).message).toMatch(/tensor 'w': header lies about its size/);
    const overlap = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, v: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } };
    expect(errorOf(() => parseSafetensors(handMade(overlap, body))).message).toMatch(/tensor 'v': its data overlaps tensor 'w'/);
    const neg = { w: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } };
    expect(errorOf(() => parseSafetensors(handMade(neg, body))).message).toMatch(/tensor 'w': data_offsets/);
  });

  it('wrong dtype', () => {
    const i64 = { w: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } };
    expect(errorOf(() => parseSafetensors(handMade(i64, body))).message).toMatch(/tensor 'w': dtype I64 is not supported/);
    const junk = { w: { dtype: 'Q7', shape: [2], data_offsets: [0, 16] } };
    expect(errorOf(() => parseSafetensors(handMade(junk, body))).message).toMatch(/tensor 'w': unknown dtype 'Q7'/);
  });

  it('bad header JSON and bad shapes', () => {
    const bad = new Uint8Array(8 + 3 + 4);
    new DataView(bad.buffer).setBigUint64(0, 3n, true);
    bad.set(new TextEncoder().encode('{x]'), 8);
    expect(errorOf(() => parseSafetensors(bad)).message).toMatch(/header is not valid JSON/);
    const shape = { w: { dtype: 'F32', shape: [2, -1], data_offsets: [0, 16] } };
    expect(errorOf(() => parseSafetensors(handMade(shape, body))).message).toMatch(/tensor 'w': shape/);
  });

  it('missing file', async () => {
    await expect(readSafetensors('/nonexistent/w.safetensors')).rejects.toThrow(/cannot read \/nonexistent\/w\.safetensors: ENOENT/);
  });
});
