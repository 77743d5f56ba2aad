/**
 * A folder of PNG images as a Dataset: every `*.png` directly in the folder, sorted by name
 * (code-point order), decoded by sharp, 8-bit samples mapped to [0, 1] (v / 255) and 16-bit
 * ones to v / 65535. Channels: 1 (grayscale; colour images are converted with sharp's
 * luminance) or 3 (RGB; grayscale images are replicated); alpha is dropped. Default: 1 when
 * every image is grayscale, else 3. All images must have one size unless `resize` is given
 * (then each is resized to resize×resize, sharp's default Lanczos-3, no crop: `fill`).
 * Everything is decoded up front and held in memory.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { ScoresdeError, type DataBatch, type Dataset } from '@scoresde/core';
import { InMemoryDataset } from './memory.js';

export interface PngFolderOptions {
  channels?: 1 | 3;
  resize?: number;
}

export async function loadPngFolder(dir: string, opts: PngFolderOptions = {}): Promise<Dataset & { files: string[] }> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = (await readdir(abs, { withFileTypes: true })).filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.png')).map((e) => e.name);
  } catch (e) {
    throw new ScoresdeError(`cannot read PNG folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  names.sort();
  if (names.length === 0) throw new ScoresdeError(`PNG folder ${dir} holds no .png files`);
  if (opts.channels !== undefined && opts.channels !== 1 && opts.channels !== 3) throw new ScoresdeError(`PNG folder: channels must be 1 or 3, got ${String(opts.channels)}`);
  if (opts.resize !== undefined && !(Number.isInteger(opts.resize) && opts.resize > 0)) throw new ScoresdeError(`PNG folder: resize must be a positive integer, got ${opts.resize}`);
  const metas = await Promise.all(
    names.map(async (n) => {
      try {
        return await sharp(join(abs, n)).metadata();
      } catch (e) {
        throw new ScoresdeError(`${join(dir, n)}: not a readable PNG (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
      }
    }),
  );
  const channels = opts.channels ?? (metas.every((m) => m.channels! - (m.hasAlpha ? 1 : 0) === 1) ? 1 : 3);
  const h = opts.resize ?? metas[0]!.height!;
  const w = opts.resize ?? metas[0]!.width!;
  if (opts.resize === undefined) {
    metas.forEach((m, i) => {
      if (m.width !== w || m.height !== h) throw new ScoresdeError(`${join(dir, names[i]!)} is ${m.width}×${m.height} but ${names[0]} is ${w}×${h} (give a resize size)`);
    });
  }
  if (h !== w) throw new ScoresdeError(`PNG folder ${dir}: images are ${w}×${h}; score networks need square images (give a resize size)`);
  const per = h * w * channels;
  const data = new Float32Array(names.length * per);
  for (let k = 0; k < names.length; k++) {
    const deep = metas[k]!.depth === 'ushort';
    let img = sharp(join(abs, names[k]!)).removeAlpha();
    if (opts.resize !== undefined) img = img.resize(w, h, { fit: 'fill' });
    img = channels === 1 ? img.toColourspace(deep ? 'grey16' : 'b-w') : img.toColourspace(deep ? 'rgb16' : 'srgb');
    const { data: raw, info } = await img.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || info.width !== w || info.height !== h) {
      throw new ScoresdeError(`${join(dir, names[k]!)}: decoded as ${info.width}×${info.height}×${info.channels}, expected ${w}×${h}×${channels}`);
    }
    const src = deep ? new Uint16Array(raw.buffer, raw.byteOffset, per) : raw;
    const scale = deep ? 65535 : 255;
    for (let i = 0; i < per; i++) data[k * per + i] = src[i]! / scale;
  }
  const ds = new InMemoryDataset(data, [h, w, channels], `png:${abs}`);
  return Object.assign(ds, { files: names });
}

export type { DataBatch };
