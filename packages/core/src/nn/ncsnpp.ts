/**
 * NCSN++ / DDPM++ (score_sde_pytorch models/ncsnpp.py, class NCSNpp), NHWC.
 *
 * Module list `all_modules.i` in the reference order (so state_dict keys match):
 * [GaussianFourierProjection (fourier)], [Linear(E→4nf), Linear(4nf→4nf) (conditional)],
 * conv3x3(C→nf), per level: num_res_blocks × (ResnetBlock [+ AttnBlock at attn resolutions]),
 * then (not last level) a down block (Downsample for resblock 'ddpm', BigGAN block with down=True
 * otherwise) and the progressive-input module (Combine or pyramid Downsample with conv);
 * middle ResnetBlock, AttnBlock, ResnetBlock; per level (reversed): num_res_blocks+1 ResnetBlocks
 * on concat([h, skip]), [AttnBlock], progressive-output modules, up block; final
 * GroupNorm + conv3x3 unless progressive = output_skip.
 * DDPM++ is the same class with embedding_type 'positional', no FIR, resblock 'biggan'.
 */
import { tf, type Tensor } from '../tf.js';
import { getActivation, type Activation } from './activation.js';
import { AttnBlock } from './attention.js';
import { Combine } from './combine.js';
import type { NetworkConfig } from './config.js';
import { Conv2d, conv3x3 } from './conv.js';
import type { ForwardContext } from './context.js';
import { GaussianFourierProjection, timestepEmbedding } from './embedding.js';
import { GroupNorm, ncsnGroups } from './groupNorm.js';
import { Linear } from './linear.js';
import { declareSigmas, divideBySample, gatherSigmas, type ScoreNetwork } from './network.js';
import { ParamStore } from './params.js';
import { Downsample, Upsample } from './resample.js';
import { ResnetBlock } from './resblocks.js';

type Module = GaussianFourierProjection | Linear | Conv2d | ResnetBlock | AttnBlock | Downsample | Upsample | Combine | GroupNorm;

export class NCSNpp implements ScoreNetwork {
  readonly params = new ParamStore();
  private readonly modules: Module[] = [];
  private readonly act: Activation;
  private readonly resolutions: number[];
  private readonly pyramidUpsample?: Upsample;
  private readonly pyramidDownsample?: Downsample;

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
    const fir = { fir: c.fir, firKernel: c.firKernel };
    const tembDim = nf * 4;
    const resblock = (inCh: number, outCh?: number, extra: { up?: boolean; down?: boolean } = {}) =>
      new ResnetBlock(store, name(), c.resblockType === 'ddpm' ? 'ddpmpp' : 'biggan', {
        act: this.act,
        inCh,
        outCh,
        tembDim,
        dropout: c.dropout,
        skipRescale: c.skipRescale,
        initScale: c.initScale,
        ...fir,
        ...extra,
      });
    const attn = (ch: number) => new AttnBlock(store, name(), ch, { groups: ncsnGroups(ch), skipRescale: c.skipRescale, initScale: c.initScale });

    let embedDim: number;
    if (c.embeddingType === 'fourier') {
      mods.push(new GaussianFourierProjection(store, name(), nf, c.fourierScale));
      embedDim = 2 * nf;
    } else embedDim = nf;
    if (c.conditional) {
      mods.push(new Linear(store, name(), embedDim, tembDim));
      mods.push(new Linear(store, name(), tembDim, tembDim));
    }
    if (c.progressive === 'output_skip') this.pyramidUpsample = new Upsample(store, 'pyramid_upsample', 0, 0, { withConv: false, ...fir });
    if (c.progressiveInput === 'input_skip') this.pyramidDownsample = new Downsample(store, 'pyramid_downsample', 0, 0, { withConv: false, ...fir });

