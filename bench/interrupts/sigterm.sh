#!/usr/bin/env bash
# N SIGTERMs at random moments of a short quickstart (two lanes), each followed by a rerun of the same command;
# then a final rerun, whose predictions and weights must equal an uninterrupted run's byte for byte.
# usage: bench/interrupts/sigterm.sh [N=20] [WORK=/tmp/uqabench-sigterm]    (from the repository root, jar built)
# Writes bench/results/sigterm.json: per kill the moment, the exit status and the log's last line; crashes; mismatches.
set -uo pipefail
n=${1:-20}; work=${2:-/tmp/uqabench-sigterm}
repo=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"; mkdir -p "$work/jar"; cp -r "$repo/target/uqabench.jar" "$repo/target/lib" "$work/jar/"
cp "$repo/bench/interrupts/short.yaml" "$work/short.yaml"
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
run() { (cd "$work" && exec java -XX:ErrorFile="$work/hs_err_%p.log" --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g \
  -jar "$work/jar/uqabench.jar" quickstart --run-dir "$1" --config "$work/short.yaml"); }
start=$(date +%s)
run "$work/reference" > "$work/reference.out" 2> "$work/reference.err" || { echo "reference run failed"; exit 1; }
ref_seconds=$(( $(date +%s) - start ))
echo "uninterrupted run: ${ref_seconds} s"
rows=()
for i in $(seq 1 "$n"); do
  at=$(python3 -c "import random; print(round(random.uniform(1, $ref_seconds * 0.6), 1))")
  run "$work/killed" > "$work/kill-$i.out" 2> "$work/kill-$i.err" & pid=$!
  sleep "$at"; kill -TERM $pid 2>/dev/null; wait $pid; rc=$?
  last=$(grep -v '^\s*$' "$work/kill-$i.err" | tail -1 | cut -c1-160 | sed 's/"/'"'"'/g')
  echo "kill $i at ${at} s: exit $rc; $last"
  rows+=("{\"kill\": $i, \"after_seconds\": $at, \"exit\": $rc, \"last_line\": \"$last\"}")
done
run "$work/killed" > "$work/final.out" 2> "$work/final.err"; final=$?
crashes=$(ls "$work"/hs_err_*.log 2>/dev/null | wc -l)
segv=$(grep -l -E "SIGSEGV|SIGABRT|fatal error" "$work"/*.err 2>/dev/null | wc -l)
mismatches=0; compared=0
while IFS= read -r f; do
  compared=$((compared + 1))
  cmp -s "$work/reference/$f" "$work/killed/$f" || { echo "DIFFERENT $f"; mismatches=$((mismatches + 1)); }
done < <(cd "$work/reference" && find . \( -name predictions.jsonl -o -name '*.safetensors' -o -name metrics.json \) | sort)
echo "final rerun: exit $final; JVM crashes: $crashes; logs with native faults: $segv; files compared: $compared, different: $mismatches"
{ printf '{\n  "command": "bench/interrupts/sigterm.sh %s",\n  "date": "%s",\n  "uninterrupted_seconds": %s,\n  "kills": [\n    ' "$n" "$(date -u +%FT%TZ)" "$ref_seconds"
  (IFS=$'\n'; echo "${rows[*]}" | paste -sd, | sed 's/},{/},\n    {/g')
  printf '  ],\n  "final_exit": %s,\n  "jvm_crashes": %s,\n  "native_fault_logs": %s,\n  "files_compared": %s,\n  "files_different": %s\n}\n' "$final" "$crashes" "$segv" "$compared" "$mismatches"
} > "$repo/bench/results/sigterm.json"
[[ $final -eq 0 && $crashes -eq 0 && $segv -eq 0 && $mismatches -eq 0 ]]
