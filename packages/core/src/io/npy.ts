/**
 * NumPy .npy read/write (format versions 1.0–3.0). We write float32, little-endian, C order;
 * we read float32 (and, with `allowCast`, float64 / ints converted to float32) so arrays move to
 * and from Python unchanged.
 */
import { readFile } from 'node:fs/promises';
import { ScoresdeError } from '../errors.js';
import { writeFileAtomic } from './atomic.js';

export interface NdArrayF32 {
  data: Float32Array;
  shape: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface ParseNpyOptions {
  /** Accept float64/float16/int/uint/bool arrays and convert them to float32. Default false. */
  allowCast?: boolean;
  /** Name used in error messages (usually the file path). */
  name?: string;
}

export function parseNpy(buf: Uint8Array, opts: ParseNpyOptions = {}): NdArrayF32 {
  const name = opts.name ?? '.npy data';
  if (buf.length < 10 || MAGIC.some((b, i) => buf[i] !== b)) {
    throw new ScoresdeError(`${name}: not a .npy file (missing \\x93NUMPY magic)`);
  }
  const major = buf[6]!;
  let headerLen: number;
  let offset: number;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (major === 1) {
    headerLen = dv.getUint16(8, true);
    offset = 10;
  } else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new ScoresdeError(`${name}: truncated .npy header`);
    headerLen = dv.getUint32(8, true);
    offset = 12;
  } else {
    throw new ScoresdeError(`${name}: unsupported .npy format version ${major}`);
  }
  if (offset + headerLen > buf.length) throw new ScoresdeError(`${name}: truncated .npy header`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(buf.subarray(offset, offset + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeStr = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeStr === undefined) {
    throw new ScoresdeError(`${name}: malformed .npy header ${JSON.stringify(header.trim())}`);
  }
  if (fortran === 'True') throw new ScoresdeError(`${name}: Fortran-ordered arrays are not supported; save with C order`);
  const shape = shapeStr
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const v = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(v) || v < 0) throw new ScoresdeError(`${name}: bad shape entry '${s}' in .npy header`);
      return v;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = offset + headerLen;
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) throw new ScoresdeError(`${name}: unsupported dtype '${descr}' (expected float32 '<f4')`);
  const [, order, kind, sizeStr] = m as unknown as [string, string, string, string];
  const size = Number(sizeStr);
  const little = order !== '>';
  if (!(kind === 'f' && size === 4 && little) && !opts.allowCast) {
    throw new ScoresdeError(`${name}: dtype '${descr}' is not float32 little-endian ('<f4'); convert with arr.astype('<f4')`);
  }
  const need = count * size;
  if (buf.length - dataStart < need) {
    throw new ScoresdeError(`${name}: truncated .npy data (${buf.length - dataStart} bytes, shape ${JSON.stringify(shape)} needs ${need})`);
  }
  const data = new Float32Array(count);
  const read = readerFor(kind, size, name);
  for (let i = 0; i < count; i++) data[i] = read(dv, dataStart + i * size, little);
  return { data, shape };
}

function readerFor(kind: string, size: number, name: string): (dv: DataView, off: number, le: boolean) => number {
  if (kind === 'f' && size === 4) return (dv, o, le) => dv.getFloat32(o, le);
  if (kind === 'f' && size === 8) return (dv, o, le) => dv.getFloat64(o, le);
  if (kind === 'f' && size === 2) return (dv, o, le) => halfToFloat(dv.getUint16(o, le));
  if (kind === 'i' && size === 1) return (dv, o) => dv.getInt8(o);
  if (kind === 'i' && size === 2) return (dv, o, le) => dv.getInt16(o, le);
  if (kind === 'i' && size === 4) return (dv, o, le) => dv.getInt32(o, le);
  if (kind === 'i' && size === 8) return (dv, o, le) => Number(dv.getBigInt64(o, le));
  if ((kind === 'u' || kind === 'b') && size === 1) return (dv, o) => dv.getUint8(o);
  if (kind === 'u' && size === 2) return (dv, o, le) => dv.getUint16(o, le);
  if (kind === 'u' && size === 4) return (dv, o, le) => dv.getUint32(o, le);
  if (kind === 'u' && size === 8) return (dv, o, le) => Number(dv.getBigUint64(o, le));
  throw new ScoresdeError(`${name}: unsupported dtype kind '${kind}${size}'`);
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

export function encodeNpy(arr: NdArrayF32): Uint8Array {
  const count = arr.shape.reduce((a, b) => a * b, 1);
  if (count !== arr.data.length) {
    throw new ScoresdeError(`npy: data length ${arr.data.length} does not match shape ${JSON.stringify(arr.shape)}`);
  }
  const shapeStr = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const pre = 10;
  const total = pre + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(pre + header.length + count * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  const body = new Uint8Array(arr.data.buffer, arr.data.byteOffset, count * 4);
  if (isLittleEndian()) out.set(body, pre + header.length);
  else {
    const dv = new DataView(out.buffer);
    for (let i = 0; i < count; i++) dv.setFloat32(pre + header.length + 4 * i, arr.data[i]!, true);
  }
  return out;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

export async function readNpy(path: string, opts: Omit<ParseNpyOptions, 'name'> = {}): Promise<NdArrayF32> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new ScoresdeError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  return parseNpy(buf, { ...opts, name: path });
}

export async function writeNpy(path: string, arr: NdArrayF32): Promise<void> {
  await writeFileAtomic(path, encodeNpy(arr));
}

/** Throw if any element is NaN or infinite. */
export function assertFinite(arr: NdArrayF32, name: string): void {
  for (let i = 0; i < arr.data.length; i++) {
    if (!Number.isFinite(arr.data[i]!)) {
      throw new ScoresdeError(`${name}: contains ${Number.isNaN(arr.data[i]!) ? 'NaN' : 'an infinite value'} at flat index ${i}`);
    }
  }
}
