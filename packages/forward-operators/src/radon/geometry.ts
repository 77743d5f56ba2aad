/**
 * 2-D parallel-beam geometry, chosen so that with `circle` and N detectors the projection equals
 * `skimage.transform.radon(image, theta, circle=True).T` (skimage 0.19 conventions):
 *
 * - Image N×N, pixel (row i, col j) has its centre at integer coordinates (i, j); the rotation
 *   centre is pixel (c, c) with c = ⌊N/2⌋.
 * - Detector bins are 1 pixel apart; bin d sits at offset s = d − ⌊D/2⌋ from the centre.
 * - A ray at angle θ (degrees, converted to radians) and offset s is sampled at unit steps
 *   t_k = k − ⌊L/2⌋, k = 0…L−1, at the image point
 *       row = c − s·sinθ + t·cosθ,   col = c + s·cosθ + t·sinθ,
 *   with bilinear interpolation (zero outside the image). So at θ = 0 a projection is the sum
 *   down each column (detector axis = image columns, left to right); θ rotates the detector
 *   counter-clockwise as seen on the image (at 90° detector bin d reads row c − s).
 * - `circle` (default): L = N (rays span the N×N square; the image is assumed zero outside the
 *   inscribed circle of radius c, as skimage assumes) and D defaults to N.
 *   Not `circle`: L = ⌈√2·N − N⌉ + N (skimage's padded diagonal) and D defaults to L, so the
 *   whole square is seen.
 *
 * The sinogram is NHWC [B, angles, detectors, 1].
 */
import { ScoresdeError } from '@scoresde/core';

export interface RadonGeometryInit {
  /** Image side N. */
  size: number;
  /** Projection angles in degrees. */
  anglesDeg: readonly number[];
  /** Detector count; default N (`circle`) or the padded diagonal. */
  detectors?: number;
  circle?: boolean;
}

let nextId = 1;

export class RadonGeometry {
  /** Unique id, the key kernels use to find this geometry. */
  readonly id: number;
  readonly size: number;
  readonly anglesDeg: Float64Array;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly detectors: number;
  readonly circle: boolean;
  /** Image rotation centre ⌊N/2⌋. */
  readonly center: number;
  /** Detector centre index ⌊D/2⌋. */
  readonly detCenter: number;
  /** Samples per ray L. */
  readonly raySamples: number;

  constructor(init: RadonGeometryInit) {
    const { size, anglesDeg } = init;
    if (!Number.isInteger(size) || size < 2) throw new ScoresdeError(`radon: image size must be an integer ≥ 2, got ${size}`);
    if (anglesDeg.length < 1) throw new ScoresdeError('radon: at least one angle is needed');
    for (const a of anglesDeg) {
      if (!Number.isFinite(a) || a < 0 || a >= 180) {
        throw new ScoresdeError(`radon: angle ${a}° is out of range (angles must lie in [0°, 180°))`);
      }
    }
    this.circle = init.circle ?? true;
    this.size = size;
    this.center = Math.floor(size / 2);
    const diag = Math.ceil(Math.SQRT2 * size - size) + size;
    this.raySamples = this.circle ? size : diag;
    const d = init.detectors ?? (this.circle ? size : diag);
    if (!Number.isInteger(d) || d < 1) throw new ScoresdeError(`radon: detectors must be a positive integer, got ${d}`);
    this.detectors = d;
    this.detCenter = Math.floor(d / 2);
    this.anglesDeg = Float64Array.from(anglesDeg);
    this.cos = new Float64Array(anglesDeg.length);
    this.sin = new Float64Array(anglesDeg.length);
    for (let a = 0; a < anglesDeg.length; a++) {
      const th = (anglesDeg[a]! * Math.PI) / 180;
      this.cos[a] = Math.cos(th);
      this.sin[a] = Math.sin(th);
    }
    this.id = nextId++;
  }

  get numAngles(): number {
    return this.anglesDeg.length;
  }

  /** Per-sample sinogram shape [angles, detectors, 1]. */
  get sinogramShape(): [number, number, number] {
    return [this.numAngles, this.detectors, 1];
  }

  /** Per-sample image shape [N, N, 1]. */
  get imageShape(): [number, number, number] {
    return [this.size, this.size, 1];
  }
}

/** `count` angles evenly spaced over [start, end) degrees (end excluded), like np.linspace(..., endpoint=False). */
export function evenAngles(count: number, start = 0, end = 180): number[] {
  if (!Number.isInteger(count) || count < 1) throw new ScoresdeError(`radon: angles must be a positive integer, got ${count}`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end > 180 || !(start < end)) {
    throw new ScoresdeError(`radon: angle range [${start}°, ${end}°) is invalid (need 0 ≤ angle_start < angle_end ≤ 180)`);
  }
  const step = (end - start) / count;
  return Array.from({ length: count }, (_, i) => start + i * step);
}
