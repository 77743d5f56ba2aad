/**
 * CT radon operator: forward + adjoint time for a 256×256 image and 180 views (batch 1, read
 * back) on wasm and cpu (host kernels) and, when --backend names them, webgpu (project kernels) and tensorflow (tfjs-op
 * fallback), plus FBP (ram-lak). Compared with skimage radon + iradon on the same geometry, timed
 * by packages/forward-operators/test/radon/fixtures/make_radon_fixtures.py on this machine and
 * stored in radon_fixtures.json (best wall and best process-CPU time). Goal (issue 3): radon ≥ 20× faster than skimage radon+iradon.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export async function run(ctx) {
  const { tf, core } = ctx;
  const root = ctx.root;
  const ops = await ctx.importBuilt('forward-operators');
  const fixtures = JSON.parse(readFileSync(join(root, 'packages', 'forward-operators', 'test', 'radon', 'fixtures', 'radon_fixtures.json'), 'utf8'));
  const sk = fixtures.timing_256_180;
  const N = 256;
  const rows = [];
  // GPU backends only when asked for (--backend webgpu): a software adapter would be timed otherwise
  for (const backend of ['wasm', 'cpu', ...(ctx.backends ?? []).filter((b) => b === 'webgpu' || b === 'tensorflow')]) {
    try {
      await core.initBackend(backend);
    } catch (e) {
      if (backend === 'wasm' || backend === 'cpu') throw e;
      rows.push({ backend, case: `unavailable: ${String(e?.message ?? e).split('\n')[0]}` });
      continue;
    }
    const op = new ops.RadonOperator({ size: N, anglesDeg: ops.evenAngles(180) });
    const x = new core.Rng(1).normalTensor([1, N, N, 1]);
    const once = async (f) => {
      const t = f();
      await t.data();
      t.dispose();
    };
    const y = op.forward(x);
    const fwd = await ctx.timeBoth(() => once(() => op.forward(x)));
    const adj = await ctx.timeBoth(() => once(() => op.adjoint(y)));
    const both = await ctx.timeBoth(async () => {
      const yy = op.forward(x);
      const a = op.adjoint(yy);
      await a.data();
      tf.dispose([yy, a]);
    });
    const fbp = await ctx.timeBoth(() => once(() => op.fbp(y)));
    tf.dispose([x, y]);
    op.dispose();
    // the machine is shared: compare CPU time with CPU time (wall with wall is also shown)
    const speedupCpu = sk.total_cpu_s / both.cpu;
    const speedupWall = sk.total_s / both.wall;
    rows.push({
      backend,
      case: `${N}² × 180 views`,
      path: backend === 'wasm' || backend === 'cpu' ? 'host kernels' : backend === 'webgpu' ? 'webgpu kernels' : 'tfjs ops',
      'fwd ms': fwd.wall * 1e3,
      'adj ms': adj.wall * 1e3,
      'fwd+adj ms': both.wall * 1e3,
      'fwd+adj cpu ms': both.cpu * 1e3,
      'fbp ms': fbp.wall * 1e3,
      'skimage radon+iradon ms': sk.total_s * 1e3,
      'skimage cpu ms': sk.total_cpu_s * 1e3,
      'speedup (cpu)': speedupCpu,
      'speedup (wall)': speedupWall,
      goal: speedupCpu >= 20 ? 'met (≥ 20× by CPU time)' : 'not met (< 20× by CPU time)',
    });
  }
  return rows;
}
