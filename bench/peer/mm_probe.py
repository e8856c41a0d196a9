"""Throwaway probe behind bench/perf/README.md (fourteenth session): PyTorch's side of bench/perf/probes/MmProbe.java
(one GRU4Rec time step's float32 products, one thread, median microseconds of 400 calls).

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 chroot /opt/trixie /usr/bin/python3 /ABS/PATH/bench/peer/mm_probe.py
"""
import time

import torch
import torch.nn.functional as F

torch.set_num_threads(1)
h, w, g = torch.randn(8, 1024), torch.randn(3072, 1024), torch.randn(8, 3072)
forms = {"h W^T": lambda: F.linear(h, w), "g W": lambda: g.mm(w), "g^T h": lambda: g.t().mm(h)}
out = ["theirs:"]
with torch.no_grad():
    for name, f in forms.items():
        times = []
        for r in range(-50, 400):
            t0 = time.perf_counter()
            f()
            if r >= 0:
                times.append((time.perf_counter() - t0) * 1e6)
        times.sort()
        out.append(f"{name} {times[200]:.0f} us")
print("  ".join(out))
