#!/usr/bin/python3
"""Would inductor/IPEX-style fusions make the Qwen2.5-0.5B-shaped decoder faster on this CPU?

A PyTorch-only probe (no uqabench code): a random bf16 decoder of Qwen2.5-0.5B's block shape (hidden 896, 24 layers,
14 heads, 2 KV heads, FFN 4864; no embedding or head), one thread, no gradients. Three forms of the same pass,
alternated in one process, ROUNDS rounds, median seconds per pass:
  plain       what bench/peer/decoder.py and llm.Decoder run: separate q/k/v/o, gate/up/down products on plain
              weights (oneDNN reorders them per call), silu * up and the residual adds as their own operators;
  fusedplain  q/k/v as one product (one [1152, 896] weight), otherwise plain;
  fused       one q/k/v product, every weight packed once into oneDNN's blocked layout
              (mkldnn::_reorder_linear_weight), SiLU as the gate product's epilogue, * up as the up product's
              epilogue, and the residual adds as the o and down products' epilogues (mkldnn::_linear_pointwise:
              what inductor emits for frozen CPU weights).
Also, with MODE=decode: the 24 layers' MLP products at one row (a decode step's largest part), plain against
packed weights, and GB/s of weight read. With MODE=inductor: plain against the same pass compiled by PyTorch's own
compiler (torch.compile, inductor's C++ backend with freezing: weights packed once, pointwise operators fused into
generated loops; needs g++), the most PyTorch itself makes of this pass.

Usage: OMP_WAIT_POLICY=PASSIVE taskset -c 1 /usr/bin/python3 bench/peer/fusion_probe.py [TOKENS] [ROUNDS]
           [prefill|decode|inductor]
Prints one JSON line.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F

H, FF, L, NH, KV, D = 896, 4864, 24, 14, 2, 64
BF = torch.bfloat16
MK = torch.ops.mkldnn


def normal(*shape):
    return (torch.randn(*shape) * 0.02).to(BF)


def build(tokens):
    layers = []
    for _ in range(L):
        l = dict(wq=normal(NH * D, H), wk=normal(KV * D, H), wv=normal(KV * D, H),
                 bq=torch.zeros(NH * D, dtype=BF), bk=torch.zeros(KV * D, dtype=BF), bv=torch.zeros(KV * D, dtype=BF),
                 wo=normal(H, NH * D), wg=normal(FF, H), wu=normal(FF, H), wd=normal(H, FF),
                 n1=torch.ones(H, dtype=BF), n2=torch.ones(H, dtype=BF))
        l["wqkv"] = torch.cat([l["wq"], l["wk"], l["wv"]])
        l["bqkv"] = torch.cat([l["bq"], l["bk"], l["bv"]])
        for k in ("wqkv", "wo", "wg", "wu", "wd"):
            l["p" + k] = MK._reorder_linear_weight(l[k], tokens)
        layers.append(l)
    return layers


def prefill_forms(layers, tokens):
    inv = 1.0 / (1e6 ** (torch.arange(0, D, 2).float() / D))
    freqs = torch.outer(torch.arange(tokens).float(), inv)
    angles = torch.cat([freqs, freqs], -1)
    cos, sin = angles.cos().to(BF)[None, None], angles.sin().to(BF)[None, None]

    def rope(x):
        return x * cos + torch.cat([-x[..., D // 2:], x[..., :D // 2]], -1) * sin

    def attend(q, k, v):
        k, v = k.repeat_interleave(NH // KV, 1), v.repeat_interleave(NH // KV, 1)
        out = F.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=True)
        return out.transpose(1, 2).reshape(1, tokens, H)

    def heads(t, n):
        return t.view(1, tokens, n, D).transpose(1, 2)

    def plain(x):
        for l in layers:
            h = torch.rms_norm(x, [H], l["n1"], 1e-6)
            a = attend(heads(F.linear(h, l["wq"], l["bq"]), NH), heads(F.linear(h, l["wk"], l["bk"]), KV),
                       heads(F.linear(h, l["wv"], l["bv"]), KV))
            x = x + F.linear(a, l["wo"])
            h = torch.rms_norm(x, [H], l["n2"], 1e-6)
            x = x + F.linear(F.silu(F.linear(h, l["wg"])) * F.linear(h, l["wu"]), l["wd"])
        return x

    def fusedplain(x):
        for l in layers:
            h = torch.rms_norm(x, [H], l["n1"], 1e-6)
            q, k, v = F.linear(h, l["wqkv"], l["bqkv"]).split([NH * D, KV * D, KV * D], -1)
            x = x + F.linear(attend(heads(q, NH), heads(k, KV), heads(v, KV)), l["wo"])
            h = torch.rms_norm(x, [H], l["n2"], 1e-6)
            x = x + F.linear(F.silu(F.linear(h, l["wg"])) * F.linear(h, l["wu"]), l["wd"])
        return x

    def fused(x):
        for l in layers:
            h = torch.rms_norm(x, [H], l["n1"], 1e-6)
            qkv = MK._linear_pointwise(h, l["pwqkv"], l["bqkv"], "none", [], "")
            q, k, v = qkv.split([NH * D, KV * D, KV * D], -1)
            x = MK._linear_pointwise(attend(heads(q, NH), heads(k, KV), heads(v, KV)), x, l["pwo"], None, "add")
            h = torch.rms_norm(x, [H], l["n2"], 1e-6)
            g = MK._linear_pointwise(h, l["pwg"], None, "swish", [], "")
            g = MK._linear_pointwise(h, g, l["pwu"], None, "mul")
            x = MK._linear_pointwise(g, x, l["pwd"], None, "add")
        return x

    return {"plain": plain, "fusedplain": fusedplain, "fused": fused}


class Blocks(torch.nn.Module):
    """The plain form as a module whose weights are parameters, so that inductor's freezing can fold and pack them."""

    def __init__(self, layers, tokens):
        super().__init__()
        self.tokens = tokens
        names = ("wq", "wk", "wv", "bq", "bk", "bv", "wo", "wg", "wu", "wd", "n1", "n2")
        self.layers = torch.nn.ModuleList()
        for l in layers:
            m = torch.nn.Module()
            for k in names:
                m.register_parameter(k, torch.nn.Parameter(l[k], requires_grad=False))
            self.layers.append(m)
        inv = 1.0 / (1e6 ** (torch.arange(0, D, 2).float() / D))
        angles = torch.outer(torch.arange(tokens).float(), inv)
        angles = torch.cat([angles, angles], -1)
        self.register_buffer("cos", angles.cos().to(BF)[None, None])
        self.register_buffer("sin", angles.sin().to(BF)[None, None])

    def rope(self, x):
        return x * self.cos + torch.cat([-x[..., D // 2:], x[..., :D // 2]], -1) * self.sin

    def heads(self, t, n):
        return t.view(1, self.tokens, n, D).transpose(1, 2)

    def forward(self, x):
        for l in self.layers:
            h = torch.rms_norm(x, [H], l.n1, 1e-6)
            q = self.heads(F.linear(h, l.wq, l.bq), NH)
            k = self.heads(F.linear(h, l.wk, l.bk), KV).repeat_interleave(NH // KV, 1)
            v = self.heads(F.linear(h, l.wv, l.bv), KV).repeat_interleave(NH // KV, 1)
            a = F.scaled_dot_product_attention(self.rope(q), self.rope(k), v, is_causal=True)
            x = x + F.linear(a.transpose(1, 2).reshape(1, self.tokens, H), l.wo)
            h = torch.rms_norm(x, [H], l.n2, 1e-6)
            x = x + F.linear(F.silu(F.linear(h, l.wg)) * F.linear(h, l.wu), l.wd)
        return x


def inductor_forms(layers, tokens):
    import torch._inductor.config as inductor_config
    inductor_config.freezing = True
    module = Blocks(layers, tokens).eval()
    compiled = torch.compile(module)
    return {"plain": prefill_forms(layers, tokens)["plain"], "inductor": compiled}


def decode_forms(layers):
    x, h = normal(1, H), normal(1, FF)

    def plain(_):
        for l in layers:
            F.linear(x, l["wg"]), F.linear(x, l["wu"]), F.linear(h, l["wd"])

    def packed(_):
        for l in layers:
            MK._linear_pointwise(x, l["pwg"], None, "none", [], "")
            MK._linear_pointwise(x, l["pwu"], None, "none", [], "")
            MK._linear_pointwise(h, l["pwd"], None, "none", [], "")

    return {"plain": plain, "packed": packed}


def main(argv):
    tokens = int(argv[0]) if argv else 512
    rounds = int(argv[1]) if len(argv) > 1 else 12
    mode = argv[2] if len(argv) > 2 else "prefill"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    with torch.no_grad():
        layers = build(1 if mode == "decode" else tokens)
        forms = (decode_forms(layers) if mode == "decode" else inductor_forms(layers, tokens) if mode == "inductor"
                 else prefill_forms(layers, tokens))
        x = torch.randn(1, tokens, H).to(BF)
        result = {"torch": torch.__version__, "mode": mode, "tokens": tokens, "rounds": rounds}
        if mode == "inductor":
            start = time.perf_counter()
            forms["inductor"](x)
            result["compile_s"] = time.perf_counter() - start
        if mode in ("prefill", "inductor"):
            ref = forms["plain"](x).float()
            result["max_abs_diff"] = {k: (f(x).float() - ref).abs().max().item() for k, f in forms.items()}
            result["max_abs"] = ref.abs().max().item()
        for f in forms.values():
            f(x)
        seconds = {k: [] for k in forms}
        for _ in range(rounds):
            for k, f in forms.items():
                start = time.perf_counter()
                f(x)
                seconds[k].append(time.perf_counter() - start)
        result["median_s"] = {k: sorted(v)[len(v) // 2] for k, v in seconds.items()}
        result["seconds"] = seconds
        if mode == "decode":
            weight_bytes = L * 3 * H * FF * 2
            result["gb_per_s"] = {k: weight_bytes / v / 1e9 for k, v in result["median_s"].items()}
        with open("/proc/loadavg") as f:
            result["load"] = f.read().split()[:3]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
