#!/usr/bin/python3
"""PyTorch-eager mirror of one `PretrainBenchmark --one ENCODER LOSS ITEMS STEPS THREADS [PRECISION] [MOMENTS]`
measurement.

Usage (Debian's python3-torch, not a pyenv python):

    /usr/bin/python3 bench/peer/encoders.py ENCODER LOSS ITEMS STEPS THREADS [fp32|bf16] [full|row]

MOMENTS row keeps one second moment per embedding-table row (pretrain.table_moments: row, LazyAdamW's row-wise
tables); full (default) one per weight.
PRECISION bf16 runs the forward pass and the loss under torch.autocast("cpu", dtype=torch.bfloat16), as
Pretrainer's Autocast region does (pretrain.precision: bf16); fp32 (default) runs float32 throughout.
ENCODER: sasrec | hstu | trmplus | gru4rec | mamba; LOSS: FULL_SOFTMAX | SAMPLED_SOFTMAX (the Java enum names).
Prints one JSON line. Everything below is written line by line from the Java sources named in the comments
(src/main/java/dev/uqabench/...): the same data generator (java.util.Random(1), reimplemented bit for bit),
the same model, the same initialisation (a CPU generator seeded 42, the same draws in the same order), the same
training step (gathered table rows, full or sampled softmax with log-Q, clip_grad_norm_ 1.0, the hand-written
row-lazy AdamW), batch 8 x 200 events, warm-up 2 steps, then STEPS timed steps.
Where PyTorch 1.13 lacks an op libtorch 2.10 has (scaled_dot_product_attention, rms_norm) the op is written out as
libtorch's own composite ("math") implementation; a PyTorch that has both (2.4+) calls them, as a user of it would
(PEER_OPS=composite in the environment forces the written-out forms there too); see README.md.
"""
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 8            # PretrainBenchmark.BATCH
LENGTH = 200         # PretrainBenchmark.LENGTH (also the config's max_length)
WARMUP_STEPS = 2     # PretrainBenchmark.WARMUP_STEPS
SEED = 42            # PretrainConfig.defaults: seed
LEARNING_RATE = 1e-4 # PretrainBenchmark passes lr 1e-4 to trainStep directly (no schedule)
WEIGHT_DECAY = 0.01  # PretrainConfig.defaults
CLIP_NORM = 1.0      # PretrainConfig.defaults
NEGATIVES = 1024     # withLoss(loss, 1024)
# torch.rms_norm and F.scaled_dot_product_attention where this torch has them (2.4+), unless PEER_OPS=composite
NATIVE_OPS = (os.environ.get("PEER_OPS", "native") != "composite" and hasattr(torch, "rms_norm")
              and hasattr(F, "scaled_dot_product_attention"))

# PEER_MASKS=uqabench draws every dropout mask as nn.Dropout does (one seed from torch's global generator, then
# SplitMix64 16-bit lanes), so that run_encoders.py --check can compare losses with ours step by step; the timed runs
# keep torch.dropout (default PEER_MASKS=torch), as a user of PyTorch would write it.
UQABENCH_MASKS = os.environ.get("PEER_MASKS", "torch") == "uqabench"


