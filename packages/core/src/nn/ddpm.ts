/**
 * DDPM U-Net (score_sde_pytorch models/ddpm.py, class DDPM; Ho et al. 2020), NHWC.
 *
 * all_modules: Linear(nf→4nf), Linear(4nf→4nf) (sinusoidal embedding of the labels),
 * conv3x3(C→nf); per level num_res_blocks × (ResnetBlockDDPM [+ AttnBlock]) and (not last) a
 * Downsample; middle ResnetBlock, AttnBlock, ResnetBlock; per level (reversed)
 * num_res_blocks+1 blocks on concat([h, skip]) [+ AttnBlock] and (not first) an Upsample;
 * GroupNorm(32) + conv3x3. GroupNorm always has 32 groups; no skip rescaling.
 * With scale_by_sigma the output is divided by sigmas[labels] (discrete models).
 */
import { tf, type Tensor } from '../tf.js';
import { getActivation, type Activation } from './activation.js';
import { AttnBlock } from './attention.js';
import type { NetworkConfig } from './config.js';
import { Conv2d, conv3x3 } from './conv.js';
import type { ForwardContext } from './context.js';
import { timestepEmbedding } from './embedding.js';
import { GroupNorm } from './groupNorm.js';
import { Linear } from './linear.js';
import { declareSigmas, divideBySample, gatherSigmas, type ScoreNetwork } from './network.js';
import { ParamStore } from './params.js';
import { Downsample, Upsample } from './resample.js';
import { ResnetBlock } from './resblocks.js';

type Module = Linear | Conv2d | ResnetBlock | AttnBlock | Downsample | Upsample | GroupNorm;

export class DDPM implements ScoreNetwork {
  readonly params = new ParamStore();
  private readonly modules: Module[] = [];
  private readonly act: Activation;
  private readonly resolutions: number[];

  constructor(readonly config: NetworkConfig) {
    const c = config;
    const store = this.params;
    this.act = getActivation(c.nonlinearity);
    declareSigmas(store, c);
    const nf = c.nf;
    const nLevels = c.chMult.length;
    this.resolutions = c.chMult.map((_, i) => c.imageSize / 2 ** i);
    const mods = this.modules;
    const name = () => `all_modules.${mods.length}`;
    const resblock = (inCh: number, outCh?: number) =>
      new ResnetBlock(store, name(), 'ddpm', { act: this.act, inCh, outCh, tembDim: 4 * nf, dropout: c.dropout });
    const attn = (ch: number) => new AttnBlock(store, name(), ch, { groups: 32, skipRescale: false, initScale: 0 });
    const resamp = { withConv: c.resampWithConv, fir: false, firKernel: [1, 1] };

    mods.push(new Linear(store, name(), nf, 4 * nf));
    mods.push(new Linear(store, name(), 4 * nf, 4 * nf));
    mods.push(conv3x3(store, name(), c.numChannels, nf));
    const hsC = [nf];
    let inCh = nf;
    for (let lvl = 0; lvl < nLevels; lvl++) {
      for (let b = 0; b < c.numResBlocks; b++) {
        const outCh = nf * c.chMult[lvl]!;
        mods.push(resblock(inCh, outCh));
        inCh = outCh;
        if (c.attnResolutions.includes(this.resolutions[lvl]!)) mods.push(attn(inCh));
        hsC.push(inCh);
      }
      if (lvl !== nLevels - 1) {
        mods.push(new Downsample(store, name(), inCh, inCh, resamp));
        hsC.push(inCh);
      }
    }
    inCh = hsC[hsC.length - 1]!;
    mods.push(resblock(inCh));
    mods.push(attn(inCh));
    mods.push(resblock(inCh));
    for (let lvl = nLevels - 1; lvl >= 0; lvl--) {
      for (let b = 0; b < c.numResBlocks + 1; b++) {
        const outCh = nf * c.chMult[lvl]!;
        mods.push(resblock(inCh + hsC.pop()!, outCh));
        inCh = outCh;
      }
      if (c.attnResolutions.includes(this.resolutions[lvl]!)) mods.push(attn(inCh));
      if (lvl !== 0) mods.push(new Upsample(store, name(), inCh, inCh, resamp));
    }
    mods.push(new GroupNorm(store, name(), 32, inCh));
    mods.push(conv3x3(store, name(), inCh, c.numChannels, { initScale: 0 }));
  }

  forward(x: Tensor, labels: Tensor, ctx: ForwardContext = {}): Tensor {
    const c = this.config;
    const mods = this.modules;
    let mi = 0;
    const next = <T extends Module>(): T => mods[mi++] as T;
    const act = this.act;
    let temb = timestepEmbedding(labels, c.nf);
    temb = next<Linear>().apply(temb);
    temb = next<Linear>().apply(act(temb));

    const h0 = c.centered ? x : tf.sub(tf.mul(x, 2), 1);
    const hs: Tensor[] = [next<Conv2d>().apply(h0)];
    const nLevels = c.chMult.length;
    let h: Tensor;
    for (let lvl = 0; lvl < nLevels; lvl++) {
      for (let b = 0; b < c.numResBlocks; b++) {
        h = next<ResnetBlock>().apply(hs[hs.length - 1]!, temb, ctx);
        if (c.attnResolutions.includes(this.resolutions[lvl]!)) h = next<AttnBlock>().apply(h);
        hs.push(h);
      }
      if (lvl !== nLevels - 1) hs.push(next<Downsample>().apply(hs[hs.length - 1]!));
    }
    h = hs[hs.length - 1]!;
    h = next<ResnetBlock>().apply(h, temb, ctx);
    h = next<AttnBlock>().apply(h);
    h = next<ResnetBlock>().apply(h, temb, ctx);
    for (let lvl = nLevels - 1; lvl >= 0; lvl--) {
      for (let b = 0; b < c.numResBlocks + 1; b++) {
        h = next<ResnetBlock>().apply(tf.concat([h, hs.pop()!], 3), temb, ctx);
      }
      if (c.attnResolutions.includes(this.resolutions[lvl]!)) h = next<AttnBlock>().apply(h);
      if (lvl !== 0) h = next<Upsample>().apply(h);
    }
    h = next<GroupNorm>().applyAct(h, act);
    h = next<Conv2d>().apply(h);
    if (mi !== mods.length) throw new Error(`DDPM: used ${mi} of ${mods.length} modules`);
    return c.scaleBySigma ? divideBySample(h, gatherSigmas(this.params, labels)) : h;
  }

  dispose(): void {
    this.params.dispose();
  }
}
