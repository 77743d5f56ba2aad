/**
 * File contents of a scaffolded operator plugin (see operatorPlugin.ts). The operator is a real,
 * working linear operator — f×f average pooling (downsampling, default f = 2) with its exact
 * adjoint and pseudo-inverse — so the generated adjointness test passes before any edit.
 * Generated code uses only the public API of @scoresde/core.
 */

export interface TemplateVars {
  /** operator and plugin name, e.g. 'downsample' */
  name: string;
  /** npm package name */
  packageName: string;
  /** version range of @scoresde/core */
  coreRange: string;
  /** PLUGIN_API_VERSION the plugin targets */
  apiVersion: number;
}

export function packageJson(v: TemplateVars): string {
  const pkg = {
    name: v.packageName,
    version: '0.1.0',
    description: `scoresde operator plugin '${v.name}'`,
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', 'README.md'],
    keywords: ['scoresde-plugin'],
    scripts: { build: 'tsc -p .', test: 'vitest run' },
    dependencies: { '@scoresde/core': v.coreRange, zod: '^4.0.0' },
    devDependencies: { '@types/node': '^20.0.0', typescript: '^5.4.0', vitest: '^3.0.0' },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

export function tsconfigJson(): string {
  const cfg = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2022'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: true,
      sourceMap: true,
      rootDir: 'src',
      outDir: 'dist',
      types: ['node'],
    },
    include: ['src'],
  };
  return JSON.stringify(cfg, null, 2) + '\n';
}

export function indexTs(v: TemplateVars): string {
  return `/**
 * scoresde operator plugin '${v.name}': f×f average pooling (downsampling), x [B, H, W, C] →
 * y [B, H/f, W/f, C] with y[i, j] = mean of the f×f block (i·f … i·f+f−1, j·f … j·f+f−1).
 *   Aᵀy = (1/f²)·(each y value copied to its f×f block)     — exact adjoint
 *   AAᵀ = (1/f²)·I, so A⁺y = f²·Aᵀy = nearest-neighbour upsampling
 * Replace forward/adjoint with your own physics; keep the adjointness test passing.
 */
import { z } from 'zod';
import { definePlugin, PLUGIN_API_VERSION, ScoresdeError } from '@scoresde/core';
import type { ForwardOperator, NoiseModel, PluginApi, Rng, Tensor } from '@scoresde/core';

type TF = PluginApi['tf'];

export const schema = z.object({
  factor: z.number().int().min(1).default(2).describe('downsampling factor f (H and W must be multiples of f)'),
  noise_sigma: z.number().min(0).default(0).describe('standard deviation of Gaussian measurement noise'),
});

function gaussianNoise(tf: TF, sigma: number): NoiseModel {
  return {
    kind: sigma > 0 ? 'gaussian' : 'none',
    sigma,
    sample: (clean: Tensor, rng: Rng) => tf.tidy(() => clean.add(rng.normalTensor(clean.shape).mul(sigma))),
  };
}

export function createOperator(tf: TF, inputShape: number[], p: z.infer<typeof schema>): ForwardOperator {
  const [h, w, c] = inputShape as [number, number, number];
  const f = p.factor;
  if (inputShape.length !== 3) throw new ScoresdeError('${v.name}: input shape must be [H, W, C], got [' + inputShape.join(', ') + ']');
  if (h % f !== 0 || w % f !== 0) throw new ScoresdeError('${v.name}: image ' + h + '×' + w + ' is not divisible by factor ' + f);
  const [ho, wo] = [h / f, w / f];
  const check = (t: Tensor, s: number[], what: string) => {
    const ok = t.rank === 4 && t.shape[1] === s[0] && t.shape[2] === s[1] && t.shape[3] === s[2];
    if (!ok) throw new ScoresdeError('${v.name}: ' + what + ' ' + t.shape.slice(1).join('×') + ' does not match ' + s.join('×'));
  };
  return {
    name: '${v.name}',
    inputShape: [h, w, c],
    outputShape: [ho, wo, c],
    linear: true,
    noise: gaussianNoise(tf, p.noise_sigma),
    forward(x: Tensor): Tensor {
      check(x, [h, w, c], 'image');
      return tf.tidy(() => x.reshape([-1, ho, f, wo, f * c]).mean(2).reshape([-1, wo, f, c]).mean(2).reshape([-1, ho, wo, c]));
    },
    adjoint(y: Tensor): Tensor {
      check(y, [ho, wo, c], 'measurement');
      return tf.tidy(() =>
        y.reshape([-1, ho, 1, wo, 1, c]).tile([1, 1, f, 1, f, 1]).reshape([-1, h, w, c]).div(f * f),
      );
    },
    pseudoInverse(y: Tensor): Tensor {
      check(y, [ho, wo, c], 'measurement');
      return tf.tidy(() => y.reshape([-1, ho, 1, wo, 1, c]).tile([1, 1, f, 1, f, 1]).reshape([-1, h, w, c]));
    },
  };
}

export default definePlugin({
  name: '${v.name}',
  version: '0.1.0',
  apiVersion: PLUGIN_API_VERSION,
  description: '${v.name}: f×f average-pooling operator (scaffolded example)',
  register(api) {
    api.operators.add({
      name: '${v.name}',
      description: 'f×f average pooling (downsampling) with exact adjoint',
      schema,
      create: (p, ctx) => createOperator(api.tf, ctx.inputShape, p),
      docs: 'y = f×f block means of x; Aᵀy spreads y/f² over each block; A⁺y = nearest upsampling.',
    });
  },
});
`;
}