def uqabench_mask(shape, dtype, p):
    """nn.Dropout.mask(shape, dtype, p, Dropout.seed()): keep element 4 w + l when lane l (bits 16 l..16 l + 15) of
    SplitMix64 word w of the seed is >= round(p * 65536); kept elements hold 65536 / (65536 - t) in dtype."""
    seed = torch.zeros(1, dtype=torch.long).random_(0, 2 ** 63 - 1).item()      # Dropout.seed()
    t = min(65535, math.floor(p * 65536 + 0.5))                                   # Dropout.threshold (Math.round)
    n = math.prod(shape)
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(1, (n + 3) // 4 + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    lanes = (z[:, None] >> np.array([0, 16, 32, 48], dtype=np.uint64)) & np.uint64(0xFFFF)
    keep = torch.from_numpy((lanes.reshape(-1)[:n] >= t).astype(np.uint8)).reshape(shape)
    return keep.to(dtype) * torch.full((1,), 65536.0 / (65536 - t), dtype=dtype)


def dropout(x, p, training):
    """torch.dropout, or with PEER_MASKS=uqabench nn.Dropout.apply."""
    if not UQABENCH_MASKS:
        return torch.dropout(x, p, training)
    if not training or p == 0:
        return x
    return x.mul(uqabench_mask(tuple(x.shape), x.dtype, p))


# data.Table: key and default embedding width, EnumSet (declaration) order
TABLES = [("item", 128), ("cate", 64), ("brand", 64), ("shop", 64), ("seller", 64), ("bpe", 64)]
TABLE_WIDTH = dict(TABLES)
# data.Feature in declaration order (= FeatureSet.TEXT.features(), the concatenation order): (name, table)
FEATURES = [("item", "item"), ("cate", "cate"), ("brand", "brand"), ("shop", "shop"), ("seller", "seller"),
            ("title_tokens", "bpe"), ("cate_tokens", "bpe"), ("shop_tokens", "bpe"), ("brand_tokens", "bpe"),
            ("seller_tokens", "bpe")]
# data.Event.TEXT_FEATURES: the order of Event.tokens (and of the generator's token draws)
EVENT_TOKEN_FEATURES = ["title_tokens", "cate_tokens", "shop_tokens", "brand_tokens", "seller_tokens"]
TOKEN_COUNTS = [16, 3, 4, 3, 4]  # PretrainBenchmark.users


def reference_sizes(items):
    """PretrainBenchmark.referenceSizes."""
    return {"item": items, "cate": 9_330, "brand": 149_750, "shop": 268_446, "seller": 268_446, "bpe": 151_936}


def _native_bf16():
    with open("/proc/cpuinfo") as f:
        flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    return "avx512_bf16" in flags or "amx_bf16" in flags


NATIVE_BF16 = _native_bf16()


def uqabench_composite(q, k, v, p):
    """nn.FusedAttention.composite with a Dropout mask on the weights (PEER_MASKS=uqabench), outside autocast: in
    autocast's dtype when it is on, float32 products for bf16 (but the weights, dropped in bf16, times the values in
    bf16 on a CPU with native bf16)."""
    origin = torch.get_autocast_dtype("cpu") if torch.is_autocast_enabled("cpu") else q.dtype
    compute = torch.float32 if origin in (torch.bfloat16, torch.float16) else origin
    with torch.autocast("cpu", enabled=False):
        qc, kc = (x.to(origin).to(compute) for x in (q, k))
        root = math.sqrt(1.0 / math.sqrt(q.size(-1)))
        scores = torch.matmul(qc * root, kc.transpose(-2, -1) * root)
        scores.masked_fill_(torch.triu(torch.ones(q.size(-2), k.size(-2)), 1).to(torch.bool), float("-inf"))
        weights = torch.softmax(scores, -1)
        if origin == torch.bfloat16 and NATIVE_BF16:      # the weights times the values in bf16 (CpuFeatures.nativeBf16)
            return torch.matmul(dropout(weights.to(origin), p, True), v.to(origin))
        return torch.matmul(dropout(weights, p, True), v.to(origin).to(compute)).to(origin)


# ---------------------------------------------------------------------------------------------------------------
# java.util.Random and java.util.SplittableRandom (JDK 17), bit for bit, so the data and the negatives are Java's
# ---------------------------------------------------------------------------------------------------------------
MASK64 = (1 << 64) - 1


def _signed64(x):
    x &= MASK64
    return x - (1 << 64) if x >> 63 else x


def _bounded(next_long, bound):
    """RandomSupport.boundedNextLong(rng, bound) (= boundedNextLong(rng, 0, bound) used by Random.longs)."""
    m = bound - 1
    r = next_long()
    if bound & m == 0:
        return r & m
    u = (r & MASK64) >> 1
    while True:
        r = u % bound
        if _signed64(u + m - r) >= 0:
            return r
        u = (next_long() & MASK64) >> 1


class JavaRandom:
    _MULT = 0x5DEECE66D
    _MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self._MULT) & self._MASK

    def _next32(self):
        self.seed = (self.seed * self._MULT + 0xB) & self._MASK
        r = self.seed >> 16
        return r - (1 << 32) if r & (1 << 31) else r

    def next_long(self):
        return _signed64((self._next32() << 32) + self._next32())

    def next_long_bounded(self, bound):
        return _bounded(self.next_long, bound)


class SplittableRandom:
    _GOLDEN_GAMMA = 0x9E3779B97F4A7C15

    def __init__(self, seed):
        self.seed = seed & MASK64

    def next_long(self):
        self.seed = (self.seed + self._GOLDEN_GAMMA) & MASK64
        z = self.seed
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return _signed64(z ^ (z >> 31))

    def next_long_bounded(self, bound):
        return _bounded(self.next_long, bound)


def make_users(count, sizes, random):
    """PretrainBenchmark.users: per event the five token lists (16/3/4/3/4 ids), then item, cate, brand, shop,
    seller. A user is a dict of numpy arrays: id features [T], token features [T, n]."""
    users = []
    for _ in range(count):
        columns = {name: [] for name, _ in FEATURES}
        for _ in range(LENGTH):
            for feature, n in zip(EVENT_TOKEN_FEATURES, TOKEN_COUNTS):
                columns[feature].append([random.next_long_bounded(sizes["bpe"]) for _ in range(n)])
            for feature in ("item", "cate", "brand", "shop", "seller"):
                columns[feature].append(random.next_long_bounded(sizes[feature]))
        users.append({name: np.asarray(values, dtype=np.int64) for name, values in columns.items()})
    return users


# ---------------------------------------------------------------------------------------------------------------
# nn.Init / nn.Linear / nn.LayerNorm / nn.RmsNorm
# ---------------------------------------------------------------------------------------------------------------
class Init:
    """nn.Init: every draw from one explicit CPU generator (torch.createCPUGenerator(seed))."""

    def __init__(self, seed):
        self.g = torch.Generator().manual_seed(seed)

    def normal(self, std, *shape):
        return torch.empty(shape).normal_(0.0, std, generator=self.g)

    def uniform(self, bound, *shape):
        return torch.empty(shape).uniform_(-bound, bound, generator=self.g)

    def xavier_uniform(self, out, inn):
        return self.uniform(math.sqrt(6.0 / (inn + out)), out, inn)

    def truncated_normal(self, std, *shape):
        # Init.truncatedNormalUnscoped: in place, 4 redraw rounds, then clamp; temporaries freed each round
        x = torch.empty(shape).normal_(0.0, 1.0, generator=self.g)
        for _ in range(4):
            magnitude = x.abs()
            outside = magnitude.gt(2.0)
            del magnitude
            redraw = torch.empty(shape).normal_(0.0, 1.0, generator=self.g)
            torch.where(outside, redraw, x, out=x)
            del outside, redraw
        x.clamp_(-2.0, 2.0)
        return x.mul_(std).contiguous()


