"""NCSN++ / DDPM++ (score_sde_pytorch `models/ncsnpp.py:NCSNpp`) re-written compactly in PyTorch by
this project, for timing our tfjs network against PyTorch on the same machine.

Same config semantics as packages/core/src/nn (score_sde `model` / `data` sections as JSON) and the
same state_dict key names and layouts (`all_modules.N.Conv_0.weight`, NIN `W` [in, out], `sigmas`),
so a checkpoint written by `saveScoreModelFolder` loads with `load_state_dict(strict=True)`.

Covered: resblock_type 'biggan'; fir true/false; embedding fourier/positional; conditional;
progressive none/output_skip; progressive_input none/input_skip/residual; combine sum/cat;
skip_rescale; scale_by_sigma; swish/elu/relu/lrelu; data.centered. Anything else (resblock 'ddpm',
progressive 'residual', the DDPM network) raises ValueError naming the option. Eval mode only
(dropout is the identity), NCHW float32.

Conventions (as the reference):
  GroupNorm groups = min(C // 4, 32), eps 1e-6.
  Fourier embedding: W ~ N(0, scale^2) [nf]; e = [sin(2pi log(sigma) W), cos(2pi log(sigma) W)].
  Positional embedding: half = nf/2, f_k = exp(-k ln(10000)/(half - 1)); e = [sin(t f), cos(t f)].
  FIR kernel k (1-D taps) -> outer(k, k) / sum; upsample_2d: zero insertion x2, pad, correlate with
  k * 4; downsample_2d: pad, correlate with k, keep every 2nd sample; FIR conv up/down: the TF
  original's transposed conv of the flipped kernel, stride 2, then the FIR filter (up), or the FIR
  filter then a stride-2 conv (down).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

ACTS = {'swish': F.silu, 'elu': F.elu, 'relu': F.relu, 'lrelu': lambda x: F.leaky_relu(x, 0.2)}


def fir_kernel_2d(taps):
    k = torch.tensor(taps, dtype=torch.float32)
    k = torch.outer(k, k)
    return k / k.sum()


def upfirdn(x, k, up=1, down=1, pad=(0, 0)):
    """Zero-insert by `up`, pad (p0 before, p1 after; both >= 0 here), correlate with flip(k)
    depthwise (i.e. convolve with k), keep every `down`-th sample. x: [B, C, H, W]."""
    b, c, h, w = x.shape
    if up > 1:
        z = x.new_zeros(b, c, h * up, w * up)
        z[:, :, ::up, ::up] = x
        x = z
    x = F.pad(x, (pad[0], pad[1], pad[0], pad[1]))
    kk = torch.flip(k, [0, 1]).to(x)[None, None].expand(c, 1, *k.shape)
    return F.conv2d(x, kk, stride=down, groups=c)


def upsample_fir(x, k):
    p = k.shape[0] - 2
    return upfirdn(x, k * 4, up=2, pad=((p + 1) // 2 + 1, p // 2))


def downsample_fir(x, k):
    p = k.shape[0] - 2
    return upfirdn(x, k, down=2, pad=((p + 1) // 2, p // 2))


def group_norm(ch):
    return nn.GroupNorm(min(ch // 4, 32), ch, eps=1e-6)


def conv(cin, cout, size=3, stride=1, padding=None):
    return nn.Conv2d(cin, cout, size, stride=stride, padding=size // 2 if padding is None else padding)


class NIN(nn.Module):
    """1x1 'network in network' layer, weights W [in, out] as the reference."""

    def __init__(self, cin, cout):
        super().__init__()
        self.W = nn.Parameter(torch.zeros(cin, cout))
        self.b = nn.Parameter(torch.zeros(cout))

    def forward(self, x):
        return torch.einsum('bchw,co->bohw', x, self.W) + self.b[None, :, None, None]


class Attention(nn.Module):
    def __init__(self, ch, skip_rescale):
        super().__init__()
        self.GroupNorm_0 = group_norm(ch)
        self.NIN_0, self.NIN_1, self.NIN_2, self.NIN_3 = (NIN(ch, ch) for _ in range(4))
        self.skip_rescale = skip_rescale

    def forward(self, x):
        b, c, h, w = x.shape
        y = self.GroupNorm_0(x)
        q, k, v = (m(y).reshape(b, c, h * w) for m in (self.NIN_0, self.NIN_1, self.NIN_2))
        a = torch.softmax(torch.einsum('bcp,bcq->bpq', q, k) * c ** -0.5, dim=-1)
        y = self.NIN_3(torch.einsum('bpq,bcq->bcp', a, v).reshape(b, c, h, w))
        return (x + y) / math.sqrt(2) if self.skip_rescale else x + y


class FirConv(nn.Module):
    """up_or_down_sampling.Conv2d: 3x3 conv fused with FIR up- or down-sampling (factor 2)."""

    def __init__(self, cin, cout, up, taps):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(cout, cin, 3, 3))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.up = up
        self.register_buffer('k', fir_kernel_2d(taps), persistent=False)

    def forward(self, x):
        k = self.k
        if self.up:
            w = torch.flip(self.weight, [2, 3]).transpose(0, 1)  # [in, out, 3, 3]
            y = F.conv_transpose2d(x, w, stride=2)
            p = k.shape[0] - 2 - 2
            y = upfirdn(y, k * 4, pad=((p + 1) // 2 + 1, p // 2 + 1))
        else:
            p = k.shape[0] - 2 + 2
            y = F.conv2d(upfirdn(x, k, pad=((p + 1) // 2, p // 2)), self.weight, stride=2)
        return y + self.bias[None, :, None, None]


class Resample(nn.Module):
    """layerspp.Upsample / Downsample (with_conv decides whether it has parameters)."""

    def __init__(self, cin, cout, up, with_conv, fir, taps):
        super().__init__()
        self.up, self.with_conv, self.fir = up, with_conv, fir
        self.register_buffer('k', fir_kernel_2d(taps), persistent=False)
        if with_conv and fir:
            self.Conv2d_0 = FirConv(cin, cout, up, taps)
        elif with_conv:
            self.Conv_0 = conv(cin, cout) if up else conv(cin, cout, stride=2, padding=0)

    def forward(self, x):
        if self.fir:
            if self.with_conv:
                return self.Conv2d_0(x)
            return upsample_fir(x, self.k) if self.up else downsample_fir(x, self.k)
        if self.up:
            y = F.interpolate(x, scale_factor=2, mode='nearest')
            return self.Conv_0(y) if self.with_conv else y
        if self.with_conv:
            return self.Conv_0(F.pad(x, (0, 1, 0, 1)))
        return F.avg_pool2d(x, 2)


class ResBlockBigGAN(nn.Module):
    def __init__(self, act, cin, cout, temb_dim, up, down, fir, taps, skip_rescale):
        super().__init__()
        self.act, self.up, self.down, self.fir, self.skip_rescale = act, up, down, fir, skip_rescale
        self.GroupNorm_0 = group_norm(cin)
        self.Conv_0 = conv(cin, cout)
        if temb_dim:
            self.Dense_0 = nn.Linear(temb_dim, cout)
        self.GroupNorm_1 = group_norm(cout)
        self.Dropout_0 = nn.Dropout(0.0)
        self.Conv_1 = conv(cout, cout)
        if cin != cout or up or down:
            self.Conv_2 = conv(cin, cout, size=1)
        self.register_buffer('k', fir_kernel_2d(taps), persistent=False)

    def resample(self, x):
        if self.up:
            return upsample_fir(x, self.k) if self.fir else F.interpolate(x, scale_factor=2, mode='nearest')
        if self.down:
            return downsample_fir(x, self.k) if self.fir else F.avg_pool2d(x, 2)
        return x

    def forward(self, x, temb):
        h = self.resample(self.act(self.GroupNorm_0(x)))
        x = self.resample(x)
        h = self.Conv_0(h)
        if temb is not None:
            h = h + self.Dense_0(self.act(temb))[:, :, None, None]
        h = self.Conv_1(self.Dropout_0(self.act(self.GroupNorm_1(h))))
        if hasattr(self, 'Conv_2'):
            x = self.Conv_2(x)
        return (x + h) / math.sqrt(2) if self.skip_rescale else x + h


class Combine(nn.Module):
    def __init__(self, cin, cout, method):
        super().__init__()
        self.Conv_0 = conv(cin, cout, size=1)
        self.method = method

    def forward(self, x, y):
        h = self.Conv_0(x)
        return torch.cat([h, y], 1) if self.method == 'cat' else h + y


class Fourier(nn.Module):
    def __init__(self, n, scale):
        super().__init__()
        self.W = nn.Parameter(torch.randn(n) * scale, requires_grad=False)

    def forward(self, s):
        p = s[:, None] * self.W[None, :] * 2 * math.pi
        return torch.cat([torch.sin(p), torch.cos(p)], 1)


def positional(t, dim):
    half = dim // 2
    f = torch.exp(torch.arange(half, dtype=torch.float32, device=t.device) * -(math.log(10000) / (half - 1)))
    e = t.float()[:, None] * f[None, :]
    e = torch.cat([torch.sin(e), torch.cos(e)], 1)
    return F.pad(e, (0, 1)) if dim % 2 == 1 else e


class NCSNpp(nn.Module):
    def __init__(self, config):
        super().__init__()
        m, d = config['model'], config['data']
        g = lambda key, default: m.get(key, default)  # noqa: E731
        if g('name', 'ncsnpp') != 'ncsnpp':
            raise ValueError(f"model.name {m.get('name')!r}: only ncsnpp (NCSN++/DDPM++) is written in torch here")
        if g('resblock_type', 'biggan') != 'biggan':
            raise ValueError(f"model.resblock_type {m.get('resblock_type')!r} is not covered (biggan only)")
        if g('progressive', 'none') not in ('none', 'output_skip'):
            raise ValueError(f"model.progressive {m.get('progressive')!r} is not covered (none, output_skip)")
        self.nf = nf = g('nf', 128)
        ch_mult = g('ch_mult', [1, 2, 2, 2])
        self.nres = g('num_res_blocks', 4)
        self.attn = set(g('attn_resolutions', [16]))
        self.conditional = g('conditional', True)
        self.fir, taps = g('fir', False), g('fir_kernel', [1, 3, 3, 1])
        self.skip = g('skip_rescale', True)
        self.prog, self.prog_in = g('progressive', 'none'), g('progressive_input', 'none')
        combine = g('progressive_combine', 'sum')
        self.emb = g('embedding_type', 'fourier')
        self.scale_by_sigma = g('scale_by_sigma', False)
        self.act = ACTS[g('nonlinearity', 'swish').lower()]
        self.centered = d.get('centered', False)
        ch = d['num_channels']
        self.levels = len(ch_mult)
        res = [d['image_size'] // 2 ** i for i in range(self.levels)]
        n, smin, smax = g('num_scales', 1000), g('sigma_min', 0.01), g('sigma_max', 50)
        self.register_buffer('sigmas', torch.exp(torch.linspace(math.log(smax), math.log(smin), n, dtype=torch.float64)).float())
        self.register_buffer('k', fir_kernel_2d(taps), persistent=False)

        mods = []
        if self.emb == 'fourier':
            mods.append(Fourier(nf, g('fourier_scale', 16)))
            edim = 2 * nf
        elif self.emb == 'positional':
            edim = nf
        else:
            raise ValueError(f'model.embedding_type {self.emb!r} is not supported')
        temb = None
        if self.conditional:
            mods += [nn.Linear(edim, 4 * nf), nn.Linear(4 * nf, 4 * nf)]
            temb = 4 * nf
        block = lambda cin, cout=None, up=False, down=False: ResBlockBigGAN(  # noqa: E731
            self.act, cin, cout or cin, temb, up, down, self.fir, taps, self.skip)
        pyr_ch = ch
        mods.append(conv(ch, nf))
        hs = [nf]
        cin = nf
        for i in range(self.levels):
            for _ in range(self.nres):
                mods.append(block(cin, nf * ch_mult[i]))
                cin = nf * ch_mult[i]
                if res[i] in self.attn:
                    mods.append(Attention(cin, self.skip))
                hs.append(cin)
            if i != self.levels - 1:
                mods.append(block(cin, down=True))
                if self.prog_in == 'input_skip':
                    mods.append(Combine(pyr_ch, cin, combine))
                    cin = cin * 2 if combine == 'cat' else cin
                elif self.prog_in == 'residual':
                    mods.append(Resample(pyr_ch, cin, False, True, self.fir, taps))
                    pyr_ch = cin
                hs.append(cin)
        mods += [block(cin), Attention(cin, self.skip), block(cin)]
        for i in reversed(range(self.levels)):
            for _ in range(self.nres + 1):
                mods.append(block(cin + hs.pop(), nf * ch_mult[i]))
                cin = nf * ch_mult[i]
            if res[i] in self.attn:
                mods.append(Attention(cin, self.skip))
            if self.prog == 'output_skip':
                mods += [group_norm(cin), conv(cin, ch)]
            if i != 0:
                mods.append(block(cin, up=True))
        if self.prog != 'output_skip':
            mods += [group_norm(cin), conv(cin, ch)]
        self.all_modules = nn.ModuleList(mods)

    def forward(self, x, labels):
        mods = iter(self.all_modules)
        if self.emb == 'fourier':
            used_sigmas = labels
            temb = next(mods)(torch.log(labels))
        else:
            used_sigmas = self.sigmas[labels.long()]
            temb = positional(labels, self.nf)
        if self.conditional:
            temb = next(mods)(temb)
            temb = next(mods)(self.act(temb))
        else:
            temb = None
        if not self.centered:
            x = 2 * x - 1
        pyr = x
        hs = [next(mods)(x)]
        for i in range(self.levels):
            for _ in range(self.nres):
                h = next(mods)(hs[-1], temb)
                if h.shape[-1] in self.attn:
                    h = next(mods)(h)
                hs.append(h)
            if i != self.levels - 1:
                h = next(mods)(hs[-1], temb)
                if self.prog_in == 'input_skip':
                    pyr = downsample_fir(pyr, self.k) if self.fir else F.avg_pool2d(pyr, 2)
                    h = next(mods)(pyr, h)
                elif self.prog_in == 'residual':
                    pyr = next(mods)(pyr)
                    pyr = (pyr + h) / math.sqrt(2) if self.skip else pyr + h
                    h = pyr
                hs.append(h)
        h = next(mods)(hs[-1], temb)
        h = next(mods)(h)
        h = next(mods)(h, temb)
        pyramid = None
        for i in reversed(range(self.levels)):
            for _ in range(self.nres + 1):
                h = next(mods)(torch.cat([h, hs.pop()], 1), temb)
            if h.shape[-1] in self.attn:
                h = next(mods)(h)
            if self.prog == 'output_skip':
                norm = next(mods)
                p = next(mods)(self.act(norm(h)))
                if pyramid is None:
                    pyramid = p
                else:
                    up = upsample_fir(pyramid, self.k) if self.fir else F.interpolate(pyramid, scale_factor=2, mode='nearest')
                    pyramid = up + p
            if i != 0:
                h = next(mods)(h, temb)
        if self.prog == 'output_skip':
            h = pyramid
        else:
            norm = next(mods)
            h = next(mods)(self.act(norm(h)))
        if self.scale_by_sigma:
            h = h / used_sigmas.reshape(-1, 1, 1, 1)
        return h
