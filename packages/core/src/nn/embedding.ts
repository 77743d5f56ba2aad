/**
 * Noise-level / time embeddings.
 * - GaussianFourierProjection (layerspp): fixed W ~ N(0, scale²) of size E;
 *   emb(s) = [sin(s·W·2π), cos(s·W·2π)] (2E features). NCSN++ feeds s = log σ.
 * - get_timestep_embedding (layers, from DDPM): half = d/2, f_i = exp(−i·ln(max_positions)/(half−1)),
 *   emb(t) = [sin(t·f), cos(t·f)] (zero-padded when d is odd).
 * Products are evaluated in the reference's float32 order so arguments of sin/cos round alike.
 */
import { tf, type Tensor } from '../tf.js';
import { normalInit } from './init.js';
import type { ParamStore } from './params.js';

export class GaussianFourierProjection {
  constructor(
    private readonly store: ParamStore,
    readonly prefix: string,
    readonly embeddingSize: number,
    readonly scale: number,
  ) {
    store.declare({ key: `${prefix}.W`, torchShape: [embeddingSize], layout: 'plain', trainable: false, init: normalInit(embeddingSize, scale) });
  }

  /** x: [B] → [B, 2E]. */
  apply(x: Tensor): Tensor {
    const w = this.store.get(`${this.prefix}.W`);
    const proj = tf.mul(tf.mul(tf.mul(tf.reshape(x, [-1, 1]), tf.reshape(w, [1, -1])), 2), Math.fround(Math.PI));
    return tf.concat([tf.sin(proj), tf.cos(proj)], 1);
  }
}

/** The frequencies f_i of get_timestep_embedding as float32 (computed like torch does). */
export function timestepFrequencies(dim: number, maxPositions = 10000): Float32Array {
  const half = Math.floor(dim / 2);
  const step = Math.fround(-(Math.log(maxPositions) / (half - 1)));
  const f = new Float32Array(half);
  for (let i = 0; i < half; i++) f[i] = Math.exp(Math.fround(i * step));
  return f;
}

const freqCache = new Map<string, Tensor>();

/** timesteps: [B] (float) → [B, dim]. */
export function timestepEmbedding(timesteps: Tensor, dim: number, maxPositions = 10000): Tensor {
  const key = `${dim}|${maxPositions}`;
  let f = freqCache.get(key);
  if (!f || f.isDisposed) {
    f = tf.keep(tf.tensor2d(timestepFrequencies(dim, maxPositions), [1, Math.floor(dim / 2)]));
    freqCache.set(key, f);
  }
  const arg = tf.mul(tf.reshape(timesteps, [-1, 1]), f);
  const emb = tf.concat([tf.sin(arg), tf.cos(arg)], 1);
  return dim % 2 === 1 ? tf.pad(emb, [[0, 0], [0, 1]]) : emb;
}
