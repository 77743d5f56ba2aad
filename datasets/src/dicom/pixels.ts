/**
 * Stored samples → modality values (PS3.3 C.7.6.3.1, C.11.1).
 *
 * For each sample of BitsAllocated bits, the stored value is the BitsStored-bit field whose top
 * bit is HighBit: v = (raw >> (HighBit + 1 − BitsStored)) & (2^BitsStored − 1); bits outside it
 * (overlays, garbage) are discarded. With PixelRepresentation = 1 the field is two's complement and
 * is sign-extended from its high bit: v −= 2^BitsStored when v ≥ 2^(BitsStored−1).
 *
 * MONOCHROME1 (minimum value displayed white) is converted to MONOCHROME2 semantics (higher =
 * brighter, which is what an image prior expects) by reflecting the stored range onto itself
 * before the rescale: v' = (2^BitsStored − 1) − v for unsigned, v' = −1 − v (bitwise NOT within
 * BitsStored) for signed samples. The reader reports `inverted: true`; a writer that keeps these
 * values must label its output MONOCHROME2.
 *
 * Modality value = float32(v' · RescaleSlope + RescaleIntercept), computed in float64 and rounded
 * once (as numpy's `(v.astype(float64) * slope + intercept).astype(float32)`). Colour images
 * (SamplesPerPixel 3) are returned as raw sample values, interleaved (…, R, G, B), no rescale.
 */
export interface SampleLayout {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  highBit: number;
  pixelRepresentation: number;
  /** 0 = interleaved (R1 G1 B1 R2 …), 1 = planar (R… G… B…). */
  planarConfiguration: number;
  /** Byte order of samples wider than 8 bits in `frame`. */
  littleEndian: boolean;
  /** Reflect the stored range (MONOCHROME1 → MONOCHROME2 semantics). */
  invert: boolean;
  slope: number;
  intercept: number;
}

/** Read sample k of a frame as an unsigned integer of BitsAllocated bits. */
function sampleReader(frame: Uint8Array, L: SampleLayout): (k: number) => number {
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const le = L.littleEndian;
  switch (L.bitsAllocated) {
    case 8:
      return (k) => frame[k]!;
    case 16:
      return (k) => dv.getUint16(2 * k, le);
    case 32:
      return (k) => dv.getUint32(4 * k, le);
    default:
      throw new Error(`BitsAllocated ${L.bitsAllocated}`);
  }
}

/** Stored → modality value of one raw sample word (the formula in the module doc). */
function modalityOf(raw: number, L: SampleLayout): number {
  const bs = L.bitsStored;
  const range = 2 ** bs;
  let v = Math.floor(raw / 2 ** (L.highBit + 1 - bs)) % range;
  if (L.pixelRepresentation === 1 && v >= range / 2) v -= range;
  if (L.invert) v = L.pixelRepresentation === 1 ? -1 - v : range - 1 - v;
  return v * L.slope + L.intercept;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
let lutCache: { key: string; lut: Float32Array } | undefined;

/**
 * Table of modality values indexed by the raw 8- or 16-bit word as the host reads it (byte-swapped
 * index for big-endian data), so that converting a frame is one lookup per sample.
 */
function lookupTable(L: SampleLayout): Float32Array {
  const key = [L.bitsAllocated, L.bitsStored, L.highBit, L.pixelRepresentation, L.invert, L.slope, L.intercept, L.littleEndian].join();
  if (lutCache?.key === key) return lutCache.lut;
  const size = 2 ** L.bitsAllocated;
  const lut = new Float32Array(size);
  const swap = L.bitsAllocated === 16 && L.littleEndian !== HOST_LITTLE_ENDIAN;
  for (let w = 0; w < size; w++) lut[swap ? ((w & 0xff) << 8) | (w >> 8) : w] = modalityOf(w, L);
  lutCache = { key, lut };
  return lut;
}

// Two monomorphic loops (a shared loop over Uint8Array | Uint16Array is several times slower).
function applyLut8(words: Uint8Array, lut: Float32Array, out: Float32Array, offset: number, count: number): void {
  for (let i = 0; i < count; i++) out[offset + i] = lut[words[i]!]!;
}
function applyLut16(words: Uint16Array, lut: Float32Array, out: Float32Array, offset: number, count: number): void {
  for (let i = 0; i < count; i++) out[offset + i] = lut[words[i]!]!;
}

/**
 * Convert one decoded frame to modality values, writing rows·columns·samplesPerPixel floats into
 * `out` from `offset` (row-major, samples interleaved).
 */
export function frameToModality(frame: Uint8Array, L: SampleLayout, out: Float32Array, offset: number): void {
  const n = L.rows * L.columns;
  const interleaved = L.samplesPerPixel === 1 || L.planarConfiguration === 0;
  if (interleaved && (L.bitsAllocated === 8 || L.bitsAllocated === 16)) {
    const lut = lookupTable(L);
    const count = n * L.samplesPerPixel;
    if (L.bitsAllocated === 8) {
      applyLut8(frame, lut, out, offset, count);
    } else {
      const aligned = frame.byteOffset % 2 === 0 ? frame : frame.slice();
      applyLut16(new Uint16Array(aligned.buffer, aligned.byteOffset, count), lut, out, offset, count);
    }
    return;
  }
  const spp = L.samplesPerPixel;
  const read = sampleReader(frame, L);
  const bs = L.bitsStored;
  const shift = L.highBit + 1 - bs;
  const range = 2 ** bs; // exact in float64 for bs ≤ 32
  const half = range / 2;
  const signed = L.pixelRepresentation === 1;
  const { slope, intercept, invert } = L;
  const planar = spp > 1 && L.planarConfiguration === 1;
  const div = 2 ** shift;
  for (let p = 0; p < n; p++) {
    for (let s = 0; s < spp; s++) {
      const k = planar ? s * n + p : p * spp + s;
      // Shift and mask in float arithmetic so 32-bit samples stay unsigned.
      let v = Math.floor(read(k) / div) % range;
      if (signed && v >= half) v -= range;
      if (invert) v = signed ? -1 - v : range - 1 - v;
      out[offset + p * spp + s] = v * slope + intercept;
    }
  }
}
