/**
 * Pure-tfjs-op implementations of W, Wᵀ (projector.ts) and the FBP back-projection P
 * (fbpBackproject.ts) for backends without the host kernels (webgpu, tensorflow). The sample
 * tables are computed once per geometry on the host, uploaded once and kept:
 *
 * - W: every ray gets Lr slots (Lr = longest clipped ray); slot → top-left pixel index in the
 *   PAD-padded image and the fractional offsets (fr, fc). W x = Σ_slots bilinear(gather(x)).
 *   Wᵀ y spreads y·weights onto the four corners with unsortedSegmentSum. Unused slots point
 *   at a zero border pixel with zero offsets.
 * - P: for every pixel and angle the lower bin index into the filtered projections (padded by
 *   one zero bin) and the two linear weights; P q = Σ_angles (w0·q[j0] + w1·q[j0+1]).
 *
 * All are ordinary differentiable tfjs ops, so autodiff needs nothing extra.
 */
import { tf } from '@scoresde/core';
import type { RadonGeometry } from './geometry.js';
import { PAD, rayRange } from './projector.js';
import { fbpLayout } from './fbpFilter.js';
import { pixelBin } from './fbpBackproject.js';

interface ProjectorTables {
  slots: number;
  idx: tf.Tensor1D;
  fr: tf.Tensor2D;
  fc: tf.Tensor2D;
  /** idx, idx+1, idx+W, idx+W+1 concatenated (segment ids for Wᵀ). */
  corners: tf.Tensor1D;
}

interface BackprojectTables {
  idx: tf.Tensor1D;
  w0: tf.Tensor1D;
  w1: tf.Tensor1D;
}

const projTables = new WeakMap<RadonGeometry, ProjectorTables>();
const bpTables = new WeakMap<RadonGeometry, BackprojectTables>();

function projectorTables(g: RadonGeometry): ProjectorTables {
  const hit = projTables.get(g);
  if (hit) return hit;
  const rays = g.numAngles * g.detectors;
  const ray = new Float64Array(6);
  let slots = 1;
  for (let a = 0; a < g.numAngles; a++) {
    for (let d = 0; d < g.detectors; d++) {
      rayRange(g, a, d, ray);
      slots = Math.max(slots, ray[5]! - ray[4]! + 1);
    }
  }
  const w = g.size + 2 * PAD;
  const idx = new Int32Array(rays * slots);
  const fr = new Float32Array(rays * slots);
  const fc = new Float32Array(rays * slots);
  for (let a = 0; a < g.numAngles; a++) {
    for (let d = 0; d < g.detectors; d++) {
      rayRange(g, a, d, ray);
      const base = (a * g.detectors + d) * slots;
      for (let k = ray[4]!, s = 0; k <= ray[5]!; k++, s++) {
        const r = ray[0]! + k * ray[2]!;
        const c = ray[1]! + k * ray[3]!;
        const ri = r | 0;
        const ci = c | 0;
        idx[base + s] = ri * w + ci;
        fr[base + s] = r - ri;
        fc[base + s] = c - ci;
      }
    }
  }
  const corners = new Int32Array(4 * idx.length);
  for (let i = 0; i < idx.length; i++) {
    const p = idx[i]!;
    corners[i] = p;
    corners[idx.length + i] = p + 1;
    corners[2 * idx.length + i] = p + w;
    corners[3 * idx.length + i] = p + w + 1;
  }
  const t: ProjectorTables = {
    slots,
    idx: tf.keep(tf.tensor1d(idx, 'int32')),
    fr: tf.keep(tf.tensor2d(fr, [rays, slots])),
    fc: tf.keep(tf.tensor2d(fc, [rays, slots])),
    corners: tf.keep(tf.tensor1d(corners, 'int32')),
  };
  projTables.set(g, t);
  return t;
}

function backprojectTables(g: RadonGeometry): BackprojectTables {
  const hit = bpTables.get(g);
  if (hit) return hit;
  const n = g.size;
  const c = g.center;
  const na = g.numAngles;
  const { bins: m, binCenter } = fbpLayout(g);
  const idx = new Int32Array(n * n * na);
  const w0 = new Float32Array(n * n * na);
  const w1 = new Float32Array(n * n * na);
  const uw = new Float64Array(2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const inCircle = !g.circle || (i - c) ** 2 + (j - c) ** 2 <= c * c;
      for (let a = 0; a < na; a++) {
        pixelBin(g, a, i, j, binCenter, uw);
        const u = uw[0]!;
        const o = (i * n + j) * na + a;
        idx[o] = a * (m + 1); // weights stay 0
        if (!inCircle || !(u >= 0 && u <= m - 1)) continue;
        const j0 = u | 0;
        const f = u - j0;
        idx[o] = a * (m + 1) + j0;
        w0[o] = uw[1]! * (1 - f);
        w1[o] = uw[1]! * f;
      }
    }
  }
  const t: BackprojectTables = {
    idx: tf.keep(tf.tensor1d(idx, 'int32')),
    w0: tf.keep(tf.tensor1d(w0)),
    w1: tf.keep(tf.tensor1d(w1)),
  };
  bpTables.set(g, t);
  return t;
}

