"""Throwaway probe behind bench/perf/README.md (fourteenth session): PyTorch's side of GemvProbe.java.

A decode step's one-row products at Qwen2.5-0.5B's shape on one thread, weights cycled through 24 layers' worth:
float32 F.linear (what decoder.py runs), float32 mv, bf16 mv (reduced-precision gemv), bf16 F.linear.

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 chroot /opt/trixie /usr/bin/python3 bench/peer/gemv_probe.py 5
"""
import sys
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
rounds = int(sys.argv[1])
with torch.no_grad():
    for rows, cols in [(4864, 896), (896, 4864), (151936, 896)]:
        copies = 1 if rows == 151936 else 24
        w16 = [(torch.randn(rows, cols) * 0.02).bfloat16() for _ in range(copies)]
        w32 = [w.float() for w in w16]
        x32 = torch.randn(cols)
        x16 = x32.bfloat16()
        gb32 = rows * cols * 4 / 1e9
        forms = {
            "fp32 linear": lambda i: F.linear(x32.unsqueeze(0), w32[i]),
            "fp32 mv": lambda i: w32[i].mv(x32),
            "bf16 mv": lambda i: w16[i].mv(x16),
            "bf16 linear": lambda i: F.linear(x16.unsqueeze(0), w16[i]),
        }
        for r in range(rounds):
            out = []
            for name, f in forms.items():
                reps = 10 if copies == 1 else 48
                if name == "bf16 linear" and rows == 151936:
                    reps = 1
                t0 = time.perf_counter()
                for k in range(reps):
                    f(k % copies)
                us = (time.perf_counter() - t0) / reps * 1e6
                gb = gb32 / 2 if name.startswith("bf16") else gb32
                out.append(f"{name} {us:.0f} us ({gb / us * 1e6:.1f} GB/s)")
            print(f"{rows}x{cols} round {r}: " + "  ".join(out), flush=True)
