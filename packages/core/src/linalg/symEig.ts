/**
 * Symmetric eigendecomposition on the host in float64: A = U diag(λ) Uᵀ.
 *
 * Method (Golub & Van Loan §8.3): Householder reduction A = Q T Qᵀ to a symmetric tridiagonal T
 * (only the lower triangle of (A + Aᵀ)/2 is used and updated, by symmetric rank-2 updates),
 * backward accumulation of Q, then the implicit QL iteration with Wilkinson-type shifts on T,
 * whose Givens rotations turn Q into U = Q V one sweep at a time (each row of U is streamed once
 * per sweep). Eigenvalues are returned ascending; `vectors` is U in row-major order,
 * column j (entries U[i·n + j]) being the unit eigenvector of `values[j]`.
 * Cost ≈ 9n³ flops; see the package README for measured times.
 */
import { ScoresdeError } from '../errors.js';

export interface SymEig {
  n: number;
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /** U, row-major n×n; column j is the eigenvector of values[j]. */
  vectors: Float64Array;
}

const EPS = 2 ** -52;
const MAX_SWEEPS = 60;

/** Eigendecomposition of the symmetric n×n matrix `a` (row-major). `a` is not modified. */
export function symEig(a: ArrayLike<number>, n: number): SymEig {
  if (!Number.isInteger(n) || n < 1) throw new ScoresdeError(`symEig: size must be a positive integer, got ${n}`);
  if (a.length !== n * n) throw new ScoresdeError(`symEig: expected ${n}×${n} = ${n * n} entries, got ${a.length}`);
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = 0.5 * (a[i * n + j]! + a[j * n + i]!);
      if (!Number.isFinite(v)) throw new ScoresdeError(`symEig: matrix entry (${i}, ${j}) is not finite`);
      w[i * n + j] = v;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // u = Q row-major; the QL rotations then turn it into U = Q V.
  const u = tridiagonalize(w, n, d, e);
  implicitQL(d, e, u, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) vectors[row + j] = u[row + order[j]!]!;
  }
  return { n, values, vectors };
}

/**
 * Householder tridiagonalisation of the symmetric matrix whose lower triangle is in `w`.
 * Step k reflects x = A[k+1:, k] onto −sign(x₀)‖x‖ e₁ with H = I − β v vᵀ, updating the trailing
 * block by A ← A − v zᵀ − z vᵀ, z = p − (β/2)(pᵀv) v, p = β A v. Fills the diagonal d and the
 * subdiagonal e (e[k] = T[k+1][k], e[n−1] = 0) and returns Q (reusing `w`'s storage).
 */
function tridiagonalize(w: Float64Array, n: number, d: Float64Array, e: Float64Array): Float64Array {
  const beta = new Float64Array(n);
  const p = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    const m0 = k + 1;
    let scale = 0;
    for (let i = m0; i < n; i++) scale = Math.max(scale, Math.abs(w[i * n + k]!));
    let tail = 0;
    for (let i = m0 + 1; i < n; i++) tail += (w[i * n + k]! / (scale || 1)) ** 2;
    if (scale === 0 || tail === 0) {
      e[k] = w[m0 * n + k]!;
      beta[k] = 0;
      continue;
    }
    const x0 = w[m0 * n + k]! / scale;
    const norm = Math.sqrt(x0 * x0 + tail);
    const alpha = x0 >= 0 ? -norm : norm;
    // v = x/scale − alpha e₁, stored (scaled) in column k below the diagonal.
    for (let i = m0; i < n; i++) v[i] = w[i * n + k]! / scale;
    v[m0] = x0 - alpha;
    const vtv = v[m0]! * v[m0]! + tail;
    const b = 2 / vtv;
    beta[k] = b;
    e[k] = alpha * scale;
    for (let i = m0; i < n; i++) w[i * n + k] = v[i]!;
    // p = β A₂₂ v from the lower triangle (row i: j < i contributes to p_i and p_j).
    p.fill(0, m0, n);
    for (let i = m0; i < n; i++) {
      const row = i * n;
      const vi = v[i]!;
      let acc = w[row + i]! * vi;
      for (let j = m0; j < i; j++) {
        const aij = w[row + j]!;
        acc += aij * v[j]!;
        p[j] += aij * vi;
      }
      p[i] += acc;
    }
    let pv = 0;
    for (let i = m0; i < n; i++) {
      p[i] *= b;
      pv += p[i]! * v[i]!;
    }
    const h = 0.5 * b * pv;
    for (let i = m0; i < n; i++) p[i] -= h * v[i]!; // p is now z
    for (let i = m0; i < n; i++) {
      const row = i * n;
      const vi = v[i]!;
      const zi = p[i]!;
      for (let j = m0; j <= i; j++) w[row + j] -= vi * p[j]! + zi * v[j]!;
    }
  }
  for (let i = 0; i < n; i++) d[i] = w[i * n + i]!;
  if (n >= 2) e[n - 2] = w[(n - 1) * n + (n - 2)]!;
  e[n - 1] = 0;
  // Backward accumulation Q = H₀ H₁ … H_{n−3}: start from I, left-multiply by H_k for k
  // decreasing; H_k only touches rows/columns > k, where the running product is not identity.
  const vk = new Float64Array(n);
  const r = new Float64Array(n);
  const vecs: Float64Array[] = [];
  for (let k = 0; k < n - 2; k++) {
    const col = new Float64Array(n);
    for (let i = k + 1; i < n; i++) col[i] = w[i * n + k]!;
    vecs.push(col);
  }
  w.fill(0);
  for (let i = 0; i < n; i++) w[i * n + i] = 1;
  for (let k = n - 3; k >= 0; k--) {
    const b = beta[k]!;
    if (b === 0) continue;
    const m0 = k + 1;
    vk.set(vecs[k]!);
    // r = vᵀ M over columns m0.., then M ← M − β v rᵀ.
    r.fill(0, m0, n);
    for (let i = m0; i < n; i++) {
      const vi = vk[i]!;
      if (vi === 0) continue;
      const row = i * n;
      for (let j = m0; j < n; j++) r[j] += vi * w[row + j]!;
    }
    for (let i = m0; i < n; i++) {
      const f = b * vk[i]!;
      if (f === 0) continue;
      const row = i * n;
      for (let j = m0; j < n; j++) w[row + j] -= f * r[j]!;
    }
  }
  return w;
}