    const channels = c.numChannels;
    let inputPyramidCh = channels;
    mods.push(conv3x3(store, name(), channels, nf));
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
        if (c.resblockType === 'ddpm') mods.push(new Downsample(store, name(), inCh, inCh, { withConv: c.resampWithConv, ...fir }));
        else mods.push(resblock(inCh, undefined, { down: true }));
        if (c.progressiveInput === 'input_skip') {
          mods.push(new Combine(store, name(), inputPyramidCh, inCh, c.progressiveCombine));
          if (c.progressiveCombine === 'cat') inCh *= 2;
        } else if (c.progressiveInput === 'residual') {
          mods.push(new Downsample(store, name(), inputPyramidCh, inCh, { withConv: true, ...fir }));
          inputPyramidCh = inCh;
        }
        hsC.push(inCh);
      }
    }
    inCh = hsC[hsC.length - 1]!;
    mods.push(resblock(inCh));
    mods.push(attn(inCh));
    mods.push(resblock(inCh));

    let pyramidCh = 0;
    for (let lvl = nLevels - 1; lvl >= 0; lvl--) {
      for (let b = 0; b < c.numResBlocks + 1; b++) {
        const outCh = nf * c.chMult[lvl]!;
        mods.push(resblock(inCh + hsC.pop()!, outCh));
        inCh = outCh;
      }
      if (c.attnResolutions.includes(this.resolutions[lvl]!)) mods.push(attn(inCh));
      if (c.progressive !== 'none') {
        if (lvl === nLevels - 1) {
          mods.push(new GroupNorm(store, name(), ncsnGroups(inCh), inCh));
          if (c.progressive === 'output_skip') {
            mods.push(conv3x3(store, name(), inCh, channels, { initScale: c.initScale }));
            pyramidCh = channels;
          } else {
            mods.push(conv3x3(store, name(), inCh, inCh));
            pyramidCh = inCh;
          }
        } else if (c.progressive === 'output_skip') {
          mods.push(new GroupNorm(store, name(), ncsnGroups(inCh), inCh));
          mods.push(conv3x3(store, name(), inCh, channels, { initScale: c.initScale }));
          pyramidCh = channels;
        } else {
          mods.push(new Upsample(store, name(), pyramidCh, inCh, { withConv: true, ...fir }));
          pyramidCh = inCh;
        }
      }
      if (lvl !== 0) {
        if (c.resblockType === 'ddpm') mods.push(new Upsample(store, name(), inCh, inCh, { withConv: c.resampWithConv, ...fir }));
        else mods.push(resblock(inCh, undefined, { up: true }));
      }
    }
    if (c.progressive !== 'output_skip') {
      mods.push(new GroupNorm(store, name(), ncsnGroups(inCh), inCh));
      mods.push(conv3x3(store, name(), inCh, channels, { initScale: c.initScale }));
    }
  }

  forward(x: Tensor, labels: Tensor, ctx: ForwardContext = {}): Tensor {
    const c = this.config;
    const mods = this.modules;
    let mi = 0;
    const next = <T extends Module>(): T => mods[mi++] as T;
    const act = this.act;
    const rescale = (a: Tensor, b: Tensor) => (c.skipRescale ? tf.div(tf.add(a, b), Math.SQRT2) : tf.add(a, b));

    let temb: Tensor | undefined;
    let usedSigmas: Tensor | undefined;
    if (c.embeddingType === 'fourier') {
      usedSigmas = labels;
      temb = next<GaussianFourierProjection>().apply(tf.log(labels));
    } else {
      if (c.scaleBySigma) usedSigmas = gatherSigmas(this.params, labels);
      temb = timestepEmbedding(labels, c.nf);
    }
    if (c.conditional) {
      temb = next<Linear>().apply(temb);
      temb = next<Linear>().apply(act(temb));
    } else temb = undefined;

    let h0 = c.centered ? x : tf.sub(tf.mul(x, 2), 1);
    let inputPyramid: Tensor | undefined = c.progressiveInput !== 'none' ? h0 : undefined;
    const hs: Tensor[] = [next<Conv2d>().apply(h0)];
    const nLevels = c.chMult.length;
    let h: Tensor;
    for (let lvl = 0; lvl < nLevels; lvl++) {
      for (let b = 0; b < c.numResBlocks; b++) {
        h = next<ResnetBlock>().apply(hs[hs.length - 1]!, temb, ctx);
        if (c.attnResolutions.includes(this.resolutions[lvl]!)) h = next<AttnBlock>().apply(h);
        hs.push(h);
      }
      if (lvl !== nLevels - 1) {
        if (c.resblockType === 'ddpm') h = next<Downsample>().apply(hs[hs.length - 1]!);
        else h = next<ResnetBlock>().apply(hs[hs.length - 1]!, temb, ctx);
        if (c.progressiveInput === 'input_skip') {
          inputPyramid = this.pyramidDownsample!.apply(inputPyramid!);
          h = next<Combine>().apply(inputPyramid, h);
        } else if (c.progressiveInput === 'residual') {
          inputPyramid = next<Downsample>().apply(inputPyramid!);
          inputPyramid = rescale(inputPyramid, h);
          h = inputPyramid;
        }
        hs.push(h);
      }
    }
    h = hs[hs.length - 1]!;
    h = next<ResnetBlock>().apply(h, temb, ctx);
    h = next<AttnBlock>().apply(h);
    h = next<ResnetBlock>().apply(h, temb, ctx);

    let pyramid: Tensor | undefined;
    for (let lvl = nLevels - 1; lvl >= 0; lvl--) {
      for (let b = 0; b < c.numResBlocks + 1; b++) {
        h = next<ResnetBlock>().apply(tf.concat([h, hs.pop()!], 3), temb, ctx);
      }
      if (c.attnResolutions.includes(this.resolutions[lvl]!)) h = next<AttnBlock>().apply(h);
      if (c.progressive !== 'none') {
        if (lvl === nLevels - 1) {
          pyramid = next<GroupNorm>().applyAct(h, act);
          pyramid = next<Conv2d>().apply(pyramid);
        } else if (c.progressive === 'output_skip') {
          pyramid = this.pyramidUpsample!.apply(pyramid!);
          let ph = next<GroupNorm>().applyAct(h, act);
          ph = next<Conv2d>().apply(ph);
          pyramid = tf.add(pyramid, ph);
        } else {
          pyramid = next<Upsample>().apply(pyramid!);
          pyramid = rescale(pyramid, h);
          h = pyramid;
        }
      }
      if (lvl !== 0) {
        if (c.resblockType === 'ddpm') h = next<Upsample>().apply(h);
        else h = next<ResnetBlock>().apply(h, temb, ctx);
      }
    }
    if (c.progressive === 'output_skip') h = pyramid!;
    else {
      h = next<GroupNorm>().applyAct(h, act);
      h = next<Conv2d>().apply(h);
    }
    if (mi !== mods.length) throw new Error(`NCSNpp: used ${mi} of ${mods.length} modules`);
    h0 = h;
    return c.scaleBySigma ? divideBySample(h0, usedSigmas!) : h0;
  }

  dispose(): void {
    this.params.dispose();
  }
}
