#!/usr/bin/python3
"""PyTorch-eager mirror of `LlmBenchmark run DIR fp32|bf16 OUT` (src/test/java/dev/uqabench/llm/LlmBenchmark.java)
on a random-weight decoder of Qwen2.5-0.5B's shape: hidden 896, 24 layers, 14 heads, 2 KV heads, FFN 4864,
vocab 151,936, tied embeddings, q/k/v biases (Qwen2), RoPE theta 1e6, RMSNorm eps 1e-6.

Usage:  /usr/bin/python3 bench/peer/decoder.py fp32|bf16 THREADS

Prints one JSON line. The protocol is LlmBenchmark.run's, step for step:
  * weights: N(0, 0.02) from a CPU generator seeded 1 in Hugging Face order (DecoderWeights.initialised), norms 1,
    biases 0, rounded through bf16 (LlmBenchmark make saves them as BF16), held in the compute dtype;
  * prefill of 128 and 512 random tokens (java.util.Random(3).nextInt(vocab), bit for bit): hidden states of the
    whole sequence (no cache), logits of the last position, argmax; one warm-up pass, then 3 (128) or 2 (512)
    timed passes, tokens/s = length / mean seconds;
  * decode: greedy generation with a KV cache after a 128-token prompt; seconds of generate(33 new tokens) minus
    seconds of generate(1 new token), divided by 32 (Generation.generate: batched prefill, then one token a step);
  * forward + backward of a 128-position sequence whose first 4 positions are a trainable soft prompt (weights
    frozen), to the log-probability of token 6 at the last position.
The forward pass is Decoder.java's (as of commit 36a1a78): RMSNorm in float32 then scaled in the compute dtype,
rotate-half RoPE from cumsum(mask) - 1 positions, attention in float32, or in bf16 for a bf16 decoder on a CPU with
AMX (Decoder.attentionType), one float32 row through torch.mv (Decoder.linear) (causal only for a prefill without cache and
padding, else under the boolean mask), SwiGLU MLP, tied head, logits in float32. PyTorch 1.13 has neither
scaled_dot_product_attention (whose fused CPU flash kernel ours uses, with its own grouped-query attention) nor
rms_norm (ours: libtorch's fused kernel): attention is libtorch's math path, which repeats the 2 K/V heads to 14 as
it does for enable_gqa, and RMSNorm is its composite. Same arithmetic, more memory traffic on this side.
A torch that has both ops (2.4+) calls them instead (torch.rms_norm; scaled_dot_product_attention over the repeated
K/V heads, causal or under the boolean mask, as Decoder.java passes them), unless PEER_OPS=composite.
PEER_LINEAR=plain runs every product through F.linear, as a user writes the decoder (the output's "linear" field).
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

VOCAB, HIDDEN, FFN, LAYERS, HEADS, KV_HEADS = 151_936, 896, 4864, 24, 14, 2
HEAD_DIM = HIDDEN // HEADS          # 64
ROPE_THETA, RMS_EPS, INIT_STD = 1_000_000.0, 1e-6, 0.02
# torch.rms_norm and F.scaled_dot_product_attention where this torch has them (2.4+), unless PEER_OPS=composite
NATIVE_OPS = (os.environ.get("PEER_OPS", "native") != "composite" and hasattr(torch, "rms_norm")
              and hasattr(F, "scaled_dot_product_attention"))


class JavaRandom:
    """java.util.Random: nextInt(bound) and nextGaussian, bit for bit."""
    _MULT, _MASK = 0x5DEECE66D, (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ self._MULT) & self._MASK
        self._gaussian = None

    def _next(self, bits):
        self.seed = (self.seed * self._MULT + 0xB) & self._MASK
        r = self.seed >> (48 - bits)
        return r - (1 << 32) if bits == 32 and r & (1 << 31) else r

    def next_int(self, bound):
        r = self._next(31)
        m = bound - 1
        if bound & m == 0:
            return (bound * r) >> 31
        u = r
        while True:
            r = u % bound
            if -(1 << 31) <= u - r + m < (1 << 31):
                return r
            u = self._next(31)

    def next_double(self):
        return ((self._next(26) << 27) + self._next(27)) * (1.0 / (1 << 53))

    def next_gaussian(self):
        if self._gaussian is not None:
            g, self._gaussian = self._gaussian, None
            return g
        while True:
            v1 = 2 * self.next_double() - 1
            v2 = 2 * self.next_double() - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        multiplier = math.sqrt(-2 * math.log(s) / s)   # StrictMath in Java; equal up to the last bit
        self._gaussian = v2 * multiplier
        return v1 * multiplier


def random_ids(random, n):
    return [random.next_int(VOCAB) for _ in range(n)]


class Weights:
    """DecoderWeights.initialised + save as BF16 + load in the compute dtype (frozen)."""

    def __init__(self, dtype):
        g = torch.Generator().manual_seed(1)
        q, kv = HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM

        def normal(*shape):
            return torch.normal(0.0, INIT_STD, shape, generator=g).to(torch.bfloat16).to(dtype)

        self.embed = normal(VOCAB, HIDDEN)
        self.layers = []
        for _ in range(LAYERS):
            self.layers.append(dict(
                input_norm=torch.ones(HIDDEN, dtype=dtype),
                wq=normal(q, HIDDEN), wk=normal(kv, HIDDEN), wv=normal(kv, HIDDEN),
                bq=torch.zeros(q, dtype=dtype), bk=torch.zeros(kv, dtype=dtype), bv=torch.zeros(kv, dtype=dtype),
                wo=normal(HIDDEN, q),
                post_norm=torch.ones(HIDDEN, dtype=dtype),
                w_gate=normal(FFN, HIDDEN), w_up=normal(FFN, HIDDEN), w_down=normal(HIDDEN, FFN)))
        self.final_norm = torch.ones(HIDDEN, dtype=dtype)
        self.lm_head = self.embed                      # tied
        exponents = torch.arange(0, HEAD_DIM, 2, dtype=torch.long).float().div(float(HEAD_DIM))
        self.inverse_frequencies = torch.pow(ROPE_THETA, exponents).reciprocal()
        self.dtype = dtype

    def parameter_count(self):
        n = self.embed.numel() + self.final_norm.numel()
        for layer in self.layers:
            n += sum(t.numel() for t in layer.values())
        return n


class KvCache:
    def __init__(self, batch):
        self.keys, self.values = [None] * LAYERS, [None] * LAYERS
        self.mask = torch.zeros(batch, 0, dtype=torch.long)

    def length(self):
        return self.mask.size(1)

    def append(self, layer, k, v):
        if self.keys[layer] is not None:
            k = torch.cat([self.keys[layer], k], 2)
            v = torch.cat([self.values[layer], v], 2)
        self.keys[layer], self.values[layer] = k.detach(), v.detach()
        return self.keys[layer], self.values[layer]


def cpu_has_amx_bf16():
    try:
        with open("/proc/cpuinfo") as f:
            return any(line.startswith("flags") and " amx_bf16" in line for line in f)
    except OSError:
        return False


# PEER_LINEAR=plain: every product through F.linear, as a user writes the decoder (transformers' nn.Linear); the default
# mirrors Decoder.linear, whose one float32 row goes through sgemv (with Debian's OpenBLAS, F.linear of one float32 row
# packs the weight first and streams it at a third of sgemv's rate: bench/perf/README.md, fourteenth session)
LINEAR_FORM = os.environ.get("PEER_LINEAR", "mirror")
if LINEAR_FORM not in ("mirror", "plain"):
    raise SystemExit(f"PEER_LINEAR must be mirror or plain, not {LINEAR_FORM!r}")


def linear(x, weight, bias=None):
    """Decoder.linear: one float32 row through the matrix-vector product (sgemv), everything else F.linear."""
    if LINEAR_FORM == "mirror" and x.numel() == x.size(-1) and x.dtype == torch.float32 and weight.dtype == torch.float32:
        row = x.reshape(-1)
        out = torch.mv(weight, row) if bias is None else torch.addmv(bias, weight, row)
        return out.view(*x.shape[:-1], weight.size(0))
    return F.linear(x, weight, bias)


class Decoder:
    def __init__(self, weights):
        self.w = weights
        self.dtype = weights.dtype
        # Decoder.attentionType: a bf16 decoder attends in bf16 where the CPU has AMX, in float32 otherwise
        self.attention_dtype = torch.bfloat16 if self.dtype == torch.bfloat16 and cpu_has_amx_bf16() \
            else torch.float32

    def embed(self, ids):
        return F.embedding(ids, self.w.embed)

    def logits(self, hidden):
        return linear(hidden, self.w.lm_head).float()

    def rms_norm(self, x, weight):
        # ours: torch.rms_norm (fused in libtorch 2.10), which upcasts, normalises, casts back, then scales
        if NATIVE_OPS:
            return torch.rms_norm(x, [x.size(-1)], weight, RMS_EPS)
        x32 = x.float()
        variance = x32.pow(2.0).mean(-1, keepdim=True)
        normed = x32.mul(variance.add(RMS_EPS).rsqrt())
        return weight.mul(normed.to(self.dtype))

    @staticmethod
    def attention_mask(full_mask, past, time_):
        total = full_mask.size(1)
        query = torch.arange(past, past + time_, dtype=torch.long).unsqueeze(1)
        key = torch.arange(0, total, dtype=torch.long).unsqueeze(0)
        causal = key.le(query)
        real_key = full_mask.ne(0).unsqueeze(1).unsqueeze(1)
        self_ = key.eq(query)
        return causal.logical_and(real_key).logical_or(self_)              # [B, 1, T, S]

    @staticmethod
    def rope(x, cos, sin):
        half = x.size(-1) // 2
        x1, x2 = x.narrow(-1, 0, half), x.narrow(-1, half, half)
        return x.mul(cos).add(torch.cat([x2.neg(), x1], -1).mul(sin))

    @staticmethod
    def repeat_kv(kv, group):
        if group == 1:
            return kv
        b, h, s, d = kv.shape
        return kv.unsqueeze(2).expand(b, h, group, s, d).reshape(b, h * group, s, d)

    @staticmethod
    def right_padded(mask):
        if mask.size(1) < 2:
            return True
        t = mask.size(1)
        return bool(mask.narrow(1, 1, t - 1).le(mask.narrow(1, 0, t - 1)).all().item())

    @staticmethod
    def sdpa_math(q, k, v, allowed):
        """libtorch's _scaled_dot_product_attention_math, no dropout: under the boolean mask `allowed`, or causal
        (a -inf upper triangle) when it is None; K/V heads already repeated (what its enable_gqa does).
        The op itself where this torch has it (NATIVE_OPS), as Decoder.java calls it."""
        if NATIVE_OPS:
            return F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, is_causal=allowed is None)
        scale = math.sqrt(1.0 / math.sqrt(q.size(-1)))
        attn = torch.matmul(q * scale, k.transpose(-2, -1) * scale)
        if allowed is None:
            t, s = q.size(-2), k.size(-2)
            allowed = torch.ones(t, s, dtype=torch.bool).tril()
        attn.add_(torch.zeros(allowed.shape).masked_fill_(allowed.logical_not(), float("-inf")))
        return torch.matmul(torch.softmax(attn, -1), v)

    def hidden(self, embeds, new_mask=None, cache=None):
        batch, time_ = embeds.size(0), embeds.size(1)
        if new_mask is None:
            new_mask = torch.ones(batch, time_, dtype=torch.long)
        past = 0 if cache is None else cache.length()
        full_mask = new_mask.long() if cache is None else torch.cat([cache.mask, new_mask.long()], 1)
        positions = torch.cumsum(full_mask, 1).sub(1).clamp_min(0).narrow(1, past, time_)
        angles = positions.float().unsqueeze(-1).mul(self.w.inverse_frequencies)
        both = torch.cat([angles, angles], -1)
        cos, sin = both.cos().to(self.dtype).unsqueeze(1), both.sin().to(self.dtype).unsqueeze(1)
        # no mask (causal only) for a prefill without cache of right-padded rows, as Decoder.hidden
        allowed = None if cache is None and self.right_padded(full_mask) \
            else self.attention_mask(full_mask, past, time_)
        x = embeds.to(self.dtype)
        for i in range(LAYERS):
            x = self.block(i, x, cos, sin, allowed, cache)
        if cache is not None:
            cache.mask = torch.cat([cache.mask, new_mask.long()], 1)
        return self.rms_norm(x, self.w.final_norm)

    def block(self, index, x, cos, sin, allowed, cache):
        l = self.w.layers[index]
        batch, time_ = x.size(0), x.size(1)
        h = self.rms_norm(x, l["input_norm"])
        q = linear(h, l["wq"], l["bq"]).view(batch, time_, HEADS, HEAD_DIM).transpose(1, 2)
        k = linear(h, l["wk"], l["bk"]).view(batch, time_, KV_HEADS, HEAD_DIM).transpose(1, 2)
        v = linear(h, l["wv"], l["bv"]).view(batch, time_, KV_HEADS, HEAD_DIM).transpose(1, 2)
        q, k = self.rope(q, cos, sin), self.rope(k, cos, sin)
        if cache is not None:
            k, v = cache.append(index, k, v)
        # ours passes enable_gqa to the fused kernel; 1.13's only way is to repeat K/V (as libtorch's math path does)
        k, v = self.repeat_kv(k, HEADS // KV_HEADS), self.repeat_kv(v, HEADS // KV_HEADS)
        a = self.attention_dtype
        attended = self.sdpa_math(q.to(a), k.to(a), v.to(a), allowed).to(self.dtype)
        attended = attended.transpose(1, 2).reshape(batch, time_, HEADS * HEAD_DIM)
        x = x.add(linear(attended, l["wo"]))
        h = self.rms_norm(x, l["post_norm"])
        gated = F.silu(linear(h, l["w_gate"])).mul(linear(h, l["w_up"]))
        return x.add(linear(gated, l["w_down"]))


def generate_greedy(decoder, prompt, max_new):
    """Generation.generate for one prompt, greedy, no stop ids."""
    out = []
    cache = KvCache(1)
    embeds = decoder.embed(torch.tensor([prompt], dtype=torch.long))
    mask = torch.ones(1, len(prompt), dtype=torch.long)
    for _ in range(max_new):
        hidden = decoder.hidden(embeds, mask, cache)
        logits = decoder.logits(hidden.select(1, hidden.size(1) - 1))
        token = int(logits.argmax(1).tolist()[0])
        out.append(token)
        embeds = decoder.embed(torch.tensor([[token]], dtype=torch.long))
        mask = torch.ones(1, 1, dtype=torch.long)
    return out


def time_prefill(decoder, ids, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        hidden = decoder.hidden(decoder.embed(torch.tensor([ids], dtype=torch.long)))
        decoder.logits(hidden.select(1, len(ids) - 1)).argmax(1).item()
    return (time.perf_counter() - start) / repeats


def prefill_flops(t):
    """LlmBenchmark.prefillFlops."""
    h, q, kv = HIDDEN, HEADS * HEAD_DIM, KV_HEADS * HEAD_DIM
    per_token_layer = h * q + 2 * h * kv + q * h + 3 * h * FFN
    attention = 2.0 * t * t * q
    return LAYERS * (2 * t * per_token_layer + 2 * attention) + 2 * h * VOCAB


def status_bytes(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int("".join(ch for ch in line if ch.isdigit())) * 1024
    return -1


def main(argv):
    if len(argv) < 2 or argv[0] not in ("fp32", "bf16"):
        print(__doc__, file=sys.stderr)
        return 2
    dtype = torch.float32 if argv[0] == "fp32" else torch.bfloat16
    threads = int(argv[1])
    torch.set_num_threads(threads)
    result = {"side": "pytorch", "dtype": argv[0], "torch": torch.__version__, "threads": torch.get_num_threads(),
              "ops": "native" if NATIVE_OPS else "composite", "linear": LINEAR_FORM}
    rss_before = status_bytes("VmRSS:")
    start = time.perf_counter()
    weights = Weights(dtype)
    result["load_s"] = time.perf_counter() - start      # made here, not read from a file: not comparable
    result["parameters"] = weights.parameter_count()
    result["rss_after_load_mb"] = status_bytes("VmRSS:") / 1e6
    result["rss_before_mb"] = rss_before / 1e6
    decoder = Decoder(weights)
    result["attention_dtype"] = str(decoder.attention_dtype).replace("torch.", "")
    random = JavaRandom(3)
    with torch.no_grad():
        for length in (128, 512):
            ids = random_ids(random, length)
            time_prefill(decoder, ids, 1)                    # warm-up
            if length == 128:
                result["rss_after_first_forward_mb"] = status_bytes("VmRSS:") / 1e6
            seconds = time_prefill(decoder, ids, 3 if length == 128 else 2)
            result[f"prefill_{length}_s"] = seconds
            result[f"prefill_{length}_tokens_per_s"] = length / seconds
            result[f"prefill_{length}_gflops"] = prefill_flops(length) / seconds / 1e9
        steps = 32
        prompt = random_ids(random, 128)
        t0 = time.perf_counter()
        generate_greedy(decoder, prompt, 1)
        prefill = time.perf_counter() - t0
        t0 = time.perf_counter()
        generated = generate_greedy(decoder, prompt, steps + 1)
        total = time.perf_counter() - t0
        decode = (total - prefill) / (len(generated) - 1)
        result["decode_ms_per_token"] = decode * 1e3
        result["decode_tokens_per_s"] = 1 / decode
        result["decode_tokens"] = len(generated) - 1
    # forward + backward to a 4-vector soft prompt at 128 tokens (LlmBenchmark.timeSoftPromptBackward)
    k, length = 4, 128
    init = [random.next_gaussian() * 0.02 for _ in range(k * HIDDEN)]
    soft = torch.tensor(init, dtype=torch.float32).view(k, HIDDEN).requires_grad_(True)
    ids = random_ids(random, length - k)
    start = time.perf_counter()
    embeds = torch.cat([soft.to(dtype), decoder.embed(torch.tensor(ids, dtype=torch.long))], 0).unsqueeze(0)
    hidden = decoder.hidden(embeds)
    logits = decoder.logits(hidden.select(1, length - 1))
    loss = logits.log_softmax(-1).select(1, 6).neg().sum()
    loss.backward()
    result["soft_prompt_backward_s"] = time.perf_counter() - start
    if soft.grad is None or soft.grad.abs().sum().item() == 0:
        raise RuntimeError("no gradient reached the soft prompt")
    result["peak_rss_mb"] = status_bytes("VmHWM:") / 1e6
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
