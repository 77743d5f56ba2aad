/**
 * Symmetric eigendecomposition on the host in float64: A = U diag(λ) Uᵀ.
 *
 * Method (Golub & Van Loan §8.3): Householder reduction A = Q T Qᵀ to a symmetric tridiagonal T
 * (only the lower triangle of (A + Aᵀ)/2 is used and updated, by symmetric rank-2 updates),
 * backward accumulation of Q, then the implicit QL iteration with Wilkinson-type shifts on T,
 * whose Givens rotations are applied to the rows of Uᵀ (contiguous memory, so the O(n³) parts
 * stream through rows). Eigenvalues are returned ascending; `vectors` is U in row-major order,
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
  const q = tridiagonalize(w, n, d, e);
  // q now holds Q row-major; the QL iteration works on Uᵀ = Qᵀ, so transpose in place.
  transposeInPlace(q, n);
  implicitQL(d, e, q, n);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x]! - d[y]!);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const src = order[j]!;
    values[j] = d[src]!;
    const row = src * n;
    for (let i = 0; i < n; i++) vectors[i * n + j] = q[row + i]!;
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

function transposeInPlace(m: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = m[i * n + j]!;
      m[i * n + j] = m[j * n + i]!;
      m[j * n + i] = t;
    }
  }
}

/**
 * Implicit QL on the tridiagonal (d, e), shift from the leading 2×2 block. Each Givens rotation
 * in the plane (i, i+1) is applied to rows i and i+1 of `ut` (= Uᵀ), so on return row j of `ut`
 * is the eigenvector of d[j].
 */
function implicitQL(d: Float64Array, e: Float64Array, ut: Float64Array, n: number): void {
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
        rotateRows(ut, n, i, c, s);
      }
      if (deflated) continue;
      d[l] -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** rows (i, i+1) ← (c·rᵢ − s·rᵢ₊₁, s·rᵢ + c·rᵢ₊₁). */
function rotateRows(ut: Float64Array, n: number, i: number, c: number, s: number): void {
  const a0 = i * n;
  const b0 = a0 + n;
  for (let k = 0; k < n; k++) {
    const x = ut[a0 + k]!;
    const y = ut[b0 + k]!;
    ut[a0 + k] = c * x - s * y;
    ut[b0 + k] = s * x + c * y;
  }
}
