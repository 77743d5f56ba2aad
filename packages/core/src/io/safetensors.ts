/**
 * safetensors read/write (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * u64 header length N, N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__"?: {string: string}}`, then the raw little-endian tensor bytes; offsets are
 * relative to the start of the byte buffer that follows the header.
 *
 * Read: F32, F16 and BF16 become float32 (other dtypes are refused, naming the tensor).
 * Write: F32 or F16 (round to nearest even; overflow becomes ±Inf as in numpy's astype).
 */
import { readFile } from 'node:fs/promises';
import { ScoresdeError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';
import { halfToFloat, type NdArrayF32 } from './npy.js';

export type SafetensorsReadDtype = 'F32' | 'F16' | 'BF16';
export type SafetensorsWriteDtype = 'F32' | 'F16';

export interface SafetensorsTensor extends NdArrayF32 {
  /** Storage dtype in the file. */
  dtype: SafetensorsReadDtype;
}

export interface SafetensorsContents {
  /** Tensors by name, in header order, converted to float32. */
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsReadDtype, number> = { F32: 4, F16: 2, BF16: 2 };
const KNOWN_OTHER = new Set(['F64', 'F8_E4M3', 'F8_E5M2', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL']);
const MAX_HEADER = 100 * 1024 * 1024;

/** Parse a safetensors buffer. `name` (usually the path) prefixes every error message. */
export function parseSafetensors(buf: Uint8Array, name = 'safetensors data'): SafetensorsContents {
  if (buf.length < 8) throw new ScoresdeError(`${name}: truncated safetensors file (${buf.length} bytes, no header length)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > MAX_HEADER) throw new ScoresdeError(`${name}: not a safetensors file (header length ${n} is implausible)`);
  if (8 + n > buf.length) throw new ScoresdeError(`${name}: truncated safetensors file (header of ${n} bytes, file has ${buf.length})`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n)));
  } catch (e) {
    throw new ScoresdeError(`${name}: safetensors header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw new ScoresdeError(`${name}: safetensors header is not a JSON object`);
  }
  const body = buf.subarray(8 + n);
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  const spans: { begin: number; end: number; key: string }[] = [];
  for (const [key, value] of Object.entries(header as Record<string, unknown>)) {
    if (key === '__metadata__') {
      metadata = parseMetadata(value, name);
      continue;
    }
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (!info || typeof info !== 'object') throw new ScoresdeError(`${name}: tensor '${key}': header entry is not an object`);
    const dtype = info.dtype;
    if (typeof dtype !== 'string') throw new ScoresdeError(`${name}: tensor '${key}': missing dtype`);
    if (!(dtype in BYTES)) {
      const what = KNOWN_OTHER.has(dtype) ? `dtype ${dtype} is not supported` : `unknown dtype '${dtype}'`;
      throw new ScoresdeError(`${name}: tensor '${key}': ${what} (expected F32, F16 or BF16)`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new ScoresdeError(`${name}: tensor '${key}': shape must be a list of non-negative integers`);
    }
    const offs = info.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isInteger(d) && d >= 0) || offs[1] < offs[0]) {
      throw new ScoresdeError(`${name}: tensor '${key}': data_offsets must be [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offs as [number, number];
    const dt = dtype as SafetensorsReadDtype;
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * BYTES[dt]) {
      throw new ScoresdeError(
        `${name}: tensor '${key}': header lies about its size (offsets span ${end - begin} bytes, ${dt}${JSON.stringify(shape)} needs ${count * BYTES[dt]})`,
      );
    }
    if (end > body.length) {
      throw new ScoresdeError(`${name}: tensor '${key}': truncated file (data ends at byte ${end} of ${body.length} after the header)`);
    }
    spans.push({ begin, end, key });
    tensors.set(key, { dtype: dt, shape: [...(shape as number[])], data: decode(body, begin, count, dt) });
  }
  spans.sort((a, b) => a.begin - b.begin);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i]!.begin < spans[i - 1]!.end) {
      throw new ScoresdeError(`${name}: tensor '${spans[i]!.key}': its data overlaps tensor '${spans[i - 1]!.key}' (header offsets are inconsistent)`);
    }
  }
  return { tensors, metadata };
}

function parseMetadata(value: unknown, name: string): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new ScoresdeError(`${name}: __metadata__ must be an object of strings`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new ScoresdeError(`${name}: __metadata__ '${k}' must be a string`);
    out[k] = v;
  }
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decode(body: Uint8Array, begin: number, count: number, dtype: SafetensorsReadDtype): Float32Array {
  if (dtype === 'F32' && LITTLE_ENDIAN) {
    const start = body.byteOffset + begin;
    return new Float32Array(body.buffer.slice(start, start + 4 * count)); // one copy, aligned
  }
  const out = new Float32Array(count);
  const dv = new DataView(body.buffer, body.byteOffset + begin, count * BYTES[dtype]);
  if (dtype === 'F32') for (let i = 0; i < count; i++) out[i] = dv.getFloat32(4 * i, true);
  else if (dtype === 'F16') for (let i = 0; i < count; i++) out[i] = halfToFloat(dv.getUint16(2 * i, true));
  else {
    // bfloat16 = the top 16 bits of a float32.
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < count; i++) u[i] = dv.getUint16(2 * i, true) << 16;
  }
  return out;
}

export async function readSafetensors(path: string): Promise<SafetensorsContents> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new ScoresdeError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseSafetensors(buf, path);
}

export interface EncodeSafetensorsOptions {
  /**
   * Storage dtype (default F32): one for every tensor, or chosen per tensor name (e.g. keep
   * NCSN++'s fixed Fourier features `all_modules.0.W` in F32: at scale 16 their F16 rounding
   * shifts the embedding phases by up to ~0.1 rad).
   */
  dtype?: SafetensorsWriteDtype | ((name: string) => SafetensorsWriteDtype);
  metadata?: Record<string, string>;
}

/** Encode tensors (in iteration order) as a safetensors buffer. */
export function encodeSafetensors(
  tensors: Map<string, NdArrayF32> | Record<string, NdArrayF32>,
  opts: EncodeSafetensorsOptions = {},
): Uint8Array {
  const pick = opts.dtype ?? 'F32';
  const dtypeOf = (name: string): SafetensorsWriteDtype => {
    const d = typeof pick === 'function' ? pick(name) : pick;
    if (d !== 'F32' && d !== 'F16') throw new ScoresdeError(`safetensors: tensor '${name}': cannot write dtype '${String(d)}' (choose F32 or F16)`);
    return d;
  };
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const dtypes = entries.map(([key]) => dtypeOf(key));
  const header: Record<string, unknown> = {};
  if (opts.metadata) header.__metadata__ = opts.metadata;
  let offset = 0;
  for (const [j, [key, t]] of entries.entries()) {
    const dtype = dtypes[j]!;
    if (key === '__metadata__') throw new ScoresdeError(`safetensors: '__metadata__' is not a valid tensor name`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) {
      throw new ScoresdeError(`safetensors: tensor '${key}': data length ${t.data.length} does not match shape ${JSON.stringify(t.shape)}`);
    }
    const nbytes = count * BYTES[dtype];
    header[key] = { dtype, shape: t.shape, data_offsets: [offset, offset + nbytes] };
    offset += nbytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + json.length) % 8)) % 8); // align the data to 8 bytes
  const hbytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + hbytes.length + offset);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let p = 8 + hbytes.length;
  for (const [j, [, t]] of entries.entries()) {
    if (dtypes[j] === 'F32') for (let i = 0; i < t.data.length; i++, p += 4) dv.setFloat32(p, t.data[i]!, true);
    else for (let i = 0; i < t.data.length; i++, p += 2) dv.setUint16(p, floatToHalf(t.data[i]!), true);
  }
  return out;
}

export async function writeSafetensors(
  path: string,
  tensors: Map<string, NdArrayF32> | Record<string, NdArrayF32>,
  opts: EncodeSafetensorsOptions = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, opts));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE float32 → float16 bits, round to nearest, ties to even (as numpy's astype(float16)). */
export function floatToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // Inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow → Inf
  if (e <= 0) {
    // subnormal half (or zero)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let h = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1))) h++; // may carry into the exponent (→ Inf correctly)
  return sign | h;
}