/** W x for x [B, N, N, 1] → [B, A, D, 1]. */
export function projectOps(g: RadonGeometry, x: tf.Tensor): tf.Tensor {
  const t = projectorTables(g);
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const w = g.size + 2 * PAD;
    const xp = tf.pad(x.reshape([b, g.size, g.size]), [[0, 0], [PAD, PAD], [PAD, PAD]]).reshape([b, w * w]);
    const at = (off: number) => tf.gather(xp, off === 0 ? t.idx : tf.add(t.idx, tf.scalar(off, 'int32')), 1).reshape([b, -1, t.slots]);
    const g00 = at(0);
    const g01 = at(1);
    const g10 = at(w);
    const g11 = at(w + 1);
    const top = tf.add(g00, tf.mul(t.fc, tf.sub(g01, g00)));
    const bot = tf.add(g10, tf.mul(t.fc, tf.sub(g11, g10)));
    const v = tf.add(top, tf.mul(t.fr, tf.sub(bot, top)));
    return tf.sum(v, 2).reshape([b, g.numAngles, g.detectors, 1]);
  });
}

/** Wᵀ y for y [B, A, D, 1] → [B, N, N, 1]. */
export function backprojectOps(g: RadonGeometry, y: tf.Tensor): tf.Tensor {
  const t = projectorTables(g);
  return tf.tidy(() => {
    const b = y.shape[0]!;
    const w = g.size + 2 * PAD;
    const yv = y.reshape([b, g.numAngles * g.detectors, 1]);
    const vb = tf.mul(yv, t.fr);
    const vt = tf.sub(yv, vb);
    const tr = tf.mul(vt, t.fc);
    const br = tf.mul(vb, t.fc);
    const vals = tf.concat([tf.sub(vt, tr), tr, tf.sub(vb, br), br].map((v) => v.reshape([b, -1])), 1);
    // one 1-D segment sum per sample: no long 2-D transposes (tfjs-webgpu's fail at 256²)
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < b; i++) rows.push(tf.unsortedSegmentSum(tf.reshape(tf.slice(vals, [i, 0], [1, -1]), [-1]), t.corners, w * w));
    const img = tf.reshape(tf.stack(rows), [b, w, w]);
    return tf.slice(img, [0, PAD, PAD], [b, g.size, g.size]).reshape([b, g.size, g.size, 1]);
  });
}

/** P q for filtered projections q [B, A, M, 1] → [B, N, N, 1] (unscaled). */
export function fbpBackprojectOps(g: RadonGeometry, q: tf.Tensor): tf.Tensor {
  const t = backprojectTables(g);
  return tf.tidy(() => {
    const b = q.shape[0]!;
    const m = fbpLayout(g).bins;
    const qp = tf.pad(q.reshape([b, g.numAngles, m]), [[0, 0], [0, 0], [0, 1]]).reshape([b, -1]);
    const lo = tf.mul(tf.gather(qp, t.idx, 1), t.w0);
    const hi = tf.mul(tf.gather(qp, tf.add(t.idx, tf.scalar(1, 'int32')), 1), t.w1);
    return tf.sum(tf.add(lo, hi).reshape([b, g.size * g.size, g.numAngles]), 2).reshape([b, g.size, g.size, 1]);
  });
}

/** Pᵀ img for images [B, N, N, 1] → [B, A, M, 1] (the gradient of P, by segment sums). */
export function fbpBackprojectTOps(g: RadonGeometry, img: tf.Tensor): tf.Tensor {
  const t = backprojectTables(g);
  return tf.tidy(() => {
    const b = img.shape[0]!;
    const m = fbpLayout(g).bins;
    const na = g.numAngles;
    // every (pixel, angle) entry of P sends w0·img to bin idx and w1·img to bin idx + 1; one
    // 1-D segment sum per sample (no transposes: tfjs-webgpu's Transpose fails on long 2-D ones)
    const v = tf.reshape(tf.tile(tf.reshape(img, [b, g.size * g.size, 1]), [1, 1, na]), [b, -1]);
    const seg = tf.concat([t.idx, tf.add(t.idx, tf.scalar(1, 'int32')) as tf.Tensor1D]);
    const rows: tf.Tensor[] = [];
    for (let i = 0; i < b; i++) {
      const vi = tf.reshape(tf.slice(v, [i, 0], [1, -1]), [-1]);
      const vals = tf.concat([tf.mul(vi, t.w0), tf.mul(vi, t.w1)]);
      rows.push(tf.slice(tf.reshape(tf.unsortedSegmentSum(vals, seg, na * (m + 1)), [na, m + 1]), [0, 0], [na, m]));
    }
    return tf.reshape(tf.stack(rows), [b, na, m, 1]);
  });
}

/** Release the uploaded tables of a geometry. */
export function disposeFallback(g: RadonGeometry): void {
  const p = projTables.get(g);
  if (p) tf.dispose([p.idx, p.fr, p.fc, p.corners]);
  projTables.delete(g);
  const q = bpTables.get(g);
  if (q) tf.dispose([q.idx, q.w0, q.w1]);
  bpTables.delete(g);
}
