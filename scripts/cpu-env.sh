# Sourced by ./uqabench and .ci/run: native settings chosen per machine before the JVM loads glibc's allocator and
# OpenBLAS. A value the user (or the machine's environment) set is kept.
#
# glibc's allocator: libtorch frees and re-allocates the same large buffers every step; by default glibc hands every
# one above its mmap threshold back to the kernel and the next step faults it in again, page by page (40 % of an
# encoder step's time was system time). Transparent huge pages for those buffers and a fixed 32 MiB threshold
# (the most glibc allows), with freed memory kept, made SASRec's paper-preset step 1.7x faster (bench/README.md).
# The value is dev.uqabench.tensor.CpuFeatures#MALLOC_TUNABLES.
if [[ -z "${GLIBC_TUNABLES:-}" ]]; then
  export GLIBC_TUNABLES="glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"
fi
#
# OpenBLAS picks its kernels when it loads. On AMD Zen 4 (AVX-512, native bf16) its detection falls back to the
# AVX2 "Haswell" kernels; its AVX-512 ones ran the tiny LLM's training 1.3x faster on such a machine (bench/README.md).
# The rule is dev.uqabench.tensor.CpuFeatures#blasCore (CpuFeaturesTest checks this script against it).
uqabench_blas_core() {
  local flags=" $1 "
  case "$flags" in *" avx512f "*) ;; *) return 0 ;; esac
  case "$flags" in *" avx512bw "*) ;; *) return 0 ;; esac
  case "$flags" in *" avx512dq "*) ;; *) return 0 ;; esac
  case "$flags" in *" avx512vl "*) ;; *) return 0 ;; esac
  case "$flags" in *" avx512_bf16 "*) echo COOPERLAKE ;; *) echo SKYLAKEX ;; esac
}

if [[ -z "${OPENBLAS_CORETYPE:-}" && "$(uname -m)" == x86_64 && -r /proc/cpuinfo ]]; then
  _uqabench_core="$(uqabench_blas_core "$(grep -m1 '^flags' /proc/cpuinfo | cut -d: -f2)")"
  if [[ -n "$_uqabench_core" ]]; then export OPENBLAS_CORETYPE="$_uqabench_core"; fi
  unset _uqabench_core
fi
