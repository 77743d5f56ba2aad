/**
 * CT forward operator: y = W x (+ noise), the parallel- or fan-beam projection of geometry.ts on
 * images [B, N, N, 1] → sinograms [B, angles, detectors, 1]. adjoint = Wᵀ (exact transpose),
 * pseudoInverse = FBP with the configured filter (skimage iradon scaling). When the measured
 * angles lie on a dense grid, `decomposition` is the dense-view T, Λ, embed, T⁻¹ ≈ FBP.
 */
import { type ForwardOperator, type NoiseModel, type Tensor } from '@scoresde/core';
import { NoNoise } from '../noise/none.js';
import { checkInput, checkOutput } from '../util/shape.js';
import { RadonGeometry, anglePeriod, type Beam } from './geometry.js';
import { RadonOps, type RadonImplementation } from './radonOps.js';
import type { FbpFilter } from './fbpFilter.js';
import { DenseRadonDecomposition, defaultDenseAngles } from './denseDecomposition.js';

export interface RadonOperatorOptions {
  size: number;
  anglesDeg: readonly number[];
  detectors?: number;
  circle?: boolean;
  /** Parallel (default) or fan beam; see geometry.ts. */
  beam?: Beam;
  /** Fan beam source-to-centre distance in pixels (default 2N). */
  sourceDistance?: number;
  /** FBP filter of pseudoInverse and of the decomposition's T⁻¹ (default ram-lak). */
  filter?: FbpFilter;
  /** Dense grid size for the decomposition; default: the smallest ≥ 180 holding the angles. */
  denseAngles?: number;
  implementation?: RadonImplementation;
  noise?: NoiseModel;
  name?: string;
}

export class RadonOperator implements ForwardOperator {
  readonly name: string;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise: NoiseModel;
  readonly geometry: RadonGeometry;
  readonly ops: RadonOps;
  readonly filter: FbpFilter;
  readonly decomposition?: DenseRadonDecomposition;

  constructor(opts: RadonOperatorOptions) {
    this.name = opts.name ?? 'radon';
    this.geometry = new RadonGeometry({
      size: opts.size,
      anglesDeg: opts.anglesDeg,
      detectors: opts.detectors,
      circle: opts.circle,
      beam: opts.beam,
      sourceDistance: opts.sourceDistance,
    });
    this.inputShape = this.geometry.imageShape;
    this.outputShape = this.geometry.sinogramShape;
    this.noise = opts.noise ?? new NoNoise();
    this.filter = opts.filter ?? 'ram-lak';
    const impl = opts.implementation ?? 'auto';
    this.ops = new RadonOps(this.geometry, impl);
    const dense = opts.denseAngles ?? defaultDenseAngles(this.geometry.anglesDeg, anglePeriod(this.geometry.beam));
    if (dense !== undefined) this.decomposition = new DenseRadonDecomposition(this.geometry, dense, this.filter, impl);
  }

  forward(x: Tensor): Tensor {
    checkInput(x, this);
    return this.ops.project(x);
  }

  adjoint(y: Tensor): Tensor {
    checkOutput(y, this);
    return this.ops.backproject(y);
  }

  /** FBP with the operator's filter. */
  pseudoInverse(y: Tensor): Tensor {
    return this.fbp(y);
  }

  /** FBP with any filter (ram-lak, shepp-logan, cosine, hann, hamming). */
  fbp(y: Tensor, filter: FbpFilter = this.filter): Tensor {
    checkOutput(y, this);
    return this.ops.fbp(y, filter);
  }

  dispose(): void {
    this.ops.dispose();
    this.decomposition?.dispose();
  }
}
