import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, initBackend, encodeNpy } from '@scoresde/core';
import { syntheticCoilMaps, estimateCoilMaps, MriOperator, buildMask, acsRegionFromMask } from '../../src/mri/index.js';
import { fixture, makeMri } from './helpers.js';

describe('coil maps', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('synthetic maps are smooth, distinct per coil and normalised to Σ_c |S_c|² = 1', () => {
    const m = syntheticCoilMaps(32, 24, 8);
    expect(m.data.length).toBe(8 * 32 * 24 * 2);
    let worst = 0;
    for (let p = 0; p < 32 * 24; p++) {
      let s = 0;
      for (let c = 0; c < 8; c++) s += m.data[(c * 768 + p) * 2]! ** 2 + m.data[(c * 768 + p) * 2 + 1]! ** 2;
      worst = Math.max(worst, Math.abs(s - 1));
    }
    expect(worst).toBeLessThan(1e-5);
    // coil 0 sits at +u (right edge): stronger at the right than at the left
    const mag = (c: number, i: number, j: number) => Math.hypot(m.data[((c * 32 + i) * 24 + j) * 2]!, m.data[((c * 32 + i) * 24 + j) * 2 + 1]!);
    expect(mag(0, 16, 23)).toBeGreaterThan(2 * mag(0, 16, 0));
    // smooth: neighbouring pixels differ by little
    let jump = 0;
    for (let i = 0; i < 32; i++) for (let j = 1; j < 24; j++) jump = Math.max(jump, Math.abs(mag(0, i, j) - mag(0, i, j - 1)));
    expect(jump).toBeLessThan(0.1);
  });

  it('ACS region from the mask: centre column run, centre row run, or centred box', () => {
    const col = buildMask(32, 24, { kind: 'random', acceleration: 4, centerFraction: 0.25, seed: 0, axis: 'w' });
    const a = acsRegionFromMask(col);
    expect(a.rows).toEqual([0, 32]);
    expect(a.cols[0]).toBeLessThanOrEqual(9);
    expect(a.cols[0] + a.cols[1]).toBeGreaterThanOrEqual(15);
    const row = buildMask(32, 24, { kind: 'equispaced', acceleration: 4, centerFraction: 0.25, seed: 0, axis: 'h' });
    const b = acsRegionFromMask(row);
    expect(b.cols).toEqual([0, 24]);
    expect(b.rows[1]).toBeGreaterThanOrEqual(8);
    const box = buildMask(32, 24, { kind: 'poisson', acceleration: 4, centerFraction: 0.25, seed: 0, axis: 'w' });
    const c = acsRegionFromMask(box);
    expect(c.rows[1]).toBeGreaterThanOrEqual(8);
    expect(c.cols[1]).toBeGreaterThanOrEqual(6);
    for (let i = c.rows[0]; i < c.rows[0] + c.rows[1]; i++) for (let j = c.cols[0]; j < c.cols[0] + c.cols[1]; j++) expect(box.data[i * 24 + j]).toBe(1);
    expect(() => acsRegionFromMask({ h: 4, w: 4, data: new Float32Array(16) })).toThrow(/no fully sampled calibration region/);
  });

  it('ACS estimate matches the numpy implementation of the documented formula (4 coils, 32×24)', () => {
    const k = fixture('cal_k_4x32x24.npy');
    const want = fixture('cal_maps_4x32x24.npy');
    const est = estimateCoilMaps(k.data, k.shape, { rows: [0, 32], cols: [9, 6] });
    let worst = 0;
    for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(est.data[i]! - want.data[i]!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('ACS estimate recovers the true maps inside the object (Shepp–Logan, 8 coils, 24 ACS lines)', async () => {
    const N = 128;
    const ph = fixture('shepp_logan_128.npy');
    const truth = syntheticCoilMaps(N, N, 8);
    const full = new MriOperator({ inputShape: [N, N, 1], mask: buildMask(N, N, { kind: 'full', acceleration: 1, centerFraction: 0, seed: 0, axis: 'w' }), coilMaps: truth });
    const x = tf.tensor4d(ph.data, [1, N, N, 1]);
    const y = full.forward(x); // [1, N, N, 16]
    const yd = y.dataSync();
    // to the .npy layout [coils, H, W, 2]
    const k = new Float32Array(8 * N * N * 2);
    for (let p = 0; p < N * N; p++) for (let c = 0; c < 8; c++) for (let r = 0; r < 2; r++) k[(c * N * N + p) * 2 + r] = yd[p * 16 + 2 * c + r]!;
    const est = estimateCoilMaps(k, [8, N, N, 2], { rows: [0, N], cols: [52, 24] });
    let err = 0;
    let cnt = 0;
    for (let p = 0; p < N * N; p++) {
      if (ph.data[p]! < 0.15) continue; // inside the object (skull and brain)
      for (let c = 0; c < 8; c++) {
        const o = (c * N * N + p) * 2;
        err += Math.hypot(est.data[o]! - truth.data[o]!, est.data[o + 1]! - truth.data[o + 1]!);
        cnt++;
      }
    }
    expect(cnt).toBeGreaterThan(8 * 3000);
    console.log(`ACS maps: mean |S_est − S_true| inside the object = ${(err / cnt).toExponential(2)}`);
    expect(err / cnt).toBeLessThan(0.015);
    // SENSE pseudo-inverse with the estimated maps from fully sampled data reproduces the image
    const op = new MriOperator({ inputShape: [N, N, 1], mask: full.maskData, coilMaps: est });
    const xr = op.pseudoInverse(y);
    const a = xr.dataSync();
    let e2 = 0;
    let n2 = 0;
    for (let p = 0; p < N * N; p++) {
      if (ph.data[p]! < 0.15) continue;
      e2 += (a[p]! - ph.data[p]!) ** 2;
      n2 += ph.data[p]! ** 2;
    }
    console.log(`SENSE pseudo-inverse with estimated maps: relative error inside the object = ${Math.sqrt(e2 / n2).toExponential(2)}`);
    expect(Math.sqrt(e2 / n2)).toBeLessThan(3e-3);
    // the `calibration` parameter: same maps from a .npy of the k-space, on the mask's fully
    // sampled centre (1-D mask: the centre lines × full readout)
    const dir = mkdtempSync(join(tmpdir(), 'mri-cal-'));
    writeFileSync(join(dir, 'k.npy'), encodeNpy({ data: k, shape: [8, N, N, 2] }));
    const viaParam = await makeMri({ calibration: join(dir, 'k.npy'), center_fraction: 0.1875, acceleration: 4, seed: 2 }, [N, N, 1]);
    expect(viaParam.outputShape).toEqual([N, N, 16]);
    const acs = acsRegionFromMask(viaParam.maskData);
    expect(acs.rows).toEqual([0, N]);
    expect(acs.cols[0]).toBeLessThanOrEqual(52);
    expect(acs.cols[0] + acs.cols[1]).toBeGreaterThanOrEqual(76);
    const direct = new MriOperator({ inputShape: [N, N, 1], mask: viaParam.maskData, coilMaps: estimateCoilMaps(k, [8, N, N, 2], acs) });
    const d = tf.tidy(() => tf.max(tf.abs(tf.sub(viaParam.forward(x), direct.forward(x)))).dataSync()[0]!);
    expect(d).toBe(0);
    tf.dispose([x, y, xr]);
    full.dispose();
    op.dispose();
    viaParam.dispose();
    direct.dispose();
  });
});
