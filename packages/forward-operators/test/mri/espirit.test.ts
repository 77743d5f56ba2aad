import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { tf, initBackend, encodeNpy } from '@scoresde/core';
import { syntheticCoilMaps, MriOperator, buildMask } from '../../src/mri/index.js';
import { espiritMaps } from '../../src/mri/espirit.js';
import { fixture, makeMri } from './helpers.js';

/** Shepp–Logan 128² downsampled 2× to 64² (block mean), as a complex-free real image. */
function phantom64(): Float32Array {
  const p = fixture('shepp_logan_128.npy').data;
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++)
    for (let j = 0; j < 64; j++) out[i * 64 + j] = 0.25 * (p[2 * i * 128 + 2 * j]! + p[2 * i * 128 + 2 * j + 1]! + p[(2 * i + 1) * 128 + 2 * j]! + p[(2 * i + 1) * 128 + 2 * j + 1]!);
  return out;
}

describe('ESPIRiT coil maps', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('matches a numpy transcription of sigpy EspiritCalib (4 coils, 40×36, calib 16, kernel 5, crop 0.8)', () => {
    const k = fixture('esp_k_4x40x36.npy');
    const want = fixture('esp_maps_4x40x36.npy').data;
    const eig = fixture('esp_eig_40x36.npy').data;
    const est = espiritMaps(k.data, k.shape, { rows: [0, 40], cols: [0, 36] }, { kernel: 5, calibWidth: 16, thresh: 0.02, crop: 0.8 });
    let worst = 0;
    let compared = 0;
    for (let p = 0; p < 40 * 36; p++) {
      if (Math.abs(eig[p]! - 0.8) < 1e-3) continue; // at the crop threshold either side is right
      compared++;
      for (let c = 0; c < 4; c++) {
        const o = (c * 1440 + p) * 2;
        worst = Math.max(worst, Math.abs(est.data[o]! - want[o]!), Math.abs(est.data[o + 1]! - want[o + 1]!));
      }
    }
    console.log(`ESPIRiT vs numpy/sigpy steps: max |Δ| = ${worst.toExponential(2)} over ${compared} pixels`);
    expect(compared).toBeGreaterThan(1400);
    expect(worst).toBeLessThan(1e-6);
  });

  it("is reachable from the operator parameters (calibration=…, coil_estimate='espirit')", async () => {
    const k = fixture('esp_k_4x40x36.npy');
    const dir = mkdtempSync(join(tmpdir(), 'mri-esp-'));
    writeFileSync(join(dir, 'k.npy'), encodeNpy(k));
    const params = { calibration: join(dir, 'k.npy'), coil_estimate: 'espirit', espirit_kernel: 5, espirit_calib: 16, espirit_crop: 0.8, mask: 'full' };
    const op = await makeMri(params, [40, 36, 2]);
    const direct = new MriOperator({
      inputShape: [40, 36, 2],
      mask: op.maskData,
      coilMaps: espiritMaps(k.data, k.shape, { rows: [0, 40], cols: [0, 36] }, { kernel: 5, calibWidth: 16, crop: 0.8 }),
    });
    const d = tf.tidy(() => {
      const y = tf.tensor4d(k.data.slice(0, 40 * 36 * 8), [1, 40, 36, 8]);
      return tf.max(tf.abs(tf.sub(op.adjoint(y), direct.adjoint(y)))).dataSync()[0]!;
    });
    expect(d).toBe(0);
    op.dispose();
    direct.dispose();
  });

  it('recovers synthetic maps up to the coil-0 phase inside the object, and SENSE inverts with them', () => {
    const N = 64;
    const C = 4;
    const ph = phantom64();
    const truth = syntheticCoilMaps(N, N, C);
    const full = new MriOperator({ inputShape: [N, N, 1], mask: buildMask(N, N, { kind: 'full', acceleration: 1, centerFraction: 0, seed: 0, axis: 'w' }), coilMaps: truth });
    const x = tf.tensor4d(ph, [1, N, N, 1]);
    const y = full.forward(x);
    const yd = y.dataSync();
    const k = new Float32Array(C * N * N * 2);
    for (let p = 0; p < N * N; p++) for (let c = 0; c < C; c++) for (let r = 0; r < 2; r++) k[(c * N * N + p) * 2 + r] = yd[p * 2 * C + 2 * c + r]!;
    const est = espiritMaps(k, [C, N, N, 2], { rows: [20, 24], cols: [20, 24] });
    // |⟨S_est(x), S_true(x)⟩| = 1 when equal up to a phase (both unit norm over coils)
    let sum = 0;
    let worst = 1;
    let cnt = 0;
    let outside = 0;
    let outsideCnt = 0;
    for (let p = 0; p < N * N; p++) {
      let re = 0;
      let im = 0;
      let ne = 0;
      for (let c = 0; c < C; c++) {
        const o = (c * N * N + p) * 2;
        const [a, b] = [est.data[o]!, est.data[o + 1]!];
        const [u, v] = [truth.data[o]!, truth.data[o + 1]!];
        re += a * u + b * v;
        im += a * v - b * u;
        ne += a * a + b * b;
      }
      const [i, j] = [Math.floor(p / N), p % N];
      const r = Math.hypot((i - 32) / 32, (j - 32) / 32);
      if (ph[p]! > 0.15) {
        const s = Math.hypot(re, im);
        sum += s;
        worst = Math.min(worst, s);
        cnt++;
        expect(Math.abs(ne - 1)).toBeLessThan(1e-4);
      } else if (r > 1.1) {
        outside += ne > 0 ? 1 : 0;
        outsideCnt++;
      }
    }
    console.log(`ESPIRiT: mean |<S_est,S_true>| inside = ${(sum / cnt).toFixed(5)}, worst ${worst.toFixed(4)}; corners with maps ${outside}/${outsideCnt}`);
    expect(cnt).toBeGreaterThan(1000);
    expect(sum / cnt).toBeGreaterThan(0.9995);
    expect(worst).toBeGreaterThan(0.99);
    expect(outside / outsideCnt).toBeLessThan(0.05); // cropped outside the object
    // complex SENSE with ESPIRiT maps from fully sampled data: |x̂| = x inside the object
    const op = new MriOperator({ inputShape: [N, N, 2], mask: full.maskData, coilMaps: est });
    const xr = op.pseudoInverse(y);
    const a = xr.dataSync();
    let e2 = 0;
    let n2 = 0;
    for (let p = 0; p < N * N; p++) {
      if (ph[p]! <= 0.15) continue;
      e2 += (Math.hypot(a[2 * p]!, a[2 * p + 1]!) - ph[p]!) ** 2;
      n2 += ph[p]! ** 2;
    }
    console.log(`ESPIRiT SENSE: relative magnitude error inside = ${Math.sqrt(e2 / n2).toExponential(2)}`);
    expect(Math.sqrt(e2 / n2)).toBeLessThan(1e-3);
    tf.dispose([x, y, xr]);
    full.dispose();
    op.dispose();
  });
});