class Linear(nn.Module):
    def __init__(self, weight, bias):
        super().__init__()
        self.weight = nn.Parameter(weight)
        self.bias = None if bias is None else nn.Parameter(bias)

    @staticmethod
    def pytorch_default(init, inn, out, bias):
        bound = 1.0 / math.sqrt(inn)
        w = init.uniform(bound, out, inn)
        return Linear(w, init.uniform(bound, out) if bias else None)

    @staticmethod
    def normal(init, inn, out, std, bias):
        return Linear(init.normal(std, out, inn), torch.zeros(out) if bias else None)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


class LayerNorm(nn.Module):
    def __init__(self, size, eps=1e-5):
        super().__init__()
        self.size, self.eps = size, eps
        self.weight = nn.Parameter(torch.ones(size))
        self.bias = nn.Parameter(torch.zeros(size))

    def forward(self, x):
        return F.layer_norm(x, [self.size], self.weight, self.bias, self.eps)


def rms_norm(x, weight, eps):
    """torch.rms_norm does not exist in 1.13: libtorch's composite implementation of it (layer_norm.cpp),
    rsqrt(mean(x^2) + eps) * x, then times the weight. torch.rms_norm itself where it exists (NATIVE_OPS)."""
    if NATIVE_OPS:
        return torch.rms_norm(x, [x.size(-1)], weight, eps)
    return x.mul(torch.rsqrt(x.pow(2).mean(-1, keepdim=True).add_(eps))).mul(weight)


class RmsNorm(nn.Module):
    def __init__(self, size, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(size))

    def forward(self, x):
        return rms_norm(x, self.weight, self.eps)


def causal_attention(q, k, v, dropout, training):
    """torch.scaled_dot_product_attention(q, k, v, None, p, is_causal=True) on the CPU as libtorch 2.10 runs it in
    training: its CPU flash kernel refuses dropout > 0 (sdp_utils_cpp check_for_dropout), so the math path runs:
    q and k each scaled by sqrt(1/sqrt(d)), QK^T, a -inf upper triangle added, softmax, dropout, times V.
    Without dropout (p == 0, or eval) libtorch would take its fused flash kernel, which 1.13 does not have.
    A torch that has the op (NATIVE_OPS) calls it, and so chooses its kernel itself, as ours does."""
    if UQABENCH_MASKS and dropout > 0 and training:
        return uqabench_composite(q, k, v, dropout)
    if NATIVE_OPS:
        return F.scaled_dot_product_attention(q, k, v, dropout_p=dropout if training else 0.0, is_causal=True)
    scale = math.sqrt(1.0 / math.sqrt(q.size(-1)))
    t, s = q.size(-2), k.size(-2)
    mask = torch.ones(t, s, dtype=torch.bool).tril()
    mask = torch.zeros(t, s).masked_fill(mask.logical_not(), float("-inf"))
    attn = torch.matmul(q * scale, k.transpose(-2, -1) * scale)
    attn.add_(mask)
    attn = torch.softmax(attn, -1)
    if dropout > 0 and training:
        attn = torch.dropout(attn, dropout, True)
    return torch.matmul(attn, v)


# ---------------------------------------------------------------------------------------------------------------
# encoders (encoder/<name>/*.java); presets are the `paper` ones
# ---------------------------------------------------------------------------------------------------------------
class SasRecBlock(nn.Module):
    def __init__(self, c, init):
        super().__init__()
        h = c["hidden"]
        self.heads, self.dropout = c["heads"], c["dropout"]
        self.qkv = Linear(init.xavier_uniform(3 * h, h), torch.zeros(3 * h))
        self.output = Linear.normal(init, h, h, 0.02, True)
        self.norm1 = LayerNorm(h)
        self.ffn_in = Linear.normal(init, h, c["ffn"], 0.02, True)
        self.ffn_out = Linear.normal(init, c["ffn"], h, 0.02, True)
        self.norm2 = LayerNorm(h)

    def forward(self, x):
        b, t, h = x.shape
        d = h // self.heads
        q, k, v = (p.view(b, t, self.heads, d).transpose(1, 2) for p in self.qkv(x).split(h, 2))
        attended = causal_attention(q, k, v, self.dropout, self.training)
        merged = attended.transpose(1, 2).reshape(b, t, h)
        x = self.norm1(x.add(dropout(self.output(merged), self.dropout, self.training)))
        inner = dropout(self.ffn_in(x).relu(), self.dropout, self.training)
        return self.norm2(x.add(dropout(self.ffn_out(inner), self.dropout, self.training)))


class SasRec(nn.Module):
    PAPER = dict(hidden=512, blocks=6, heads=8, ffn=1536, dropout=0.1)

    def __init__(self, c, max_length, init):
        super().__init__()
        self.positions = nn.Parameter(init.normal(0.02, max_length, c["hidden"]))
        self.blocks = nn.ModuleList([SasRecBlock(c, init) for _ in range(c["blocks"])])
        self.final_norm = LayerNorm(c["hidden"])

    def forward(self, events, lengths):
        x = events.add(self.positions.narrow(0, 0, events.size(1)))
        for block in self.blocks:
            x = block(x)
        return self.final_norm(x)


