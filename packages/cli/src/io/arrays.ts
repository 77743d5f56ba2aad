/**
 * Reading command inputs as host arrays: .npy (float32), .png (via sharp, scaled to [0, 1]) and
 * .dcm (modality units, first frame or all frames), and writing .npy results atomically.
 */
import { extname } from 'node:path';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { readNpy, assertFinite, ScoresdeError, type NdArrayF32 } from '@scoresde/core';
import { readDicomFile } from '@scoresde/datasets';

export async function readArray(path: string): Promise<NdArrayF32> {
  const ext = extname(path).toLowerCase();
  let arr: NdArrayF32;
  if (ext === '.npy') arr = await readNpy(path);
  else if (ext === '.png') arr = await readPng(path);
  else if (ext === '.dcm' || ext === '') arr = await readDcm(path);
  else throw new ScoresdeError(`${path}: unsupported input type '${ext}' (use .npy, .png or .dcm)`);
  assertFinite(arr, path);
  return arr;
}

async function readPng(path: string): Promise<NdArrayF32> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new ScoresdeError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  try {
    const img = sharp(buf);
    const meta = await img.metadata();
    const depth16 = meta.depth === 'ushort';
    // sharp hands gray images back as sRGB unless asked for the one channel.
    const gray = (meta.channels ?? 3) <= 2;
    const { data, info } = await (gray ? img.extractChannel(0) : img).raw({ depth: depth16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    const scale = depth16 ? 65535 : 255;
    const src = depth16 ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
    let channels = info.channels;
    // Drop alpha; keep gray (1) or RGB (3).
    const keep = channels === 2 ? 1 : channels === 4 ? 3 : channels;
    const out = new Float32Array(info.width * info.height * keep);
    for (let p = 0; p < info.width * info.height; p++) for (let c = 0; c < keep; c++) out[p * keep + c] = src[p * channels + c]! / scale;
    channels = keep;
    return { data: out, shape: [info.height, info.width, channels] };
  } catch (e) {
    throw new ScoresdeError(`${path}: not a readable PNG (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
}

async function readDcm(path: string): Promise<NdArrayF32> {
  const img = await readDicomFile(path);
  const { rows, columns, frames, samplesPerPixel } = img;
  if (frames === 1) return { data: img.pixels, shape: [rows, columns, samplesPerPixel] };
  return { data: img.pixels, shape: [frames, rows, columns, samplesPerPixel] };
}

/** Interpret an array as a batch of images [B, H, W, C]: [H,W] → [1,H,W,1], [H,W,C] → [1,H,W,C]. */
export function asImageBatch(a: NdArrayF32, what: string): number[] {
  const s = a.shape;
  if (s.length === 2) return [1, s[0]!, s[1]!, 1];
  if (s.length === 3) return [1, ...s];
  if (s.length === 4) return [...s];
  throw new ScoresdeError(`${what}: expected an image [H,W], [H,W,C] or a batch [B,H,W,C], got shape [${s.join(', ')}]`);
}

export function parseShape(s: string, what: string): number[] {
  const parts = s.split(/[,x×]/).map((v) => Number(v.trim()));
  if (parts.length < 2 || parts.length > 3 || parts.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ScoresdeError(`${what} must be H,W or H,W,C with positive integers, got '${s}'`);
  }
  return parts.length === 2 ? [...parts, 1] : parts;
}
