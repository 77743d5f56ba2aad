import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  tf,
  VESDE,
  VPSDE,
  SubVPSDE,
  Rng,
  ScoresdeError,
  createRegistries,
  registerSdes,
  reverseDrift,
  reverseDiscretize,
  sdeKind,
  type SDE,
} from '@scoresde/core';

interface Row {
  t: number;
  alpha: number;
  std: number;
  g: number;
  f: number;
}
interface Ref {
  cases: { kind: 've' | 'vp' | 'subvp'; params: Record<string, number>; rows: Row[] }[];
  prior: Record<'ve' | 'vp', { z: number[]; logp: number[] }>;
  prior_shape: number[];
}
const ref = JSON.parse(readFileSync(new URL('./fixtures/sde_reference.json', import.meta.url), 'utf8')) as Ref;

function make(kind: string, p: Record<string, number>): SDE {
  if (kind === 've') return new VESDE({ sigmaMin: p.sigma_min, sigmaMax: p.sigma_max });
  if (kind === 'vp') return new VPSDE({ betaMin: p.beta_min, betaMax: p.beta_max });
  return new SubVPSDE({ betaMin: p.beta_min, betaMax: p.beta_max });
}

function rel(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** Variance at t = 0 of the marginal: σ_min² for VE (std is σ(t)), 0 for VP and sub-VP. */
function v0(sde: SDE): number {
  return sde.marginal(0).std ** 2;
}

/** RK4 integration of dm/dt = a(t) m, dv/dt = 2 a(t) v + g(t)² from t = 0. */
function momentOde(sde: SDE, tEnd: number, n = 4000): { m: number; v: number } {
  let m = 1;
  let v = v0(sde);
  const h = tEnd / n;
  const rhs = (t: number, mm: number, vv: number): [number, number] => {
    const a = sde.driftCoef(t);
    const g = sde.diffusion(t);
    return [a * mm, 2 * a * vv + g * g];
  };
  for (let i = 0; i < n; i++) {
    const t = i * h;
    const k1 = rhs(t, m, v);
    const k2 = rhs(t + h / 2, m + (h / 2) * k1[0], v + (h / 2) * k1[1]);
    const k3 = rhs(t + h / 2, m + (h / 2) * k2[0], v + (h / 2) * k2[1]);
    const k4 = rhs(t + h, m + h * k3[0], v + h * k3[1]);
    m += (h / 6) * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]);
    v += (h / 6) * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]);
  }
  return { m, v };
}

describe('SDE coefficients', () => {
  it('match the score_sde_pytorch formulas (float64 reference) to 1e-12', () => {
    for (const c of ref.cases) {
      const sde = make(c.kind, c.params);
      for (const r of c.rows) {
        const { alpha, std } = sde.marginal(r.t);
        expect(rel(alpha, r.alpha)).toBeLessThan(1e-12);
        // 1 − e^{2m} is computed with expm1 here, so tiny t agree to ~1e-9 (numpy loses digits there)
        expect(rel(std, r.std)).toBeLessThan(r.t < 0.01 ? 1e-7 : 1e-12);
        expect(rel(sde.diffusion(r.t), r.g)).toBeLessThan(r.t < 0.01 ? 1e-7 : 1e-12);
        expect(Math.abs(sde.driftCoef(r.t) - r.f)).toBeLessThan(1e-12);
      }
    }
  });

  it('marginals solve the moment ODEs dm/dt = a m, dv/dt = 2 a v + g² to 1e-6', () => {
    for (const c of ref.cases) {
      const sde = make(c.kind, c.params);
      for (const t of [0.1, 0.5, 1]) {
        const { m, v } = momentOde(sde, t);
        const { alpha, std } = sde.marginal(t);
        expect(rel(m, alpha)).toBeLessThan(1e-6);
        expect(rel(v, std * std)).toBeLessThan(1e-6);
      }
    }
  });

  it('chaining discretize over a grid reproduces the marginal exactly (uniform and uneven grids)', () => {
    for (const c of ref.cases) {
      const sde = make(c.kind, c.params);
      for (const grid of [
        Array.from({ length: 1001 }, (_, i) => i / 1000),
        Array.from({ length: 41 }, (_, i) => (i / 40) ** 2 * 0.8),
      ]) {
        let m = 1;
        // The chain starts from clean data: VE's first step from t = 0 adds σ(t₁)² in full.
        let v = sde.kind === 've' ? 0 : v0(sde);
        for (let i = 1; i < grid.length; i++) {
          const { fCoef, G } = sde.discretize(grid[i]!, grid[i]! - grid[i - 1]!);
          m *= 1 + fCoef;
          v = (1 + fCoef) ** 2 * v + G * G;
        }
        const tEnd = grid[grid.length - 1]!;
        const { alpha, std } = sde.marginal(tEnd);
        expect(rel(m, alpha)).toBeLessThan(1e-10);
        expect(rel(v, std * std)).toBeLessThan(1e-10);
      }
    }
  });

  it('a single small discretize step matches drift and diffusion to first order', () => {
    for (const c of ref.cases) {
      const sde = make(c.kind, c.params);
      const t = 0.4;
      const dt = 1e-6;
      const { fCoef, G } = sde.discretize(t, dt);
      if (c.kind === 've') expect(fCoef).toBe(0);
      else expect(rel(fCoef / dt, sde.driftCoef(t))).toBeLessThan(1e-5);
      expect(rel(G / Math.sqrt(dt), sde.diffusion(t))).toBeLessThan(1e-5);
    }
  });

  it('defaults, eps, kind and params are as in score_sde_pytorch', () => {
    const ve = new VESDE();
    expect(ve.params).toEqual({ sigmaMin: 0.01, sigmaMax: 50, N: 1000 });
    expect([ve.eps, ve.T, ve.N, sdeKind(ve)]).toEqual([1e-5, 1, 1000, 've']);
    const vp = new VPSDE();
    expect(vp.params).toEqual({ betaMin: 0.1, betaMax: 20, N: 1000 });
    expect([vp.eps, sdeKind(vp)]).toEqual([1e-3, 'vp']);
    expect([new SubVPSDE().eps, sdeKind(new SubVPSDE())]).toEqual([1e-3, 'subvp']);
  });
});