export function adjointTestTs(v: TemplateVars): string {
  return `import { describe, it, expect } from 'vitest';
import { createRegistries, initBackend, registerPlugin, Rng, tf } from '@scoresde/core';
import plugin from '../src/index.js';

/** |⟨Ax,y⟩ − ⟨x,Aᵀy⟩| / (‖Ax‖·‖y‖) for random x, y, accumulated in float64. */
async function adjointError(inputShape: number[], params: Record<string, unknown>): Promise<number> {
  const registries = createRegistries();
  await registerPlugin(plugin, registries, '${v.name}');
  const op = await registries.operators.create('${v.name}', params, { inputShape, cwd: process.cwd(), registries });
  const rng = new Rng(0);
  const x = rng.normalTensor([2, ...op.inputShape]);
  const y = rng.normalTensor([2, ...op.outputShape]);
  const ax = await op.forward(x).data();
  const aty = await op.adjoint!(y).data();
  const xs = await x.data();
  const ys = await y.data();
  let lhs = 0;
  let rhs = 0;
  let nax = 0;
  let ny = 0;
  for (let i = 0; i < ax.length; i++) {
    lhs += ax[i]! * ys[i]!;
    nax += ax[i]! * ax[i]!;
    ny += ys[i]! * ys[i]!;
  }
  for (let i = 0; i < xs.length; i++) rhs += xs[i]! * aty[i]!;
  return Math.abs(lhs - rhs) / Math.sqrt(nax * ny);
}

describe.each(['cpu', 'wasm'])('${v.name} on %s', (backend) => {
  it('has an exact adjoint: |<Ax,y> - <x,A^T y>| <= 1e-5 |Ax| |y|', async () => {
    await initBackend(backend);
    expect(await adjointError([16, 12, 3], {})).toBeLessThan(1e-5);
    expect(await adjointError([12, 12, 1], { factor: 3 })).toBeLessThan(1e-5);
  });

  it('averages blocks', async () => {
    await initBackend(backend);
    const registries = createRegistries();
    await registerPlugin(plugin, registries, '${v.name}');
    const op = await registries.operators.create('${v.name}', {}, { inputShape: [2, 2, 1], cwd: process.cwd(), registries });
    const y = await op.forward(tf.tensor([1, 2, 3, 6], [1, 2, 2, 1])).data();
    expect(Array.from(y)).toEqual([3]);
  });
});
`;
}

export function readme(v: TemplateVars): string {
  return `# ${v.packageName}

A scoresde operator plugin registering the operator \`${v.name}\` (scaffolded by
\`scoresde plugins new operator ${v.name}\`). It starts as f×f average pooling (downsampling) with
its exact adjoint; replace \`forward\` / \`adjoint\` in \`src/index.ts\` with your physics.

\`\`\`
npm install && npm run build && npm test
scoresde plugins info ${v.name} --plugin .
scoresde forward --plugin . --operator ${v.name} --set factor=2 --in x.npy --out y.npy
\`\`\`

## Contract

- x is NHWC \`[B, H, W, C]\` float32, y is \`[B, ...outputShape]\`; build tensors with \`api.tf\`.
- \`adjoint\` must be exact: \`|<Ax,y> - <x,A^T y>| <= 1e-5 |Ax| |y|\` (\`test/adjoint.test.ts\`).
- Parameters are a zod schema with snake_case keys (the CLI passes \`--set key=value\`).
- Throw \`ScoresdeError\` with one clear line for bad input.

| parameter | default | meaning |
| --- | --- | --- |
| \`factor\` | 2 | downsampling factor f (H, W multiples of f) |
| \`noise_sigma\` | 0 | Gaussian measurement-noise standard deviation |
`;
}

export const GITIGNORE = 'node_modules/\ndist/\n*.tsbuildinfo\n';
