"""Throwaway probe behind bench/perf/README.md (fourteenth session): bench/perf/probes/CblasProbe.java with numpy on
Debian's OpenBLAS (0.3.29 in the trixie chroot). Usage: OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 chroot /opt/trixie /usr/bin/python3 /ABS/bench/peer/np_probe.py M
"""
import time, numpy as np, numpy
import sys
M=int(sys.argv[1])
g=np.random.randn(M,3072).astype(np.float32); w=np.random.randn(3072,1024).astype(np.float32); h=np.random.randn(M,1024).astype(np.float32)
out=["theirs numpy:"]
for name,f in [("g W",lambda: g@w),("h W^T",lambda: h@w.T)]:
    t=[]
    for i in range(-50,400):
        t0=time.perf_counter(); f()
        if i>=0: t.append((time.perf_counter()-t0)*1e6)
    t.sort(); out.append(f"{name} {t[200]:.0f} us")
print("  ".join(out))
