/**
 * Masks from files: `.npy` (any numeric dtype; shape [H, W], [H, W, 1], [H, W, C] or with a
 * leading 1) with values exactly 0/1, or `.png` (8/16-bit; values 0 and the maximum — 255 or
 * 65535 — or 0/1; alpha ignored). A PNG whose colour channels are equal is a per-pixel mask; one
 * whose channels differ is a per-channel mask for a C-channel image.
 */
import { extname } from 'node:path';
import { readNpy, ScoresdeError } from '@scoresde/core';
import { checkBinary, type MaskArray } from './maskOperator.js';
import { shapeStr } from '../util/shape.js';

export async function readMaskFile(path: string, h: number, w: number, c: number): Promise<MaskArray> {
  const ext = extname(path).toLowerCase();
  let mask: MaskArray;
  if (ext === '.npy') {
    const arr = await readNpy(path, { allowCast: true });
    let s = arr.shape;
    if (s.length === 4 && s[0] === 1) s = s.slice(1);
    if (s.length === 2) s = [...s, 1];
    if (s.length !== 3) throw new ScoresdeError(`mask file ${path}: shape ${shapeStr(arr.shape)} is not H×W, H×W×1 or H×W×C`);
    mask = { data: arr.data, shape: s };
  } else if (ext === '.png') {
    mask = await readPngMask(path);
  } else {
    throw new ScoresdeError(`mask file ${path}: unsupported extension '${ext}' (use .npy or .png)`);
  }
  const [mh, mw, mc] = mask.shape as [number, number, number];
  if (mh !== h || mw !== w || (mc !== 1 && mc !== c)) {
    throw new ScoresdeError(`mask file ${path}: mask ${shapeStr(mask.shape)} does not match image ${h}×${w}×${c}`);
  }
  checkBinary(mask.data, mask.shape, `mask file ${path}`);
  return mask;
}

async function readPngMask(path: string): Promise<MaskArray> {
  const { default: sharp } = await import('sharp');
  let raw: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    const img = sharp(path).removeAlpha();
    const meta = await sharp(path).metadata();
    const deep = meta.depth === 'ushort';
    raw = await (deep ? img.toColourspace('rgb16') : img).raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (e) {
    throw new ScoresdeError(`mask file ${path}: cannot read PNG (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
  }
  const { width: w, height: h, channels: ch } = raw.info;
  const bytesPer = raw.data.length / (w * h * ch);
  const vals =
    bytesPer === 2
      ? new Uint16Array(raw.data.buffer, raw.data.byteOffset, w * h * ch)
      : new Uint8Array(raw.data.buffer, raw.data.byteOffset, w * h * ch);
  let max = 0;
  for (const v of vals) if (v > max) max = v;
  const scale = max <= 1 ? 1 : bytesPer === 2 ? 65535 : 255;
  let equal = true;
  for (let i = 0; i < w * h && equal; i++) for (let k = 1; k < ch; k++) if (vals[i * ch + k] !== vals[i * ch]) equal = false;
  const outC = equal ? 1 : ch;
  const data = new Float32Array(w * h * outC);
  for (let i = 0; i < w * h; i++) for (let k = 0; k < outC; k++) data[i * outC + k] = vals[i * ch + k]! / scale;
  return { data, shape: [h, w, outC] };
}
