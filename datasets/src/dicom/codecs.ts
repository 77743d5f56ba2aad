/**
 * Frame-level decoding of compressed pixel data with dcmjs-codecs' `NativeCodecs` (libjpeg-turbo
 * 8/12/16-bit incl. lossless, CharLS, OpenJPEG, OpenJPH, and an RLE decoder compiled to
 * WebAssembly). The whole-file `Transcoder` is not used. `ensureCodecs()` loads the WebAssembly
 * module once; decoded frames are little-endian samples, BitsAllocated/8 bytes each, in the
 * planar configuration the codec produces (interleaved for colour JPEG).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import dcmjsCodecs from 'dcmjs-codecs';
import { ScoresdeError } from '@scoresde/core';
import type { PixelEncoding } from './transfer-syntax.js';

const { NativeCodecs, Context } = dcmjsCodecs;

let ready: Promise<void> | undefined;

/** Initialise the WebAssembly codecs (idempotent; concurrent callers share one load). */
export function ensureCodecs(): Promise<void> {
  if (NativeCodecs.isInitialized()) return Promise.resolve();
  ready ??= (async () => {
    const require = createRequire(import.meta.url);
    const wasm = join(dirname(require.resolve('dcmjs-codecs')), 'dcmjs-native-codecs.wasm');
    await NativeCodecs.initializeAsync({ webAssemblyModulePathOrUrl: wasm });
  })().catch((e: unknown) => {
    ready = undefined;
    throw new ScoresdeError(`DICOM codecs failed to initialise: ${e instanceof Error ? e.message : String(e)}`);
  });
  return ready;
}

export interface FrameGeometry {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  samplesPerPixel: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometricInterpretation: string;
}

/**
 * Decode one compressed frame to native little-endian samples. `ensureCodecs()` must have
 * resolved. Throws a one-line ScoresdeError when the codec rejects the stream or returns a buffer
 * of the wrong size.
 */
export function decodeFrame(encoding: Exclude<PixelEncoding, 'native'>, encoded: Uint8Array, g: FrameGeometry): Uint8Array {
  if (!NativeCodecs.isInitialized()) throw new ScoresdeError('DICOM codecs are not initialised (await ensureCodecs() first)');
  const ctx = new Context({
    width: g.columns,
    height: g.rows,
    bitsAllocated: g.bitsAllocated,
    bitsStored: g.bitsStored,
    samplesPerPixel: g.samplesPerPixel,
    pixelRepresentation: g.pixelRepresentation,
    planarConfiguration: g.planarConfiguration,
    photometricInterpretation: g.photometricInterpretation,
    encodedBuffer: encoded,
  });
  let out: InstanceType<typeof Context>;
  try {
    switch (encoding) {
      case 'jpeg':
        out = NativeCodecs.decodeJpeg(ctx, { convertColorspaceToRgb: g.samplesPerPixel === 3 });
        break;
      case 'jpeg-ls':
        out = NativeCodecs.decodeJpegLs(ctx);
        break;
      case 'jpeg2000':
        out = NativeCodecs.decodeJpeg2000(ctx);
        break;
      case 'htj2k':
        out = NativeCodecs.decodeHtJpeg2000(ctx);
        break;
      case 'rle':
        out = NativeCodecs.decodeRle(ctx);
        break;
    }
  } catch (e) {
    throw new ScoresdeError(`${encoding} decoder failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  const decoded = out.getDecodedBuffer();
  const expected = g.rows * g.columns * g.samplesPerPixel * (g.bitsAllocated / 8);
  if (!decoded || decoded.length < expected) {
    throw new ScoresdeError(`${encoding} decoder returned ${decoded?.length ?? 0} bytes, expected ${expected}`);
  }
  // Copy out of the WebAssembly heap view (it is reused by the next decode).
  return decoded.slice(0, expected);
}
