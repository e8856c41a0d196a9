#!/usr/bin/python3
"""How much faster does PyTorch's own compiler make the tiny LLM's training step?

A PyTorch-only probe (no uqabench code) for the issue's "tiny LLM >= 3x": the quickstart's tiny LLM
(llm.TinyLlmConfig.quickstart: Qwen2 blocks, hidden 128, 2 layers, 8 heads, 4 key/value heads, SwiGLU 256, q/k/v
bias, tied 892-word head) trained as llm.TinyLlmTrainer trains it: next-token loss with the answer tokens weighted
10, AdamW (lr 2e-3), clipping at 1, one batch of 8 conversations a step. Random token ids of the corpus's mean length
(LENGTH, 192 by default; the quickstart's by-length batches pad little), a random 10 % of them answer tokens.

Two forms of the same step, alternated in one process, one thread:
  eager     the model run operator by operator (as PyTorch users and llm.Decoder run it);
  compiled  torch.compile(model + loss) (inductor's C++ backend for the forward and the backward through
            AOTAutograd: pointwise operators fused into generated loops), the optimizer as in eager;
and, with MODE=all, compiled+opt: the optimizer step compiled as well; MODE=eager times eager alone (the peer of
bench/perf/probes/TinyStepProbe.java, our step on the same shapes).
Both start from the same weights and see the same batches, so their losses should agree to float rounding.

Usage: OMP_WAIT_POLICY=PASSIVE taskset -c 1 /usr/bin/python3 bench/peer/tiny_llm_probe.py [STEPS] [ROUNDS] [LENGTH]
           [MODE]
Prints one JSON line: tokens/s per form and round, medians, the ratio, the last losses.
"""
import copy
import json
import sys
import time

import torch
import torch.nn.functional as F

HIDDEN, LAYERS, HEADS, KV_HEADS, FFN, VOCAB, BATCH = 128, 2, 8, 4, 256, 892, 8
HEAD_DIM = HIDDEN // HEADS
ANSWER_WEIGHT, LR = 10.0, 2e-3


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.q = torch.nn.Linear(HIDDEN, HEADS * HEAD_DIM)
        self.k = torch.nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM)
        self.v = torch.nn.Linear(HIDDEN, KV_HEADS * HEAD_DIM)
        self.o = torch.nn.Linear(HEADS * HEAD_DIM, HIDDEN, bias=False)
        self.gate = torch.nn.Linear(HIDDEN, FFN, bias=False)
        self.up = torch.nn.Linear(HIDDEN, FFN, bias=False)
        self.down = torch.nn.Linear(FFN, HIDDEN, bias=False)
        self.n1 = torch.nn.Parameter(torch.ones(HIDDEN))
        self.n2 = torch.nn.Parameter(torch.ones(HIDDEN))

    def forward(self, x, cos, sin):
        b, t, _ = x.shape

        def heads(y, n):
            return y.view(b, t, n, HEAD_DIM).transpose(1, 2)

        def rope(y):
            return y * cos + torch.cat([-y[..., HEAD_DIM // 2:], y[..., :HEAD_DIM // 2]], -1) * sin

        h = F.rms_norm(x, [HIDDEN], self.n1, 1e-6)
        q, k, v = heads(self.q(h), HEADS), heads(self.k(h), KV_HEADS), heads(self.v(h), KV_HEADS)
        k, v = k.repeat_interleave(HEADS // KV_HEADS, 1), v.repeat_interleave(HEADS // KV_HEADS, 1)
        a = F.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=True)
        x = x + self.o(a.transpose(1, 2).reshape(b, t, HIDDEN))
        h = F.rms_norm(x, [HIDDEN], self.n2, 1e-6)
        return x + self.down(F.silu(self.gate(h)) * self.up(h))


class TinyLlm(torch.nn.Module):
    def __init__(self, length):
        super().__init__()
        self.embed = torch.nn.Embedding(VOCAB, HIDDEN)
        self.blocks = torch.nn.ModuleList(Block() for _ in range(LAYERS))
        self.norm = torch.nn.Parameter(torch.ones(HIDDEN))
        inv = 1.0 / (1e6 ** (torch.arange(0, HEAD_DIM, 2).float() / HEAD_DIM))
        angles = torch.outer(torch.arange(length).float(), inv)
        angles = torch.cat([angles, angles], -1)
        self.register_buffer("cos", angles.cos()[None, None])
        self.register_buffer("sin", angles.sin()[None, None])

    def forward(self, ids, targets, weights):
        """The weighted mean next-token loss, as TinyLlmTrainer's LanguageModelLoss.weightedMean."""
        x = self.embed(ids)
        for block in self.blocks:
            x = block(x, self.cos, self.sin)
        logits = F.linear(F.rms_norm(x, [HIDDEN], self.norm, 1e-6), self.embed.weight)
        picked = logits.log_softmax(-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        return -(picked * weights).sum() / weights.sum()


def batches(steps, length, seed):
    g = torch.Generator().manual_seed(seed)
    out = []
    for _ in range(steps):
        seq = torch.randint(0, VOCAB, (BATCH, length + 1), generator=g)
        answer = torch.rand(BATCH, length, generator=g) < 0.1
        out.append((seq[:, :-1], seq[:, 1:], torch.where(answer, ANSWER_WEIGHT, 1.0)))
    return out


class Form:
    def __init__(self, model, compile_model, compile_step):
        self.model = model
        self.loss = torch.compile(model) if compile_model else model
        self.optimizer = torch.optim.AdamW(model.parameters(), lr=LR)
        self.step_fn = torch.compile(self.optimizer.step) if compile_step else self.optimizer.step
        self.last_loss = None

    def run(self, data):
        for ids, targets, weights in data:
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss(ids, targets, weights)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.step_fn()
            self.last_loss = loss.item()


def main(argv):
    steps = int(argv[0]) if argv else 40
    rounds = int(argv[1]) if len(argv) > 1 else 5
    length = int(argv[2]) if len(argv) > 2 else 192
    mode = argv[3] if len(argv) > 3 else "model"
    torch.set_num_threads(1)
    torch.manual_seed(0)
    base = TinyLlm(length)
    forms = {"eager": Form(copy.deepcopy(base), False, False)}
    if mode != "eager":
        forms["compiled"] = Form(copy.deepcopy(base), True, False)
    if mode == "all":
        forms["compiled+opt"] = Form(copy.deepcopy(base), True, True)
    result = {"torch": torch.__version__, "steps": steps, "rounds": rounds, "length": length, "batch": BATCH}
    warm = batches(3, length, 1)
    for name, form in forms.items():
        start = time.perf_counter()
        form.run(warm)                                  # compiles the compiled forms (forward and backward)
        result[f"first_3_steps_s_{name}"] = time.perf_counter() - start
    tokens_per_s = {k: [] for k in forms}
    for r in range(rounds):
        data = batches(steps, length, 100 + r)
        for name, form in forms.items():
            start = time.perf_counter()
            form.run(data)
            tokens_per_s[name].append(steps * BATCH * length / (time.perf_counter() - start))
    result["tokens_per_s"] = tokens_per_s
    result["median_tokens_per_s"] = {k: sorted(v)[len(v) // 2] for k, v in tokens_per_s.items()}
    result["ratio_to_eager"] = {k: v / result["median_tokens_per_s"]["eager"]
                                for k, v in result["median_tokens_per_s"].items()}
    result["last_loss"] = {k: f.last_loss for k, f in forms.items()}
    with open("/proc/loadavg") as f:
        result["load"] = f.read().split()[:3]
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
