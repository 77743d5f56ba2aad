/**
 * Worker-thread entry of the data-parallel gradient pool (gradPool.ts). Protocol:
 *   in:  {type: 'init', backend, config, state}        → out: {type: 'ready'}
 *        (config: networkConfigToJson; state: the full state_dict, so fixed buffers such as the
 *         Fourier features match the trainer's)
 *   in:  {type: 'chunk', id, weights, x0, shape, t, z, dropoutSeed, weight, likelihoodWeighting}
 *        (weights: the trainable tensors' values in declaration order, this step's)
 *                                                       → out: {type: 'done', id, loss, grads}
 *   any failure                                         → out: {type: 'error', message}
 */
import { parentPort } from 'node:worker_threads';
import { tf } from '../tf.js';
import { initBackend } from '../engine/backend.js';
import { createNetwork } from '../nn/build.js';
import { parseNetworkConfig } from '../nn/config.js';
import type { ScoreNetwork } from '../nn/network.js';
import type { NdArrayF32 } from '../io/npy.js';
import { NetworkScoreModel } from '../score/network.js';
import { sdeFromNetworkConfig } from '../builtins/networks.js';
import type { SDE } from '../contracts/sde.js';
import { chunkGradients } from './chunkGrads.js';

type In =
  | { type: 'init'; backend: string; config: unknown; state: [string, NdArrayF32][] }
  | { type: 'chunk'; id: number; weights: Float32Array[]; x0: Float32Array; shape: number[]; t: Float32Array; z: Float32Array; dropoutSeed: number; weight: number; likelihoodWeighting: boolean };

const port = parentPort;
if (!port) throw new Error('train/gradWorker.js must run in a worker thread');

let net: ScoreNetwork | undefined;
let model: NetworkScoreModel | undefined;
let sde: SDE | undefined;
let vars: tf.Variable[] = [];

port.on('message', (m: In) => {
  void handle(m).catch((e: unknown) => port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
});

async function handle(m: In): Promise<void> {
  if (m.type === 'init') {
    await initBackend(m.backend as 'wasm');
    const config = parseNetworkConfig(m.config);
    net = createNetwork(config);
    net.params.loadStateDict(new Map(m.state));
    sde = sdeFromNetworkConfig(config);
    model = new NetworkScoreModel(net, sde, { continuous: true });
    vars = net.params.trainableVariables();
    port!.postMessage({ type: 'ready' });
    return;
  }
  if (!net || !model || !sde) throw new Error('chunk before init');
  if (m.weights.length !== vars.length) throw new Error(`expected ${vars.length} weight tensors, got ${m.weights.length}`);
  vars.forEach((v, i) => {
    const t = tf.tensor(m.weights[i]!, v.shape, 'float32');
    v.assign(t);
    t.dispose();
  });
  const x0 = tf.tensor(m.x0, m.shape, 'float32');
  try {
    const { value, grads } = chunkGradients(net, model, sde, vars, { x0, t: m.t, z: m.z, dropoutSeed: m.dropoutSeed, weight: m.weight }, m.likelihoodWeighting);
    const loss = ((await value.data()) as Float32Array)[0]!;
    const out: Float32Array[] = [];
    for (const g of grads) out.push(Float32Array.from(await g.data()));
    tf.dispose([value, ...grads]);
    port!.postMessage({ type: 'done', id: m.id, loss, grads: out }, out.map((a) => a.buffer as ArrayBuffer));
  } finally {
    x0.dispose();
  }
}
