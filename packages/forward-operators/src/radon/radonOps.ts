/**
 * The radon tensor ops, dispatched per call: host kernels on cpu/wasm (kernels.ts), device kernels
 * on webgpu (webgpuRadon.ts), pure tfjs ops elsewhere (fallback.ts). `implementation: 'ops'`
 * forces the fallback (tests, comparison); 'kernels' / 'gpu' insist on the host / device ones.
 *
 *   project(x)      = W x                     [B,N,N,1] → [B,A,D,1]
 *   backproject(y)  = Wᵀ y (exact adjoint)    [B,A,D,1] → [B,N,N,1]
 *   fbp(y, filter)  = π/(2A) · P(y·F)         [B,A,D,1] → [B,N,N,1]   (skimage iradon scaling)
 * Fan beam: y is first multiplied by the cosine weights R/√(R² + u²) (and, for a short scan,
 * by Parker's redundancy weights: fanWeights.ts); P carries the 1/U² weights; the scale is
 * π/(2A) for A views over 360° (as for parallel beams), Δβ/2 for a Parker short scan.
 */
import { tf, ScoresdeError } from '@scoresde/core';
import type { RadonGeometry } from './geometry.js';
import {
  FBP_BACKPROJECT,
  FBP_BACKPROJECT_GPU,
  RADON_BACKPROJECT,
  RADON_PROJECT,
  gpuKernelsActive,
  hostKernelsActive,
  registerRadonKernels,
  runHostKernel,
  trackGeometry,
  untrackGeometry,
} from './kernels.js';
import { backprojectOps, disposeFallback, fbpBackprojectOps, projectOps } from './fallback.js';
import { disposeGpuTables } from './webgpuRadon.js';
import { fbpLayout, filterMatrix, type FbpFilter } from './fbpFilter.js';
import { fanWeighting } from './fanWeights.js';

export const RADON_IMPLEMENTATIONS = ['auto', 'kernels', 'gpu', 'ops'] as const;
export type RadonImplementation = (typeof RADON_IMPLEMENTATIONS)[number];

export class RadonOps {
  private readonly filters = new Map<FbpFilter, tf.Tensor2D>();
  private fanPre?: { weights: tf.Tensor; scale: number };

  constructor(
    readonly geometry: RadonGeometry,
    readonly implementation: RadonImplementation = 'auto',
  ) {
    registerRadonKernels();
    trackGeometry(geometry);
  }

  /** Kernels (host on cpu/wasm, device on webgpu) or the tfjs-op fallback. */
  private useKernels(): boolean {
    if (this.implementation === 'ops') return false;
    if (this.implementation === 'kernels' && !hostKernelsActive()) {
      throw new ScoresdeError(`radon: implementation 'kernels' needs the cpu or wasm backend (active: ${tf.getBackend()})`);
    }
    if (this.implementation === 'gpu' && !gpuKernelsActive()) {
      throw new ScoresdeError(`radon: implementation 'gpu' needs the webgpu backend (active: ${tf.getBackend()})`);
    }
    return hostKernelsActive() || gpuKernelsActive();
  }

  private attrs() {
    return { geometry: this.geometry.id };
  }

  project(x: tf.Tensor): tf.Tensor {
    const run = (v: tf.Tensor) => (this.useKernels() ? runHostKernel(RADON_PROJECT, v, this.attrs()) : projectOps(this.geometry, v));
    return x.dtype === 'float32' ? run(x) : tf.tidy(() => run(tf.cast(x, 'float32')));
  }

  backproject(y: tf.Tensor): tf.Tensor {
    const run = (v: tf.Tensor) => (this.useKernels() ? runHostKernel(RADON_BACKPROJECT, v, this.attrs()) : backprojectOps(this.geometry, v));
    return y.dtype === 'float32' ? run(y) : tf.tidy(() => run(tf.cast(y, 'float32')));
  }

  /** The D×M filtering matrix of `filter` as a kept tensor (built once). */
  filterMatrix(filter: FbpFilter): tf.Tensor2D {
    let m = this.filters.get(filter);
    if (!m) {
      const g = this.geometry;
      m = tf.keep(tf.tensor2d(filterMatrix(g, filter), [g.detectors, fbpLayout(g).bins]));
      this.filters.set(filter, m);
    }
    return m;
  }

  /** Filtered back-projection, scaled like skimage `iradon`. */
  fbp(y: tf.Tensor, filter: FbpFilter = 'ram-lak'): tf.Tensor {
    const g = this.geometry;
    const fm = this.filterMatrix(filter);
    return tf.tidy(() => {
      const b = y.shape[0]!;
      let yf = y.dtype === 'float32' ? y : tf.cast(y, 'float32');
      let scale = Math.PI / (2 * g.numAngles);
      if (g.beam === 'fan') {
        const pre = this.fanPreweights();
        yf = tf.mul(yf, pre.weights);
        scale = pre.scale;
      }
      const q = tf.matMul(yf.reshape([b * g.numAngles, g.detectors]), fm).reshape([b, g.numAngles, fm.shape[1], 1]);
      const img = this.useKernels() ? runHostKernel(gpuKernelsActive() ? FBP_BACKPROJECT_GPU : FBP_BACKPROJECT, q, this.attrs()) : fbpBackprojectOps(g, q);
      return tf.mul(img, scale);
    });
  }

  /** Fan beam pre-weights (cosine × redundancy), [1, 1 or A, D, 1], and the FBP scale. */
  private fanPreweights(): { weights: tf.Tensor; scale: number } {
    if (!this.fanPre) {
      const g = this.geometry;
      const r = g.sourceDistance;
      const d = g.detectors;
      const fw = fanWeighting(g);
      const rows = fw.weights ? g.numAngles : 1;
      const w = new Float32Array(rows * d);
      for (let a = 0; a < rows; a++) {
        for (let j = 0; j < d; j++) {
          const cosw = r / Math.sqrt(r * r + (j - g.detCenter) ** 2);
          w[a * d + j] = cosw * (fw.weights ? fw.weights[a * d + j]! : 1);
        }
      }
      this.fanPre = { weights: tf.keep(tf.tensor4d(w, [1, rows, d, 1])), scale: fw.scale };
    }
    return this.fanPre;
  }

  dispose(): void {
    this.fanPre?.weights.dispose();
    this.fanPre = undefined;
    for (const m of this.filters.values()) m.dispose();
    this.filters.clear();
    disposeFallback(this.geometry);
    disposeGpuTables(this.geometry);
    untrackGeometry(this.geometry);
  }
}