describe('SDE priors and tensors', () => {
  it('priorLogp matches the closed form per sample', () => {
    const shape = ref.prior_shape;
    for (const [kind, sde] of [
      ['ve', new VESDE()],
      ['vp', new VPSDE()],
      ['subvp', new SubVPSDE()],
    ] as const) {
      const r = ref.prior[kind === 've' ? 've' : 'vp'];
      const z = tf.tensor(r.z, shape);
      const lp = sde.priorLogp(z);
      expect(lp.shape).toEqual([shape[0]]);
      const got = lp.dataSync();
      r.logp.forEach((v, i) => expect(rel(got[i]!, v)).toBeLessThan(1e-5));
      tf.dispose([z, lp]);
    }
  });

  it('priorSample has the prior variance and is seeded', () => {
    const sde = new VESDE({ sigmaMax: 20 });
    const a = sde.priorSample([500, 4, 4, 1], new Rng(3));
    const b = sde.priorSample([500, 4, 4, 1], new Rng(3));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const d = a.dataSync();
    let s2 = 0;
    for (const x of d) s2 += x * x;
    // 8000 draws: sd of the variance estimate is √(2/8000)·400 ≈ 6.3
    expect(Math.abs(s2 / d.length - 400)).toBeLessThan(30);
    tf.dispose([a, b]);
  });

  it('drift is a(t)·x and reverse drifts are f − g² s and f − ½ g² s', () => {
    const x = tf.tensor([[1, -2, 3, 0.5]]).reshape([1, 2, 2, 1]);
    const s = tf.tensor([[0.3, 0.1, -1, 2]]).reshape([1, 2, 2, 1]);
    for (const sde of [new VESDE(), new VPSDE(), new SubVPSDE()]) {
      const t = 0.37;
      const a = sde.driftCoef(t);
      const g = sde.diffusion(t);
      const xs = x.dataSync();
      const ss = s.dataSync();
      const f = sde.drift(x, t).dataSync();
      const rs = reverseDrift(sde, s, x, t, false).dataSync();
      const ro = reverseDrift(sde, () => s.clone(), x, t, true).dataSync();
      for (let i = 0; i < 4; i++) {
        expect(f[i]).toBeCloseTo(a * xs[i]!, 5);
        expect(rel(rs[i]!, a * xs[i]! - g * g * ss[i]!)).toBeLessThan(1e-5);
        expect(rel(ro[i]!, a * xs[i]! - 0.5 * g * g * ss[i]!)).toBeLessThan(1e-5);
      }
      const { f: df, G } = reverseDiscretize(sde, s, x, t, 0.01, false);
      const fwd = sde.discretize(t, 0.01);
      expect(G).toBe(fwd.G);
      const dd = df.dataSync();
      for (let i = 0; i < 4; i++) expect(rel(dd[i]!, fwd.fCoef * xs[i]! - fwd.G ** 2 * ss[i]!)).toBeLessThan(1e-5);
      expect(reverseDiscretize(sde, s, x, t, 0.01, true).G).toBe(0);
    }
    tf.dispose([x, s]);
  });
});

describe('SDE registration and validation', () => {
  it('registers ve, vp, subvp with snake_case params', async () => {
    const reg = createRegistries();
    registerSdes(reg);
    expect(reg.sdes.names()).toEqual(['subvp', 've', 'vp']);
    const ve = (await reg.sdes.create('ve', { sigma_max: 20, N: 500 }, { registries: reg })) as VESDE;
    expect(ve.params).toEqual({ sigmaMin: 0.01, sigmaMax: 20, N: 500 });
    const vp = (await reg.sdes.create('subvp', { beta_min: 0.05 }, { registries: reg })) as SubVPSDE;
    expect([vp.kind, vp.params.betaMin, vp.params.betaMax]).toEqual(['subvp', 0.05, 20]);
    await expect(reg.sdes.create('ve', { sigma_mx: 3 }, { registries: reg })).rejects.toThrow(ScoresdeError);
    await expect(reg.sdes.create('ve', { sigma_min: 60 }, { registries: reg })).rejects.toThrow(/sigma_max must exceed/);
    await expect(reg.sdes.create('vp', { beta_max: -1 }, { registries: reg })).rejects.toThrow(ScoresdeError);
  });

  it('rejects bad constructor arguments and times with one-line errors', () => {
    expect(() => new VESDE({ sigmaMin: 0 })).toThrow(ScoresdeError);
    expect(() => new VESDE({ sigmaMin: 5, sigmaMax: 1 })).toThrow(/sigma_max/);
    expect(() => new VPSDE({ N: 1.5 })).toThrow(/N must be a positive integer/);
    expect(() => new VPSDE().marginal(NaN)).toThrow(ScoresdeError);
    expect(() => new SubVPSDE().discretize(0.5, 0)).toThrow(/dt must be positive/);
  });
});
