#!/bin/bash
# Our tiny-LLM training step against PyTorch eager on the same shapes, alternated processes on one core
# (bench/perf/README.md, thirteenth session). Needs the build (target/classes, target/lib), the probe compiled to
# /tmp/probe (see bench/perf/probes/TinyStepProbe.java) and PyTorch in the Debian 13 chroot (trixie-torch.sh).
# Usage: bench/peer/tiny_step_pair.sh [ROUNDS] [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-6}
out=${2:-bench/results/tiny-llm-step-side-by-side.jsonl}
: > "$out"
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then order="ours theirs"; else order="theirs ours"; fi
  for side in $order; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$side" = ours ]; then
      line=$(OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 taskset -c 1 java --add-opens=java.base/java.nio=ALL-UNNAMED \
        -cp "/tmp/probe:target/classes:target/lib/*" dev.uqabench.llm.TinyStepProbe 80 192 2>/dev/null | tail -1)
    else
      line=$(OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 taskset -c 1 chroot /opt/trixie /usr/bin/python3 \
        "$PWD/bench/peer/tiny_llm_probe.py" 80 1 192 eager 2>/dev/null | tail -1)
    fi
    echo "{\"round\": $r, \"side\": \"$side\", \"load\": $load, \"result\": $line}" >> "$out"
  done
done