/**
 * Implicit QL on the tridiagonal (d, e), shift from the leading 2×2 block. The Givens rotations of
 * one sweep (planes (i, i+1), i = m−1 … l) are recorded, then applied to the columns of `u` one
 * row at a time (each row is read and written once per sweep, contiguously); on return column j
 * of `u` is the eigenvector of d[j].
 */
function implicitQL(d: Float64Array, e: Float64Array, u: Float64Array, n: number): void {
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
  for (let l = 0; l < n; l++) {
    for (let sweep = 0; ; sweep++) {
      let m = l;
      while (m < n - 1) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= EPS * dd) break;
        m++;
      }
      if (m === l) break;
      if (sweep >= MAX_SWEEPS) throw new ScoresdeError(`symEig: QL iteration did not converge for eigenvalue ${l}`);
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let deflated = false;
      let last = m; // lowest plane rotated in this sweep (m: none)
      for (let i = m - 1; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          // underflow: the problem splits at i+1
          d[i + 1] -= p;
          e[m] = 0;
          deflated = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        cs[i] = c;
        sn[i] = s;
        last = i;
      }
      if (last < m) applySweep(u, n, cs, sn, last, m);
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/**
 * Apply the rotations of planes i = m−1 down to lo, in that order, to the columns of u:
 * (u_i, u_{i+1}) ← (c u_i − s u_{i+1}, s u_i + c u_{i+1}). After plane i, column i+1 is final, so
 * each row is swept once carrying the running column value.
 */
function applySweep(u: Float64Array, n: number, cs: Float64Array, sn: Float64Array, lo: number, m: number): void {
  let k = 0;
  // four rows at a time: independent carries hide the latency of the recurrence
  for (; k + 3 < n; k += 4) {
    const r0 = k * n;
    const r1 = r0 + n;
    const r2 = r1 + n;
    const r3 = r2 + n;
    let c0 = u[r0 + m]!;
    let c1 = u[r1 + m]!;
    let c2 = u[r2 + m]!;
    let c3 = u[r3 + m]!;
    for (let i = m - 1; i >= lo; i--) {
      const c = cs[i]!;
      const s = sn[i]!;
      const a0 = u[r0 + i]!;
      const a1 = u[r1 + i]!;
      const a2 = u[r2 + i]!;
      const a3 = u[r3 + i]!;
      u[r0 + i + 1] = s * a0 + c * c0;
      u[r1 + i + 1] = s * a1 + c * c1;
      u[r2 + i + 1] = s * a2 + c * c2;
      u[r3 + i + 1] = s * a3 + c * c3;
      c0 = c * a0 - s * c0;
      c1 = c * a1 - s * c1;
      c2 = c * a2 - s * c2;
      c3 = c * a3 - s * c3;
    }
    u[r0 + lo] = c0;
    u[r1 + lo] = c1;
    u[r2 + lo] = c2;
    u[r3 + lo] = c3;
  }
  for (; k < n; k++) {
    const row = k * n;
    let carry = u[row + m]!;
    for (let i = m - 1; i >= lo; i--) {
      const a = u[row + i]!;
      const c = cs[i]!;
      const s = sn[i]!;
      u[row + i + 1] = s * a + c * carry;
      carry = c * a - s * carry;
    }
    u[row + lo] = carry;
  }
}