class HstuBlock(nn.Module):
    def __init__(self, c, max_length, init):
        super().__init__()
        self.c = c
        self.normaliser = float(max_length)
        width = 2 * c["heads"] * (c["linear"] + c["attention"])
        self.uvqk = nn.Parameter(init.normal(0.02, c["hidden"], width))
        lw = c["heads"] * c["linear"]
        w = init.xavier_uniform(c["hidden"], lw)
        self.output = Linear(w, init.uniform(1 / math.sqrt(lw), c["hidden"]))

    def forward(self, x, mask):
        b, t, _ = x.shape
        heads, lin, att = self.c["heads"], self.c["linear"], self.c["attention"]
        normed = F.layer_norm(x, [self.c["hidden"]], None, None, 1e-6)
        projected = F.silu(torch.matmul(normed, self.uvqk))
        u, v, q, k = projected.split([heads * lin, heads * lin, heads * att, heads * att], 2)
        v = v.view(b, t, heads, lin).transpose(1, 2)
        q = q.view(b, t, heads, att).transpose(1, 2)
        k = k.view(b, t, heads, att).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(2, 3))
        weights = F.silu(scores).div(self.normaliser).mul(mask)
        attended = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, heads * lin)
        attended_norm = F.layer_norm(attended, [heads * lin], None, None, 1e-6)
        gated = u.mul(attended_norm)
        return self.output(dropout(gated, self.c["dropout"], self.training)).add(x)


class Hstu(nn.Module):
    PAPER = dict(hidden=512, blocks=4, heads=8, attention=256, linear=256, dropout=0.1)  # relative bias off

    def __init__(self, c, max_length, init):
        super().__init__()
        self.blocks = nn.ModuleList([HstuBlock(c, max_length, init) for _ in range(c["blocks"])])

    def forward(self, events, lengths):
        t = events.size(1)
        mask = torch.tril(torch.ones(t, t))
        x = events
        for block in self.blocks:
            x = block(x, mask)
        return x


def rotate(x, cos, sin):
    half = x.size(3) // 2
    x1, x2 = x.narrow(3, 0, half), x.narrow(3, half, half)
    return x.mul(cos).add(torch.cat([x2.neg(), x1], 3).mul(sin))


class TrmPlusBlock(nn.Module):
    def __init__(self, c, init):
        super().__init__()
        self.c = c
        d, f, std = c["hidden"], c["ffn"], 0.02
        out_std = std / math.sqrt(2.0 * c["layers"])
        self.attention_norm = RmsNorm(d)
        self.query = Linear.normal(init, d, d, std, False)
        self.key = Linear.normal(init, d, d, std, False)
        self.value = Linear.normal(init, d, d, std, False)
        self.output = Linear.normal(init, d, d, out_std, False)
        self.ffn_norm = RmsNorm(d)
        self.up = Linear.normal(init, d, f, std, False)
        self.gate = Linear.normal(init, d, f, std, False)
        self.down = Linear.normal(init, f, d, out_std, False)

    def forward(self, x, cos, sin):
        b, t, _ = x.shape
        heads = self.c["heads"]
        hs = self.c["hidden"] // heads
        p = self.c["dropout"]
        h = self.attention_norm(x)
        q = rotate(self.query(h).view(b, t, heads, hs).transpose(1, 2), cos, sin)
        k = rotate(self.key(h).view(b, t, heads, hs).transpose(1, 2), cos, sin)
        v = self.value(h).view(b, t, heads, hs).transpose(1, 2)
        attended = causal_attention(q, k, v, p, self.training)
        merged = attended.transpose(1, 2).reshape(b, t, self.c["hidden"])
        x = x.add(dropout(self.output(merged), p, self.training))
        g = self.ffn_norm(x)
        inner = F.silu(self.gate(g)).mul(self.up(g))
        return x.add(dropout(self.down(inner), p, self.training))


