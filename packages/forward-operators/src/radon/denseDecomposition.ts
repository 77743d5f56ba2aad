/**
 * Decomposition A = P(Λ)·T for projection-style guidance (Song et al. 2022,
 * score_inverse_problems): T is the Radon transform on a dense, evenly spaced angle grid
 * θ_i = i·P/K_d (i = 0…K_d−1; P = 180°, or 360° for fan beams) with the same detectors; Λ marks the rows of the measured
 * angles; embed(y) places the measured rows into a dense sinogram (zeros elsewhere); T⁻¹ ≈ FBP
 * on the dense grid. It exists only when every measured angle lies on the dense grid (within
 * 1e-6°) and no two measured angles share a grid row.
 */
import { ScoresdeError, tf, type Decomposition, type Tensor } from '@scoresde/core';
import { RadonGeometry, anglePeriod } from './geometry.js';
import { RadonOps, type RadonImplementation } from './radonOps.js';
import type { FbpFilter } from './fbpFilter.js';
import { checkBatch } from '../util/shape.js';

const TOL_DEG = 1e-6;

/** For a dense grid of `dense` angles: dense row → measured index (−1 if not measured), or undefined if it does not fit. */
export function denseRowMap(measuredDeg: ArrayLike<number>, dense: number, period = 180): Int32Array | undefined {
  const map = new Int32Array(dense).fill(-1);
  for (let m = 0; m < measuredDeg.length; m++) {
    const pos = (measuredDeg[m]! * dense) / period;
    const i = Math.round(pos);
    if (i >= dense || Math.abs(measuredDeg[m]! - (i * period) / dense) > TOL_DEG || map[i] !== -1) return undefined;
    map[i] = m;
  }
  return map;
}

/** The smallest grid size ≥ max(period, K) (≤ 4096) that holds every measured angle, or undefined. */
export function defaultDenseAngles(measuredDeg: ArrayLike<number>, period = 180): number | undefined {
  for (let k = Math.max(period, measuredDeg.length); k <= 4096; k++) {
    if (denseRowMap(measuredDeg, k, period)) return k;
  }
  return undefined;
}

export class DenseRadonDecomposition implements Decomposition {
  readonly transformShape: number[];
  readonly ops: RadonOps;
  private readonly rowIndex: Tensor;
  private readonly maskT: Tensor;
  private readonly measuredShape: number[];

  constructor(
    measured: RadonGeometry,
    readonly denseAngles: number,
    private readonly filter: FbpFilter,
    implementation: RadonImplementation,
  ) {
    const period = anglePeriod(measured.beam);
    const map = denseRowMap(measured.anglesDeg, denseAngles, period);
    if (!map) {
      throw new ScoresdeError(`radon: the measured angles are not a subset of the dense grid of ${denseAngles} angles over [0°, ${period}°) (dense_angles)`);
    }
    const dense = new RadonGeometry({
      size: measured.size,
      anglesDeg: Array.from({ length: denseAngles }, (_, i) => (i * period) / denseAngles),
      detectors: measured.detectors,
      circle: measured.circle,
      beam: measured.beam,
      sourceDistance: measured.beam === 'fan' ? measured.sourceDistance : undefined,
    });
    this.ops = new RadonOps(dense, implementation);
    this.transformShape = dense.sinogramShape;
    this.measuredShape = measured.sinogramShape;
    const d = measured.detectors;
    this.rowIndex = tf.tensor1d(Int32Array.from(map, (m) => Math.max(m, 0)), 'int32');
    const mask = new Float32Array(denseAngles * d);
    map.forEach((m, i) => {
      if (m >= 0) mask.fill(1, i * d, (i + 1) * d);
    });
    this.maskT = tf.tensor4d(mask, [1, denseAngles, d, 1]);
  }

  transform(x: Tensor): Tensor {
    checkBatch(x, this.ops.geometry.imageShape, 'radon', 'image', 'input');
    return this.ops.project(x);
  }

  inverseTransform(z: Tensor): Tensor {
    checkBatch(z, this.transformShape, 'radon', 'dense sinogram', 'transform');
    return this.ops.fbp(z, this.filter);
  }

  mask(): Tensor {
    return tf.clone(this.maskT);
  }

  embed(y: Tensor): Tensor {
    checkBatch(y, this.measuredShape, 'radon', 'measurement', 'output');
    return tf.tidy(() => tf.mul(tf.gather(y, this.rowIndex, 1), this.maskT));
  }

  dispose(): void {
    this.ops.dispose();
    tf.dispose([this.rowIndex, this.maskT]);
  }
}
