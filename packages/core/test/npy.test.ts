import { describe, it, expect } from 'vitest';
import { parseNpy, encodeNpy, ScoresdeError } from '@scoresde/core';

describe('npy', () => {
  it('round-trips float32 arrays', () => {
    const data = new Float32Array([1, -2.5, 3.25, 0, 1e-8, 7]);
    const buf = encodeNpy({ data, shape: [2, 3] });
    expect((10 + new DataView(buf.buffer).getUint16(8, true)) % 64).toBe(0);
    const back = parseNpy(buf);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('parses a header numpy wrote', () => {
    // np.save of np.arange(3, dtype='<f4'): header as numpy 1.x writes it
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const buf = new Uint8Array(10 + padded.length + 12);
    buf.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    new DataView(buf.buffer).setUint16(8, padded.length, true);
    for (let i = 0; i < padded.length; i++) buf[10 + i] = padded.charCodeAt(i);
    const dv = new DataView(buf.buffer, 10 + padded.length);
    [0, 1, 2].forEach((v, i) => dv.setFloat32(4 * i, v, true));
    expect(Array.from(parseNpy(buf).data)).toEqual([0, 1, 2]);
  });

  it('rejects float64 unless casting is allowed, and rejects garbage and truncation', () => {
    const buf = encodeNpy({ data: new Float32Array([1, 2]), shape: [2] });
    const s = new TextDecoder('latin1').decode(buf).replace("'<f4'", "'<f8'");
    const f8 = new Uint8Array([...s].map((c) => c.charCodeAt(0)));
    expect(() => parseNpy(f8)).toThrow(/not float32/);
    expect(() => parseNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]))).toThrow(ScoresdeError);
    expect(() => parseNpy(buf.subarray(0, buf.length - 2))).toThrow(/truncated/);
  });
});
