/**
 * Redundancy weights and scale of fan-beam FBP (flat virtual detector, bin u, fan angle
 * γ = atan(u/R); the ray (β, γ) and its conjugate (β + π + 2γ, −γ) are the same line).
 *
 * - Full scan (angles β₀ + i·360°/K): every line is measured twice, weight ½ — folded into the
 *   scale: FBP = π/(2K)·Σ …, the same constant as parallel FBP (R → ∞ gives parallel FBP).
 * - Short scan (evenly spaced β₀ + i·Δ covering Λ = K·Δ with π + 2γ_m ≤ Λ < 2π): Parker weights
 *   (Parker 1982) with the over-scan half-angle δ = (Λ − π)/2 ≥ γ_m, for b = β − β₀:
 *     w = sin²(π/4 · b/(δ − γ))               0 ≤ b < 2δ − 2γ
 *     w = 1                                   2δ − 2γ ≤ b ≤ π − 2γ
 *     w = sin²(π/4 · (π + 2δ − b)/(δ + γ))    π − 2γ < b ≤ π + 2δ
 *   so w(β, γ) + w(conjugate) = 1; scale Δ/2.
 * - Anything else (fewer degrees, uneven spacing): no redundancy weighting, scale π/(2K) like
 *   a full scan; the reconstruction is then only approximate (limited-angle artefacts).
 */
import type { RadonGeometry } from './geometry.js';

const TOL_DEG = 1e-6;

export interface FanWeighting {
  kind: 'full' | 'parker' | 'none';
  /** Per view and bin, [K·D] (undefined when all ones). */
  weights?: Float32Array;
  scale: number;
}

/** The uniform step of the angles (degrees), or undefined if they are not evenly spaced. */
function evenStep(deg: Float64Array): number | undefined {
  if (deg.length < 2) return undefined;
  const step = deg[1]! - deg[0]!;
  if (!(step > 0)) return undefined;
  for (let i = 0; i < deg.length; i++) {
    if (Math.abs(deg[i]! - (deg[0]! + i * step)) > TOL_DEG) return undefined;
  }
  return step;
}

/** Parker's weight for b = β − β₀ (radians), fan angle γ and over-scan half-angle δ. */
export function parkerWeight(b: number, gamma: number, delta: number): number {
  if (b < 0 || b > Math.PI + 2 * delta) return 0;
  if (b < 2 * delta - 2 * gamma) return Math.sin((Math.PI / 4) * (b / (delta - gamma))) ** 2;
  if (b <= Math.PI - 2 * gamma) return 1;
  return Math.sin((Math.PI / 4) * ((Math.PI + 2 * delta - b) / (delta + gamma))) ** 2;
}

export function fanWeighting(g: RadonGeometry): FanWeighting {
  const k = g.numAngles;
  const step = evenStep(g.anglesDeg);
  if (step !== undefined && Math.abs(step * k - 360) <= TOL_DEG * k) return { kind: 'full', scale: Math.PI / (2 * k) };
  const r = g.sourceDistance;
  const uMax = Math.max(g.detCenter, g.detectors - 1 - g.detCenter);
  const gammaMax = Math.atan(uMax / r);
  if (step === undefined || step * k >= 360) return { kind: 'none', scale: Math.PI / (2 * k) };
  const span = (step * k * Math.PI) / 180;
  if (span < Math.PI + 2 * gammaMax) return { kind: 'none', scale: Math.PI / (2 * k) };
  const delta = (span - Math.PI) / 2;
  const d = g.detectors;
  const weights = new Float32Array(k * d);
  const dBeta = (step * Math.PI) / 180;
  for (let a = 0; a < k; a++) {
    for (let j = 0; j < d; j++) {
      weights[a * d + j] = parkerWeight(a * dBeta, Math.atan((j - g.detCenter) / r), delta);
    }
  }
  return { kind: 'parker', weights, scale: dBeta / 2 };
}
