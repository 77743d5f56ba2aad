/**
 * 2-D parallel-beam (and fan-beam, below) geometry, chosen so that with `circle` and N
 * detectors the projection equals `skimage.transform.radon(image, theta, circle=True).T`
 * (skimage 0.19 conventions):
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
 * Fan beam (`beam: 'fan'`, flat detector): the source sits at distance R (`sourceDistance`,
 * pixels) from the rotation centre, opposite the central ray direction e = (cosβ, sinβ) (in
 * (row, col)), i.e. at C − R·e; detector bins are read on the virtual detector line through the
 * rotation centre, bin d at C + u·a with a = (−sinβ, cosβ), u = d − ⌊D/2⌋ (spacing 1 pixel at the
 * centre; a physical detector further away is this one magnified). The ray of bin d runs from
 * the source through that point, direction v = (R·e + u·a)/√(R² + u²), and is sampled at unit
 * steps P_u + t·v, t = k − ⌊L/2⌋, with L large enough to cross the whole image. As R → ∞ this is
 * the parallel geometry above with θ = β. Angles β lie in [0°, 360°); default D covers the
 * inscribed circle (or the whole square without `circle`) from the closest source position.
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
  /** Parallel (default) or fan beam with a flat detector. */
  beam?: Beam;
  /** Fan beam: source-to-rotation-centre distance in pixels (default 2N). */
  sourceDistance?: number;
}

export const BEAMS = ['parallel', 'fan'] as const;
export type Beam = (typeof BEAMS)[number];

/** Angles live in [0°, period): 180 for parallel beams, 360 for fan beams. */
export function anglePeriod(beam: Beam): number {
  return beam === 'fan' ? 360 : 180;
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
  readonly beam: Beam;
  /** Fan beam source distance R (Infinity for parallel beams). */
  readonly sourceDistance: number;

  constructor(init: RadonGeometryInit) {
    const { size, anglesDeg } = init;
    if (!Number.isInteger(size) || size < 2) throw new ScoresdeError(`radon: image size must be an integer ≥ 2, got ${size}`);
    if (anglesDeg.length < 1) throw new ScoresdeError('radon: at least one angle is needed');
    this.beam = init.beam ?? 'parallel';
    if (!(BEAMS as readonly string[]).includes(this.beam)) throw new ScoresdeError(`radon: unknown beam '${this.beam}' (parallel or fan)`);
    const period = anglePeriod(this.beam);
    for (const a of anglesDeg) {
      if (!Number.isFinite(a) || a < 0 || a >= period) {
        throw new ScoresdeError(`radon: angle ${a}° is out of range (${this.beam} beam angles must lie in [0°, ${period}°))`);
      }
    }
    this.circle = init.circle ?? true;
    this.size = size;
    this.center = Math.floor(size / 2);
    const diag = Math.ceil(Math.SQRT2 * size - size) + size;
    let d: number;
    if (this.beam === 'parallel') {
      if (init.sourceDistance !== undefined) throw new ScoresdeError('radon: source_distance applies to fan beams only (beam=fan)');
      this.sourceDistance = Infinity;
      this.raySamples = this.circle ? size : diag;
      d = init.detectors ?? (this.circle ? size : diag);
    } else {
      const rImg = this.circle ? this.center : (Math.SQRT2 * size) / 2;
      const r = init.sourceDistance ?? 2 * size;
      if (!Number.isFinite(r) || r <= rImg + 1) {
        throw new ScoresdeError(`radon: fan beam source_distance must exceed the image radius + 1 (${(rImg + 1).toFixed(1)} pixels), got ${r}`);
      }
      this.sourceDistance = r;
      // rays are clipped to the image analytically, so a generous L costs nothing
      this.raySamples = 2 * diag + 2;
      d = init.detectors ?? 2 * Math.ceil((rImg * r) / Math.sqrt(r * r - rImg * rImg)) + 1;
    }
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

/**
 * `count` angles evenly spaced over [start, end) degrees (end excluded), like
 * np.linspace(..., endpoint=False); `period` is the largest allowed end (180, or 360 for fan beams).
 */
export function evenAngles(count: number, start = 0, end = 180, period = 180): number[] {
  if (!Number.isInteger(count) || count < 1) throw new ScoresdeError(`radon: angles must be a positive integer, got ${count}`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || start < 0 || end > period || !(start < end)) {
    throw new ScoresdeError(`radon: angle range [${start}°, ${end}°) is invalid (need 0 ≤ angle_start < angle_end ≤ ${period})`);
  }
  const step = (end - start) / count;
  return Array.from({ length: count }, (_, i) => start + i * step);
}
