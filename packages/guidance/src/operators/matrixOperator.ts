/**
 * The `matrix` operator: y = A vec(x) (+ noise) for a dense m×d matrix A (d = H·W·C, x flattened
 * in C order), measurement shape [m]. Aᵀ is the exact transpose, A⁺ the Moore–Penrose
 * pseudo-inverse (float64 on the host through AᵀA's eigendecomposition). No decomposition.
 * Registered as operator 'matrix' with `file=A.npy` ([m, d] float32); the calibration uses it
 * as the "random linear projection".
 */
import { z } from 'zod';
import { isAbsolute, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { NoNoise, noiseFromParams, noiseShape } from '@scoresde/forward-operators';
import { ScoresdeError, parseNpy, tf, type ForwardOperator, type NoiseModel, type OperatorContext, type Registry, type Rng, type Tensor } from '@scoresde/core';
import { matMul, pinvSym, transpose } from '../linalg/dense.js';
import { checkMeasurement, shapeStr } from '../terms/common.js';

export class MatrixOperator implements ForwardOperator {
  readonly name: string;
  readonly inputShape: number[];
  readonly outputShape: number[];
  readonly linear = true;
  readonly noise: NoiseModel;
  readonly m: number;
  readonly d: number;
  /** A, m×d row-major, float64 copy. */
  readonly matrix: Float64Array;
  private readonly At: Tensor; // [d, m] = Aᵀ
  private pinvT?: Tensor;

  constructor(matrix: ArrayLike<number>, m: number, inputShape: number[], noise: NoiseModel = new NoNoise(), name = 'matrix') {
    this.name = name;
    if (inputShape.length !== 3 || !inputShape.every((s) => Number.isInteger(s) && s > 0)) {
      throw new ScoresdeError(`${name}: input shape must be [H, W, C] of positive integers, got ${shapeStr(inputShape)}`);
    }
    const d = inputShape[0]! * inputShape[1]! * inputShape[2]!;
    if (!Number.isInteger(m) || m < 1) throw new ScoresdeError(`${name}: number of rows must be a positive integer, got ${m}`);
    if (matrix.length !== m * d) throw new ScoresdeError(`${name}: matrix has ${matrix.length} entries, expected ${m}×${d} (rows × H·W·C of the image)`);
    for (let i = 0; i < matrix.length; i++) {
      if (!Number.isFinite(matrix[i]!)) throw new ScoresdeError(`${name}: matrix entry ${i} is not finite`);
    }
    this.inputShape = [...inputShape];
    this.outputShape = [m];
    this.m = m;
    this.d = d;
    this.noise = noise;
    this.matrix = Float64Array.from(matrix);
    this.At = tf.tensor2d(Float32Array.from(transpose(this.matrix, m, d)), [d, m]);
  }

  /** A with i.i.d. N(0, 1/d) entries from `rng` (a random projection with E‖Ax‖² = ‖x‖²·m/d). */
  static random(m: number, inputShape: number[], rng: Rng, noise?: NoiseModel): MatrixOperator {
    const d = inputShape.reduce((a, b) => a * b, 1);
    const a = rng.normalArray(m * d);
    const s = 1 / Math.sqrt(d);
    return new MatrixOperator(Float64Array.from(a, (v) => v * s), m, inputShape, noise);
  }

  forward(x: Tensor): Tensor {
    const ok = x.rank === 4 && this.inputShape.every((s, i) => x.shape[i + 1] === s);
    if (!ok) throw new ScoresdeError(`${this.name}: image ${shapeStr(x.shape)} does not match operator input [B, ${this.inputShape.join(', ')}]`);
    return tf.tidy(() => tf.matMul(tf.reshape(x, [x.shape[0]!, this.d]), this.At));
  }

  adjoint(y: Tensor): Tensor {
    checkMeasurement(y, this, this.name);
    return tf.tidy(() => tf.reshape(tf.matMul(y, this.At, false, true), [y.shape[0]!, ...this.inputShape]));
  }

  /** A⁺ y = (AᵀA)⁺ Aᵀ y. */
  pseudoInverse(y: Tensor): Tensor {
    checkMeasurement(y, this, this.name);
    if (!this.pinvT) {
      const { m, d } = this;
      const ata = matMul(transpose(this.matrix, m, d), this.matrix, d, m, d);
      const pinv = matMul(pinvSym(ata, d, 1e-10), transpose(this.matrix, m, d), d, d, m); // d×m
      this.pinvT = tf.keep(tf.tensor2d(Float32Array.from(transpose(pinv, d, m)), [m, d]));
    }
    const p = this.pinvT;
    return tf.tidy(() => tf.reshape(tf.matMul(y, p), [y.shape[0]!, ...this.inputShape]));
  }

  dispose(): void {
    this.At.dispose();
    this.pinvT?.dispose();
  }
}

export const matrixSchema = z.object({
  file: z.string().min(1).describe('.npy matrix A of shape [m, H·W·C] (float32, C order)'),
  ...noiseShape,
});
export type MatrixParams = z.infer<typeof matrixSchema>;

export async function createMatrixOperator(p: MatrixParams, ctx: OperatorContext): Promise<MatrixOperator> {
  const path = isAbsolute(p.file) ? p.file : resolve(ctx.cwd, p.file);
  let buf: Uint8Array;
  try {
    buf = await readFile(path);
  } catch {
    throw new ScoresdeError(`matrix: cannot read ${p.file}`);
  }
  const arr = parseNpy(buf, { name: p.file });
  if (arr.shape.length !== 2) throw new ScoresdeError(`matrix: ${p.file} must be a 2-D array [m, d], got shape ${shapeStr(arr.shape)}`);
  const [m, d] = arr.shape as [number, number];
  const want = ctx.inputShape.reduce((a, b) => a * b, 1);
  if (d !== want) throw new ScoresdeError(`matrix: ${p.file} has ${d} columns, the image ${shapeStr(ctx.inputShape)} has ${want} entries`);
  return new MatrixOperator(arr.data, m, ctx.inputShape, noiseFromParams(p));
}

export function registerMatrixOperator(operators: Registry<OperatorContext, ForwardOperator>): void {
  operators.add({
    name: 'matrix',
    description: 'dense linear measurement y = A vec(x) from a .npy matrix [m, H·W·C] (random projections, small custom operators)',
    schema: matrixSchema,
    create: (p, ctx) => createMatrixOperator(p, ctx),
    docs: 'x is flattened in C order (H, W, C); y has shape [m]. Exact transpose adjoint; pseudo-inverse by float64 eigendecomposition of AᵀA.',
  });
}

