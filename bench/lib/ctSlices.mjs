/**
 * Synthetic CT series for the I/O benchmarks: `series` folders of `slices` 16-bit (12 bits
 * stored) size×size slices, explicit VR little endian, rescale −1024/1, positions along z, written
 * with the project's own DICOM encoder (`ds` is the built @scoresde/datasets). Returns the count.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function makeSlices(ds, dir, { series, slices, size }) {
  let n = 0;
  for (let s = 0; s < series; s++) {
    mkdirSync(join(dir, `s${s}`), { recursive: true });
    for (let k = 0; k < slices; k++) {
      const px = new Uint16Array(size * size);
      for (let i = 0; i < px.length; i++) px[i] = (((i % size) * 7 + Math.floor(i / size) * 3 + k * 11) % 4096) >>> 0;
      const sop = `1.2.826.0.1.3680043.2.1.${s}.${k + 1}`;
      const d = new ds.DicomDataset()
        .setString(0x00080008, 'CS', 'ORIGINAL\\PRIMARY\\AXIAL')
        .setString(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.2')
        .setString(0x00080018, 'UI', sop)
        .setString(0x00080060, 'CS', 'CT')
        .setString(0x00100010, 'PN', 'Bench^Phantom')
        .setString(0x0020000d, 'UI', '1.2.826.0.1.3680043.2.1')
        .setString(0x0020000e, 'UI', `1.2.826.0.1.3680043.2.1.${s}`)
        .setString(0x00200013, 'IS', String(k + 1))
        .setString(0x00200032, 'DS', ['-250', '-250', String(k * 2.5)])
        .setString(0x00200037, 'DS', ['1', '0', '0', '0', '1', '0'])
        .setString(0x00280030, 'DS', ['0.9765625', '0.9765625'])
        .setUint16(0x00280002, 1)
        .setString(0x00280004, 'CS', 'MONOCHROME2')
        .setUint16(0x00280010, size)
        .setUint16(0x00280011, size)
        .setUint16(0x00280100, 16)
        .setUint16(0x00280101, 12)
        .setUint16(0x00280102, 11)
        .setUint16(0x00280103, 0)
        .setString(0x00281052, 'DS', '-1024')
        .setString(0x00281053, 'DS', '1')
        .set(0x7fe00010, { vr: 'OW', bytes: new Uint8Array(px.buffer) });
      writeFileSync(join(dir, `s${s}`, `${k}.dcm`), ds.encodePart10(d, { sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: sop, implementationClassUid: '1.2.3', implementationVersionName: 'BENCH' }));
      n++;
    }
  }
  return n;
}
