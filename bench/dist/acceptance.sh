#!/usr/bin/env bash
# Data-parallel acceptance figures on this machine (issue 13), side by side in one session: one process against
# `uqabench launch --nproc-per-node 2` over loopback Gloo, 1 libtorch thread per rank. Writes bench/results/dist.json.
# usage: bench/dist/acceptance.sh [WORK_DIR]   (about 15 minutes on 2 cores; builds the jar first if needed)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
W="${1:-/tmp/uqabench-dist}"
U="$HERE/uqabench"
CMP="python3 $HERE/bench/dist/compare.py"
rm -rf "$W" && mkdir -p "$W" && cd "$W"
export OMP_WAIT_POLICY=PASSIVE
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("",0)); print(s.getsockname()[1])'; }
declare -A R

# 1. pretraining on the quickstart data (4,000 users), one epoch, dropout-free preset: per-step loss and metrics
printf 'pretrain: {preset: tiny, epochs: 1}\n' > tiny.yaml
"$U" pretrain --run-dir p1 --config tiny.yaml --quiet
"$U" launch --nproc-per-node 2 --master-port "$(port)" -- pretrain --run-dir p2 --config tiny.yaml --quiet
R[pretrain_steps]=$($CMP steps p1/pretrain p2/pretrain 50)
R[pretrain_metrics]=$($CMP metrics p1/pretrain p2/pretrain)
# the quickstart preset (dropout 0.1: each slice draws its own masks, so the runs may differ within noise)
printf 'pretrain: {epochs: 1}\n' > drop.yaml
"$U" pretrain --run-dir d1 --config drop.yaml --quiet
"$U" launch --nproc-per-node 2 --master-port "$(port)" -- pretrain --run-dir d2 --config drop.yaml --quiet
R[pretrain_dropout_metrics]=$($CMP metrics d1/pretrain d2/pretrain)

# 2. alignment (one epoch) and sharded evaluation, in a small quickstart
printf 'data: {users: 800, items: 500}\nllm: {steps: 150, drills: 2000}\npretrain: {preset: tiny, epochs: 1}\nalign: {epochs: 1}\nlanes: 1\n' > qs.yaml
"$U" quickstart --run-dir q1 --config qs.yaml --quiet > /dev/null
"$U" launch --nproc-per-node 2 --master-port "$(port)" -- quickstart --run-dir q2 --config qs.yaml --quiet > /dev/null
R[align_adapter]=$($CMP weights q1/align/adapter.safetensors q2/align/adapter.safetensors)
R[align_learned_prompt]=$($CMP weights q1/align-learned-prompt/adapter.safetensors q2/align-learned-prompt/adapter.safetensors)
R[eval_predictions]=$($CMP predictions q1 q2)

# 3. two "nodes" on 127.0.0.1, one rank each: the same as one node with two ranks
P=$(port)
"$U" launch --nnodes 2 --node-rank 1 --nproc-per-node 1 --master-port "$P" -- pretrain --run-dir n2 --config tiny.yaml --quiet > /dev/null 2>&1 &
"$U" launch --nnodes 2 --node-rank 0 --nproc-per-node 1 --master-port "$P" -- pretrain --run-dir n2 --config tiny.yaml --quiet > /dev/null
wait
R[two_nodes_same_as_one_node]=$(cmp -s p2/pretrain/best/model.safetensors n2/pretrain/best/model.safetensors && echo true || echo false)

# 4. kill -9 one rank mid-epoch; the other stops naming it; the rerun resumes and ends as an uninterrupted run
printf 'data: {users: 3000, items: 1000}\npretrain: {preset: mini, epochs: 2, batch_size: 16, checkpoint_every: 20}\n' > kill.yaml
"$U" launch --nproc-per-node 2 --master-port "$(port)" -- pretrain --run-dir k0 --config kill.yaml --quiet > /dev/null 2>&1
"$U" launch --nproc-per-node 2 --master-port "$(port)" --timeout 60 -- pretrain --run-dir k1 --config kill.yaml > k1.out 2> k1.err &
LAUNCH=$!
until [[ -f k1/.pretrain.partial/last/trainer.json ]]; do sleep 0.1; done
sleep 2
VICTIM=$(grep -oE 'rank 1 of 2: pid [0-9]+' k1.err | grep -oE '[0-9]+$')
T0=$(date +%s.%N); kill -9 "$VICTIM"; wait "$LAUNCH" || true; T1=$(date +%s.%N)
R[kill_message]=$(grep -m1 'error: rank 1 of 2 was lost' k1.err | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))')
R[kill_seconds_to_exit]=$(python3 -c "print(round($T1 - $T0, 1))")
"$U" launch --nproc-per-node 2 --master-port "$(port)" -- pretrain --run-dir k1 --config kill.yaml > k1b.out 2> k1b.err
R[kill_resumed_from]=$(grep -m1 -oE 'resuming from the checkpoint of step [0-9]+' k1b.err | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read().strip()))')
R[kill_resumed_same_as_uninterrupted]=$(cmp -s k0/pretrain/best/model.safetensors k1/pretrain/best/model.safetensors && echo true || echo false)

# 5. bad input: one line naming the cause, a non-zero exit, nothing written
bad() { local out; set +e; out=$("$@" 2>&1 | grep -v '^\[launch\] rank' | grep -m1 'error'); local rc=${PIPESTATUS[0]}; set -e; python3 -c 'import json,sys; print(json.dumps({"exit": int(sys.argv[1]), "message": sys.argv[2]}))' "$rc" "$out"; }
R[bad_missing_master_addr]=$(WORLD_SIZE=2 RANK=0 bad "$U" pretrain --run-dir b1)
python3 -c 'import socket,time; s=socket.socket(); s.bind(("",29599)); s.listen(); time.sleep(60)' & HOLD=$!; sleep 1
R[bad_port_in_use]=$(bad "$U" launch --nproc-per-node 2 --master-port 29599 -- pretrain --run-dir b2)
kill $HOLD
P=$(port)
"$U" launch --nnodes 2 --node-rank 1 --nproc-per-node 1 --master-port "$P" -- pretrain --run-dir b3 --config drop.yaml > /dev/null 2>&1 &
R[bad_different_configs]=$(bad "$U" launch --nnodes 2 --node-rank 0 --nproc-per-node 1 --master-port "$P" -- pretrain --run-dir b3 --config tiny.yaml)
wait || true
R[bad_cuda]=$(bad "$U" pretrain --device cuda --run-dir b4)
R[bad_nothing_written]=$([[ ! -e b1 && ! -e b2 && ! -e b4 && -z "$(ls -A b3 2>/dev/null)" ]] && echo true || echo false)

{
  echo "{"
  echo "  \"machine\": \"$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\","
  echo "  \"load_average_at_end\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "  \"command\": \"bench/dist/acceptance.sh\","
  first=1
  for k in "${!R[@]}"; do
    [[ $first == 1 ]] || echo ","
    printf '  "%s": %s' "$k" "${R[$k]}"
    first=0
  done
  echo; echo "}"
} > "$HERE/bench/results/dist.json"
cat "$HERE/bench/results/dist.json"
