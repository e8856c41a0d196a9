#!/usr/bin/env bash
# N SIGTERMs at random moments of a short quickstart (two lanes). Each attempt is followed by a rerun of the same
# command; whenever a run finishes, its predictions, metrics and weights must equal an uninterrupted run's byte for
# byte, and the next attempts start from an empty folder again.
# usage: bench/interrupts/sigterm.sh [N=20] [WORK=/tmp/uqabench-sigterm]    (from the repository root, jar built)
# Writes bench/results/sigterm.json.
set -uo pipefail
n=${1:-20}; work=${2:-/tmp/uqabench-sigterm}
repo=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"; mkdir -p "$work/jar"; cp -r "$repo/target/uqabench.jar" "$repo/target/lib" "$work/jar/"
cp "$repo/bench/interrupts/short.yaml" "$work/short.yaml"
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1
# exec: in a subshell (`run X &` or `(run X)`) the function becomes the JVM itself, so $! is the JVM's pid
run() { cd "$work" && exec java -XX:ErrorFile="$work/hs_err_%p.log" --add-opens=java.base/java.nio=ALL-UNNAMED -Xmx2g \
  -jar "$work/jar/uqabench.jar" quickstart --run-dir "$1" --config "$work/short.yaml"; }
# compare RUN: 0 when every predictions.jsonl, metrics.json and *.safetensors equals the reference's
compare() {
  local bad=0 f
  while IFS= read -r f; do
    cmp -s "$work/reference/$f" "$1/$f" || { echo "  DIFFERENT $f"; bad=$((bad + 1)); }
  done < <(cd "$work/reference" && find . \( -name predictions.jsonl -o -name '*.safetensors' -o -name metrics.json \) | sort)
  return $bad
}
start=$(date +%s)
(run "$work/reference") > "$work/reference.out" 2> "$work/reference.err" || { echo "reference run failed"; exit 1; }
ref_seconds=$(( $(date +%s) - start ))
files=$(cd "$work/reference" && find . \( -name predictions.jsonl -o -name '*.safetensors' -o -name metrics.json \) | wc -l)
echo "uninterrupted run: ${ref_seconds} s, $files files to compare"
rows=(); kills=0; finished=0; different=0; other=0; attempt=0
while (( kills < n )); do
  attempt=$((attempt + 1))
  at=$(python3 -c "import random; print(round(random.uniform(1, $ref_seconds * 0.8), 1))")
  run "$work/killed" > "$work/attempt-$attempt.out" 2> "$work/attempt-$attempt.err" & pid=$!
  sleep "$at"; kill -TERM $pid 2>/dev/null; wait $pid; rc=$?
  last=$(grep -v '^\s*$' "$work/attempt-$attempt.err" | tail -1 | cut -c1-150 | sed 's/"/'"'"'/g')
  if (( rc == 143 )); then
    kills=$((kills + 1))
  elif (( rc == 0 )); then
    finished=$((finished + 1))
    if compare "$work/killed"; then last="finished: equal to the uninterrupted run"; else different=$((different + 1)); last="finished: DIFFERENT"; fi
    rm -rf "$work/killed"
  else
    other=$((other + 1))
  fi
  echo "attempt $attempt, SIGTERM after ${at} s: exit $rc; $last"
  rows+=("{\"attempt\": $attempt, \"sigterm_after_seconds\": $at, \"exit\": $rc, \"last_line\": \"$last\"}")
done
(run "$work/killed") > "$work/final.out" 2> "$work/final.err"; final=$?
finished=$((finished + 1))
compare "$work/killed" || different=$((different + 1))
crashes=$(ls "$work"/hs_err_*.log 2>/dev/null | wc -l)
faults=$(grep -l -E "SIGSEGV|SIGABRT|fatal error" "$work"/*.err 2>/dev/null | wc -l)
echo "SIGTERMs: $kills; finished runs compared: $finished, different: $different; other exits: $other; final exit $final; JVM crashes: $crashes; logs with native faults: $faults"
{ printf '{\n  "command": "bench/interrupts/sigterm.sh %s",\n  "date": "%s",\n  "uninterrupted_seconds": %s,\n  "files_compared_per_run": %s,\n  "attempts": [\n    ' "$n" "$(date -u +%FT%TZ)" "$ref_seconds" "$files"
  (IFS=$'\n'; echo "${rows[*]}" | paste -sd, | sed 's/},{/},\n    {/g')
  printf '  ],\n  "sigterms": %s,\n  "finished_runs_compared": %s,\n  "finished_runs_different": %s,\n  "other_exits": %s,\n  "final_exit": %s,\n  "jvm_crashes": %s,\n  "native_fault_logs": %s\n}\n' "$kills" "$finished" "$different" "$other" "$final" "$crashes" "$faults"
} > "$repo/bench/results/sigterm.json"
[[ $final -eq 0 && $crashes -eq 0 && $faults -eq 0 && $different -eq 0 && $other -eq 0 ]]