class TrmPlus(nn.Module):
    # ffn = TrmPlusConfig.referenceFfnSize(512) = 256 * ceil(int(8/3 * 512) / 256) = 1536
    PAPER = dict(hidden=512, layers=4, heads=4, ffn=256 * ((int(8.0 / 3.0 * 512) + 255) // 256), dropout=0.1,
                 rope_base=10000.0)

    def __init__(self, c, max_length, init):
        super().__init__()
        self.c = c
        self.blocks = nn.ModuleList([TrmPlusBlock(c, init) for _ in range(c["layers"])])

    def forward(self, events, lengths):
        t = events.size(1)
        hs = self.c["hidden"] // self.c["heads"]
        inverse = torch.pow(self.c["rope_base"], torch.arange(0, hs, 2).float().div(float(hs))).reciprocal()
        angles = torch.outer(torch.arange(t).float(), inverse)
        angles = torch.cat([angles, angles], 1)
        cos, sin = angles.cos(), angles.sin()
        x = events
        for block in self.blocks:
            x = block(x, cos, sin)
        return x


class Gru4Rec(nn.Module):
    PAPER = dict(hidden=512, layers=2, gru=1024, dropout=0.1)

    def __init__(self, c, max_length, init):
        super().__init__()
        self.c = c
        g = c["gru"]
        self.weights = nn.ParameterList()
        for layer in range(c["layers"]):
            inn = c["hidden"] if layer == 0 else g
            ih = init.xavier_uniform(3 * g, inn) if layer == 0 else init.uniform(1 / math.sqrt(g), 3 * g, inn)
            hh = init.xavier_uniform(3 * g, g) if layer == 0 else init.uniform(1 / math.sqrt(g), 3 * g, g)
            self.weights.append(nn.Parameter(ih))
            self.weights.append(nn.Parameter(hh))
        self.dense = Linear.pytorch_default(init, g, c["hidden"], True)
        self.norm = LayerNorm(c["hidden"])

    def forward(self, events, lengths):
        initial = torch.zeros(self.c["layers"], events.size(0), self.c["gru"])
        # the fused ATen GRU (torch::gru), no biases, batch_first, as Gru4Rec.forward calls it
        outputs, _ = torch.gru(events, initial, list(self.weights), False, self.c["layers"], 0.0, self.training,
                               False, True)
        # torch.dropout(outputs, p, train) as libtorch 2.10 computes it (_dropout_impl): the noise is
        # empty_like(input), which keeps the strides of this transposed GRU output, filled by bernoulli_ in memory
        # order, then input * noise / (1 - p). 1.13's torch.dropout makes the noise contiguous instead, so its mask
        # would land on other elements; same work either way.
        p = self.c["dropout"]
        if self.training and p > 0 and UQABENCH_MASKS:
            dropped = dropout(outputs, p, True)
        elif self.training and p > 0:
            noise = torch.empty_like(outputs).bernoulli_(1 - p).div_(1 - p)
            dropped = outputs.mul(noise)
        else:
            dropped = outputs
        return self.norm(self.dense(dropped))


def segment_sum(x):
    """SsdScan.segmentSum."""
    n = x.size(-1)
    cumulative = x.cumsum(-1)
    differences = cumulative.unsqueeze(-1).sub(cumulative.unsqueeze(-2))
    upper = torch.triu(torch.ones(n, n), 1).to(torch.bool)
    return differences.masked_fill(upper, float("-inf"))


def ssd_chunked(x, decay, b, c, chunk):
    """SsdScan.chunked: the Mamba-2 state-space-duality scan with plain matmuls/einsums, line by line."""
    batch, time_, heads, head_size = x.shape
    state = b.size(2)
    chunks = (time_ + chunk - 1) // chunk
    padded = chunks * chunk
    if padded != time_:
        extra = padded - time_
        x = torch.constant_pad_nd(x, [0, 0, 0, 0, 0, extra])
        decay = torch.constant_pad_nd(decay, [0, 0, 0, extra])
        b = torch.constant_pad_nd(b, [0, 0, 0, extra])
        c = torch.constant_pad_nd(c, [0, 0, 0, extra])
    l = chunk
    xs = x.view(batch, chunks, l, heads, head_size)
    bs = b.view(batch, chunks, l, state)
    cs = c.view(batch, chunks, l, state)
    a = decay.view(batch, chunks, l, heads).permute(0, 3, 1, 2)
    a_cumsum = a.cumsum(3)
    within = segment_sum(a).exp()
    scores = torch.einsum("bcln,bcsn->bcls", cs, bs).unsqueeze(1).mul(within)
    y_diagonal = torch.einsum("bhcls,bcshp->bclhp", scores, xs)
    to_end = a_cumsum.narrow(3, l - 1, 1).sub(a_cumsum).exp()
    states = torch.einsum("bcln,bhcl,bclhp->bchpn", bs, to_end, xs)
    zero = torch.zeros(batch, 1, heads, head_size, state)
    states = torch.cat([zero, states], 1)
    chunk_decay = torch.constant_pad_nd(a_cumsum.select(3, l - 1), [1, 0])
    across = segment_sum(chunk_decay).exp()
    carried = torch.einsum("bhzc,bchpn->bzhpn", across, states).narrow(1, 0, chunks)
    from_start = a_cumsum.exp()
    y_carried = torch.einsum("bcln,bchpn,bhcl->bclhp", cs, carried, from_start)
    return y_diagonal.add(y_carried).reshape(batch, padded, heads, head_size).narrow(1, 0, time_)


class Mamba2Mixer(nn.Module):
    def __init__(self, c, init):
        super().__init__()
        self.c = c
        d, inner, n, heads = c["hidden"], c["inner"], c["state"], c["heads"]
        conv_channels = inner + 2 * n
        self.in_proj = Linear.pytorch_default(init, d, 2 * inner + 2 * n + heads, False)
        bound = 1 / math.sqrt(c["kernel"])
        self.conv_weight = nn.Parameter(init.uniform(bound, conv_channels, 1, c["kernel"]))
        self.conv_bias = nn.Parameter(init.uniform(bound, conv_channels))
        dt = init.uniform(0.5, heads).add(0.5).mul(math.log(0.1) - math.log(0.001)).add(math.log(0.001)).exp() \
            .clamp_min(1e-4)
        self.dt_bias = nn.Parameter(dt.add(torch.log(torch.expm1(dt.neg()).neg())))
        self.A_log = nn.Parameter(init.uniform(7.5, heads).add(8.5).log())
        self.D = nn.Parameter(torch.ones(heads))
        self.norm = RmsNorm(inner)
        self.out_proj = Linear(init.uniform(1 / math.sqrt(inner), d, inner).div(math.sqrt(c["layers"])), None)

    def forward(self, x):
        batch, time_, _ = x.shape
        inner, n, heads, p = self.c["inner"], self.c["state"], self.c["heads"], self.c["head"]
        z, xbc, dt_raw = self.in_proj(x).split([inner, inner + 2 * n, heads], 2)
        convolved = F.conv1d(xbc.transpose(1, 2), self.conv_weight, self.conv_bias, 1, self.c["kernel"] - 1, 1,
                             inner + 2 * n).narrow(2, 0, time_).transpose(1, 2)
        u, b, c = F.silu(convolved).split([inner, n, n], 2)
        u = u.view(batch, time_, heads, p)
        dt = F.softplus(dt_raw.add(self.dt_bias))
        a = self.A_log.exp().neg()
        y = ssd_chunked(u.mul(dt.unsqueeze(3)), dt.mul(a), b, c, self.c["chunk"])
        y = y.add(u.mul(self.D.view(heads, 1))).reshape(batch, time_, inner)
        return self.out_proj(self.norm(y.mul(F.silu(z))))


class Mamba4Rec(nn.Module):
    PAPER = dict(hidden=512, layers=4, state=128, expand=2, head=64, kernel=4, chunk=64)

    def __init__(self, c, max_length, init):
        super().__init__()
        c = dict(c, inner=c["expand"] * c["hidden"], heads=c["expand"] * c["hidden"] // c["head"])
        self.norms = nn.ModuleList()
        self.mixers = nn.ModuleList()
        for _ in range(c["layers"]):
            self.norms.append(RmsNorm(c["hidden"]))
            self.mixers.append(Mamba2Mixer(c, init))

    def forward(self, events, lengths):
        x = events
        for norm, mixer in zip(self.norms, self.mixers):
            x = x.add(mixer(norm(x)))
        return x


ENCODERS = {"sasrec": SasRec, "hstu": Hstu, "trmplus": TrmPlus, "gru4rec": Gru4Rec, "mamba": Mamba4Rec}


# ---------------------------------------------------------------------------------------------------------------
# encoder.FeatureEmbedding, encoder.UserModel, encoder.EventBatch, encoder.GatheredRows
# ---------------------------------------------------------------------------------------------------------------
class FeatureEmbedding(nn.Module):
    def __init__(self, sizes, hidden, init):
        super().__init__()
        self.sizes = sizes
        self.bags = nn.ParameterDict()
        for table, width in TABLES:
            self.bags[table] = nn.Parameter(init.truncated_normal(0.02, sizes[table], width))
        concatenated = sum(TABLE_WIDTH[table] for _, table in FEATURES)   # 704
        self.projection = Linear.pytorch_default(init, concatenated, hidden, True)

    def forward(self, batch, gathered):
        parts = []
        for feature, table in FEATURES:
            if gathered is not None and table in gathered.rows:
                weight = gathered.rows[table]
                values = gathered.local_index(table, batch.values[feature])
            else:
                weight = self.bags[table]
                values = torch.from_numpy(batch.values[feature])
            # one mean bag per (row, position): aten::embedding_bag(weight, ids, offsets, scale_grad=False,
            # mode=1 (mean), sparse=False, per_sample_weights=None, include_last_offset=False)
            parts.append(torch.embedding_bag(weight, values, torch.from_numpy(batch.offsets[feature]), False, 1,
                                             False, None, False)[0])
        concatenated = torch.cat(parts, 1)
        projected = self.projection(concatenated)
        return projected.view(batch.batch_size, batch.time, projected.size(1))

    def validate(self, batch):
        for feature, table in FEATURES:
            values = batch.values[feature]
            if values.size and values.max() >= self.sizes[table]:
                raise ValueError(f"id {values.max()} is outside table {table}")


class UserModel(nn.Module):
    def __init__(self, encoder_name, sizes, init):
        super().__init__()
        kind = ENCODERS[encoder_name]
        # EncoderCheckpoint.newModel: the encoder first, then the embedding, then the item projection
        self.encoder = kind(kind.PAPER, LENGTH, init)
        hidden = kind.PAPER["hidden"]
        self.embedding = FeatureEmbedding(sizes, hidden, init)
        self.item_projection = Linear.pytorch_default(init, hidden, TABLE_WIDTH["item"], True)

    def states(self, batch, gathered):
        events = self.embedding(batch, gathered)
        return self.encoder(events, torch.from_numpy(batch.lengths))

    def queries(self, states):
        return self.item_projection(states)

    def score_all(self, queries):
        return F.linear(queries, self.embedding.bags["item"])


IGNORE = -100


class EventBatch:
    """EventBatch.lastEvents with identity table rows: right padding, one bag per (row, position, feature)."""

    def __init__(self, users, max_length):
        self.batch_size = len(users)
        lengths = np.array([min(len(u["item"]), max_length) for u in users], dtype=np.int64)
        starts = [len(u["item"]) - n for u, n in zip(users, lengths)]
        self.time = max(1, int(lengths.max()))
        self.lengths = lengths
        labels = np.full(self.batch_size * self.time, IGNORE, dtype=np.int64)
        for b, u in enumerate(users):
            n = lengths[b]
            labels[b * self.time: b * self.time + n - 1] = u["item"][starts[b] + 1: starts[b] + n]
        self.labels = labels
        self.values, self.offsets = {}, {}
        for feature, _ in FEATURES:
            chunks, counts = [], np.zeros(self.batch_size * self.time, dtype=np.int64)
            for b, u in enumerate(users):
                column = u[feature][starts[b]: starts[b] + lengths[b]]
                per_event = 1 if column.ndim == 1 else column.shape[1]
                chunks.append(column.reshape(-1))
                counts[b * self.time: b * self.time + lengths[b]] = per_event
            self.values[feature] = np.concatenate(chunks)
            offsets = np.zeros_like(counts)
            np.cumsum(counts[:-1], out=offsets[1:])
            self.offsets[feature] = offsets


class GatheredRows:
    """GatheredRows.gather: the sorted unique rows a step reads, as detached leaves that take gradients."""

    def __init__(self, model, batch, tables, extra_item_ids):
        model.embedding.validate(batch)
        self.ids, self.rows = {}, {}
        for table in tables:
            parts = [batch.values[f] for f, t in FEATURES if t == table]
            if table == "item" and extra_item_ids is not None:
                parts.append(extra_item_ids)
            unique = np.unique(np.concatenate(parts))
            leaf = model.embedding.bags[table].index_select(0, torch.from_numpy(unique)).detach()
            leaf.requires_grad_(True)
            self.ids[table] = unique
            self.rows[table] = leaf

    def local_index(self, table, global_ids):
        return torch.from_numpy(np.searchsorted(self.ids[table], global_ids))


# ---------------------------------------------------------------------------------------------------------------
# train.LazyAdamW
# ---------------------------------------------------------------------------------------------------------------
class LazyAdamW:
    BETA1, BETA2, EPS = 0.9, 0.999, 1e-8

    def __init__(self, named_parameters, weight_decay, decayed, row_wise=lambda name: False):
        self.params = dict(named_parameters)
        self.m = {n: torch.zeros_like(p) for n, p in self.params.items()}
        self.row_wise = {n for n, p in self.params.items() if p.dim() == 2 and row_wise(n)}
        self.v = {n: torch.zeros(p.size(0), 1) if n in self.row_wise else torch.zeros_like(p)
                  for n, p in self.params.items()}
        self.weight_decay, self.decayed, self.step_count = weight_decay, decayed, 0

    def update_second_moment(self, name, v, g):
        """LazyAdamW.updateSecondMoment: v = b2 v + (1 - b2) g^2, row-wise as the mean of g^2 over each row."""
        v.mul_(self.BETA2)
        if name in self.row_wise:
            return v.add_(g.square().mean(1, keepdim=True), alpha=1 - self.BETA2)
        return v.addcmul_(g, g, value=1 - self.BETA2)

    @torch.no_grad()
    def begin_step(self, lr):
        self.step_count += 1
        c1 = 1 - self.BETA1 ** self.step_count
        c2 = 1 - self.BETA2 ** self.step_count
        for name, p in self.params.items():
            g = p.grad
            if g is None:
                continue
            m, v = self.m[name], self.v[name]
            m.mul_(self.BETA1).add_(g, alpha=1 - self.BETA1)
            self.update_second_moment(name, v, g)
            if self.weight_decay > 0 and p.dim() >= 2 and self.decayed(name):
                p.mul_(1 - lr * self.weight_decay)
            denominator = v.sqrt().mul_(1 / math.sqrt(c2)).add_(self.EPS)
            p.addcdiv_(m, denominator, value=-lr / c1)

    @torch.no_grad()
    def step_rows(self, name, ids, row_gradient, lr):
        p = self.params[name]
        c1 = 1 - self.BETA1 ** self.step_count
        c2 = 1 - self.BETA2 ** self.step_count
        index = torch.from_numpy(ids)
        m = self.m[name].index_select(0, index).mul_(self.BETA1).add_(row_gradient, alpha=1 - self.BETA1)
        v = self.update_second_moment(name, self.v[name].index_select(0, index), row_gradient)
        rows = p.index_select(0, index)
        denominator = v.sqrt().mul_(1 / math.sqrt(c2)).add_(self.EPS)
        rows.addcdiv_(m, denominator, value=-lr / c1)
        p.index_copy_(0, index, rows)
        self.m[name].index_copy_(0, index, m)
        self.v[name].index_copy_(0, index, v)

    def zero_grad(self):
        for p in self.params.values():
            if p.grad is not None:
                p.grad.zero_()   # zeroed in place, kept defined, as LazyAdamW.zeroGrad


# ---------------------------------------------------------------------------------------------------------------
# pretrain.Pretrainer.trainStep (one process)
# ---------------------------------------------------------------------------------------------------------------
TABLE_PREFIX = "embedding.bags."


class Trainer:
    def __init__(self, encoder, loss, items, sizes, moments="full"):
        torch.set_flush_denormal(True)  # EncoderCheckpoint.newModel: Context.setFlushDenormal(true)
        self.sampled = loss == "SAMPLED_SOFTMAX"
        self.items = items
        self.model = UserModel(encoder, sizes, Init(SEED))
        self.model.train(True)   # libtorch modules start in training mode; the benchmark never changes it
        self.named = list(self.model.named_parameters())
        self.optimizer = LazyAdamW(self.named, WEIGHT_DECAY, lambda name: not name.startswith(TABLE_PREFIX),
                                   lambda name: moments == "row" and name.startswith(TABLE_PREFIX))
        self.item_counts = torch.zeros(items) if self.sampled else None
        self.counted_targets = 0
        self.bf16 = False

    def candidates(self, targets, step):
        """Pretrainer.candidates: the targets plus 1024 SplittableRandom negatives, sorted and unique."""
        random = SplittableRandom(SEED * 2_654_435_761 + step)
        negatives = [random.next_long_bounded(self.items) for _ in range(NEGATIVES)]
        return np.unique(np.concatenate([targets, np.asarray(negatives, dtype=np.int64)]))

    def sampled_loss(self, queries, gathered, targets, candidates, batch_targets):
        n = len(targets)
        candidate_rows = gathered.rows["item"].index_select(0, gathered.local_index("item", candidates))
        logits = F.linear(queries, candidate_rows).float()
        counts = self.item_counts.index_select(0, torch.from_numpy(candidates))
        expected = counts.add(1.0).mul(batch_targets / (self.counted_targets + self.items)) \
            .add(NEGATIVES / self.items)
        corrected = logits.sub(expected.log())
        labels = np.searchsorted(candidates, targets)
        return F.nll_loss(torch.log_softmax(corrected, 1), torch.from_numpy(labels))

    def train_step(self, users, step, lr):
        batch = EventBatch(users, LENGTH)
        keep = batch.labels != IGNORE
        positions = np.nonzero(keep)[0]
        targets = batch.labels[keep]
        n = len(targets)
        events = int(batch.lengths.sum())
        candidates = self.candidates(targets, step) if self.sampled else None
        tables = [t for t, _ in TABLES if self.sampled or t != "item"]
        gathered = GatheredRows(self.model, batch, tables, candidates)
        torch.manual_seed(SEED * 1_000_003 + step)
        # Pretrainer's Autocast region: forward pass and loss only, log-softmax in float32
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bf16):
            states = self.model.states(batch, gathered)
            flat = states.reshape(-1, states.size(2))
            selected = flat.index_select(0, torch.from_numpy(positions))
            queries = self.model.queries(selected)
            if self.sampled:
                loss = self.sampled_loss(queries, gathered, targets, candidates, n)
            else:
                loss = F.nll_loss(torch.log_softmax(self.model.score_all(queries).float(), 1),
                                  torch.from_numpy(targets))
        value = loss.item()
        if not math.isfinite(value):
            raise RuntimeError(f"loss {value} at step {step}")
        loss.backward()
        clipped = [p for _, p in self.named] + [gathered.rows[t] for t in gathered.rows]
        norm = torch.nn.utils.clip_grad_norm_(clipped, CLIP_NORM)
        if not math.isfinite(float(norm)):
            raise RuntimeError(f"gradient norm {norm} at step {step}")
        self.optimizer.begin_step(lr)
        for table in gathered.rows:
            self.optimizer.step_rows(TABLE_PREFIX + table, gathered.ids[table], gathered.rows[table].grad, lr)
        self.optimizer.zero_grad()
        if self.sampled:
            with torch.no_grad():
                self.item_counts.index_add_(0, torch.from_numpy(targets), torch.ones(n))
            self.counted_targets += n
        return value, events


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int("".join(ch for ch in line if ch.isdigit())) // 1024
    return -1


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    encoder, loss, items, steps, threads = argv[0], argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    precision = argv[5] if len(argv) > 5 else "fp32"
    if precision not in ("fp32", "bf16"):
        print(f"unknown precision: {precision} (fp32 or bf16)", file=sys.stderr)
        return 2
    moments = argv[6] if len(argv) > 6 else "full"
    if moments not in ("full", "row"):
        print(f"unknown table moments: {moments} (full or row)", file=sys.stderr)
        return 2
    if encoder not in ENCODERS or loss not in ("FULL_SOFTMAX", "SAMPLED_SOFTMAX"):
        print(f"unknown encoder or loss: {encoder} {loss}", file=sys.stderr)
        return 2
    torch.set_num_threads(threads)
    # libtorch's C++ einsum contracts left to right; 1.13's Python einsum would reorder with opt_einsum
    if hasattr(torch.backends, "opt_einsum"):
        torch.backends.opt_einsum.enabled = False
    sizes = reference_sizes(items)
    users = make_users(BATCH * (WARMUP_STEPS + steps), sizes, JavaRandom(1))
    trainer = Trainer(encoder, loss, items, sizes, moments)
    trainer.bf16 = precision == "bf16"
    encoder_parameters = sum(p.numel() for p in trainer.model.encoder.parameters())
    losses, events, start, cpu_start = [], 0, 0.0, 0.0
    for step in range(WARMUP_STEPS + steps):
        if step == WARMUP_STEPS:
            start, cpu_start = time.perf_counter(), time.process_time()
        value, step_events = trainer.train_step(users[step * BATCH:(step + 1) * BATCH], step + 1, LEARNING_RATE)
        losses.append(round(value, 6))
        if step >= WARMUP_STEPS:
            events += step_events
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start
    print(json.dumps({
        "side": "pytorch", "encoder": encoder, "loss": loss, "items": items,
        "encoder_parameters": encoder_parameters,
        "model_parameters": sum(p.numel() for p in trainer.model.parameters()),
        "events_per_s": events / seconds, "s_per_step": seconds / steps, "cpu_s_per_step": cpu_seconds / steps,
        "peak_rss_mib": peak_rss_mib(), "losses": losses, "steps": steps, "warmup_steps": WARMUP_STEPS,
        "torch": torch.__version__, "threads": torch.get_num_threads(), "precision": precision,
        "ops": "native" if NATIVE_OPS else "composite",
        "table_moments": moments,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
