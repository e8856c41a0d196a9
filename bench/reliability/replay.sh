#!/usr/bin/env bash
# Reliability replay (issue 12): makes ~100 bad inputs in a temporary folder -- configs, Arrow release folders,
# CSV/RecBole imports, LLM folders, CLI misuse -- runs the real ./uqabench launcher on each and checks that it is
# refused the way README's "Exit codes" promise: the documented exit (2 for bad input), ONE message line naming the
# file/row/key/tensor, no Java stack trace, no JVM crash (hs_err_pid*.log), nothing half-written (every file and
# folder in the case's working folder is as before, but for a run folder's .uqabench.lock).
#
# usage: bench/reliability/replay.sh [--keep] [--only CATEGORY]
# writes: a table on stdout and bench/results/reliability.json; exits 0 when every case passes, 1 otherwise.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
UQA="$ROOT/uqabench"
RESULTS="$ROOT/bench/results/reliability.json"
KEEP=0
ONLY=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) KEEP=1 ;;
    --only) ONLY="$2"; shift ;;
    *) echo "usage: $0 [--keep] [--only CATEGORY]" >&2; exit 2 ;;
  esac
  shift
done
export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
CASE_TIMEOUT="${CASE_TIMEOUT:-180}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/uqabench-reliability.XXXXXX")"
FX="$WORK/fixtures"
ROWS="$WORK/rows.jsonl"
: > "$ROWS"
cleanup() { [[ $KEEP == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"; }
trap cleanup EXIT

# the jar first (the launcher would build it inside the first case otherwise)
"$UQA" --version >/dev/null || { echo "cannot run $UQA" >&2; exit 1; }
JAVA_CP="$ROOT/target/uqabench.jar:$ROOT/target/lib/*"
bad_arrow() { java --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$JAVA_CP" "$ROOT/bench/reliability/BadArrow.java" "$@"; }

# ---------------------------------------------------------------- fixtures (good inputs the cases spoil)
mkdir -p "$FX"
cat > "$FX/tiny.yaml" <<'EOF'
data: {users: 300, items: 200, categories: 10, brands: 20, shops: 20, sellers: 20, min_sequence_length: 10, max_sequence_length: 30}
llm: {hidden_size: 32, layers: 1, heads: 2, kv_heads: 1, intermediate_size: 64, steps: 5, batch_size: 4, warmup_steps: 1, drills: 10, max_tokens: 256}
pretrain: {preset: tiny, max_length: 30, epochs: 1, batch_size: 32, warmup_steps: 1}
align: {epochs: 1, batch_size: 16}
text_events: [5]
EOF
echo "[replay] fixtures in $FX (a tiny quickstart, ~20 s) ..." >&2
(
  cd "$FX" || exit 1
  "$UQA" data synth-log --users 150 --items 120 --format csv -o log >/dev/null 2>&1 &&
  "$UQA" data synth-log --users 60 --items 120 -o rb >/dev/null 2>&1 &&
  "$UQA" data import csv --interactions log/interactions.csv --items log/items.csv --held-out-fraction 0.4 -o rel >/dev/null 2>&1 &&
  "$UQA" quickstart --config tiny.yaml --run-dir run --quiet >/dev/null 2>&1 &&
  bad_arrow negative-id rel/pretrain_data_train.arrow negative.arrow &&
  bad_arrow empty rel/pretrain_data_train.arrow empty.arrow &&
  bad_arrow wrong-types rel/pretrain_data_train.arrow wrong-types.arrow
) || { echo "[replay] could not make the fixtures" >&2; exit 1; }
GOOD_LLM="$FX/run/llm/model"

# ---------------------------------------------------------------- one case
# check CATEGORY NAME EXPECT MENTION CMD CASEDIR BEFORE EXIT STDOUT STDERR SECONDS
json_row() { jq -cn --arg category "$1" --arg name "$2" --arg command "$3" --argjson exit "$4" --argjson expected "$5" \
  --arg first_stderr_line "$6" --arg verdict "$7" --arg why "$8" --argjson seconds "$9" --arg finished "${10:-}" \
  '{category:$category,name:$name,command:$command,exit:$exit,expected_exit:$expected,first_stderr_line:$first_stderr_line,
    pass:($verdict=="pass"),why:$why,seconds:$seconds}
   + (if $finished == "" then {} else {note: ("finished stages before the failure: " + $finished)} end)' >> "$ROWS"; }

snapshot() { (cd "$1" && find . -mindepth 1 ! -name .uqabench.lock \( -type f -printf 'f %p %s %T@\n' -o -type d -printf 'd %p\n' -o -printf 'o %p\n' \) | sort); }

# the message lines of stderr: not progress ([uqabench] ...) and not warnings
message_lines() { grep -v -e '^\[uqabench\] ' -e '^warning: ' "$1" | grep -v '^[[:space:]]*$'; }

verdict() { # CATEGORY NAME EXPECT MENTION CMD CASEDIR BEFORE EXIT STDOUT STDERR SECONDS [ALLOW_WRITES]
  local category=$1 name=$2 expect=$3 mention=$4 cmd=$5 dir=$6 before=$7 code=$8 out=$9 err=${10} secs=${11} allow=${12:-}
  local why=() lines first
  lines=$(message_lines "$err" | wc -l)
  first=$(message_lines "$err" | head -1)
  [[ "$code" == "$expect" ]] || why+=("exit $code, expected $expect")
  if [[ "$code" == 124 ]]; then why+=("timed out after ${CASE_TIMEOUT}s"); fi
  if [[ "$expect" != 0 ]]; then
    [[ "$lines" == 1 ]] || why+=("$lines message lines on stderr, expected 1")
    if [[ -n "$mention" ]] && ! message_lines "$err" | head -1 | grep -q -E -- "$mention"; then why+=("message does not name /$mention/"); fi
  fi
  if grep -q -E $'^\tat |^Exception in thread|^Caused by: |^java\\.[a-z.]+[A-Za-z]*(Exception|Error)' "$out" "$err"; then why+=("stack trace"); fi
  if compgen -G "$dir/hs_err_pid*.log" >/dev/null || compgen -G "$dir/**/hs_err_pid*.log" >/dev/null || [[ "$code" -ge 128 && "$code" != 130 && "$code" != 143 ]]; then
    why+=("JVM crash (exit $code)"); fi
  local finished=""
  if [[ -z "$allow" ]]; then
    # every file and folder as before, except: a new run folder (its lock), finished stages (a folder with a
    # manifest.json, written whole by StageRunner). Flagged: changed or removed files, new files elsewhere,
    # *.partial/*.tmp leftovers, new empty folders.
    local changed="" side kind path rest up
    while read -r side kind path rest; do
      [[ -n "$path" ]] || continue
      path=${path#./}
      if [[ $side == "<" ]]; then changed+="$path(changed/removed) "; continue; fi
      if [[ $path == *.partial || $path == *.partial/* || $path == *.tmp || $path == */.*.tmp* ]]; then changed+="$path "; continue; fi
      if [[ $kind == d ]]; then
        [[ -n "$(find "$dir/$path" -mindepth 1 -print -quit 2>/dev/null)" ]] || changed+="$path/(empty) "
        continue
      fi
      up=$(dirname "$path")
      while [[ "$up" != "." && ! -f "$dir/$up/manifest.json" ]]; do up=$(dirname "$up"); done
      if [[ "$up" != "." ]]; then [[ " $finished " == *" $up "* ]] || finished+="$up "; continue; fi
      changed+="$path "
    done < <(diff <(printf '%s\n' "$before" | sed '/^$/d') <(snapshot "$dir") | grep '^[<>]')
    [[ -z "$changed" ]] || why+=("wrote or changed: $(echo "$changed" | cut -c1-300)")
  fi
  local v=pass
  [[ ${#why[@]} == 0 ]] || v=fail
  json_row "$category" "$name" "$cmd" "$code" "$expect" "$first" "$v" "$(IFS='; '; echo "${why[*]:-}")" "$secs" "$finished"
  printf '%-4s %-10s %-44s exit %-3s %s\n' "$v" "$category" "$name" "$code" "${first:0:110}" >&2
  [[ $v == pass ]] || printf '       why: %s\n' "$(IFS='; '; echo "${why[*]}")" >&2
  [[ -z "$finished" ]] || printf '       note: finished stages before the failure: %s\n' "$finished" >&2
}

N=0
# c CATEGORY NAME EXPECT MENTION SETUP ARGS... : SETUP (shell, run in the case folder) makes the bad input,
# then `uqabench ARGS...` runs there; $FX, $GOOD_LLM are the good fixtures.
c() {
  local category=$1 name=$2 expect=$3 mention=$4 setup=$5
  shift 5
  [[ -z "$ONLY" || "$ONLY" == "$category" ]] || return 0
  N=$((N + 1))
  local dir="$WORK/cases/$N"
  mkdir -p "$dir"
  (cd "$dir" && eval "$setup") || { json_row "$category" "$name" "setup" 0 "$expect" "" fail "setup failed" 0; return; }
  local before
  before=$(snapshot "$dir")
  local start=$SECONDS
  (cd "$dir" && timeout "$CASE_TIMEOUT" "$UQA" "$@" > "$WORK/out.$N" 2> "$WORK/err.$N" < /dev/null)
  local code=$?
  verdict "$category" "$name" "$expect" "$mention" "uqabench $*" "$dir" "$before" "$code" "$WORK/out.$N" "$WORK/err.$N" $((SECONDS - start))
}
Q=(quickstart --quiet --config "$FX/tiny.yaml" --run-dir r)   # a quickstart that would finish in ~20 s
cfg() { printf '%s\n' "$1" > bad.yaml; }

# ---------------------------------------------------------------- configs
c config unknown-key 2 "pretrain\.batchsize" "cfg 'pretrain: {batchsize: 16}'" quickstart --config bad.yaml --run-dir r
c config unknown-top-level-key 2 "pretrainn" "cfg 'pretrainn: {epochs: 1}'" quickstart --config bad.yaml --run-dir r
c config old-camelcase-key 2 "max_length" "cfg 'pretrain: {maxLength: 50}'" quickstart --config bad.yaml --run-dir r
c config old-camelcase-top-level 2 "text_events" "cfg 'textEvents: [5]'" quickstart --config bad.yaml --run-dir r
c config batch-size-fraction 2 "pretrain\.batch_size" "cfg 'pretrain: {batch_size: 2.5}'" quickstart --config bad.yaml --run-dir r
c config string-for-int 2 "pretrain\.epochs" "cfg 'pretrain: {epochs: three}'" quickstart --config bad.yaml --run-dir r
c config list-for-map 2 "qa\.alignment_per_user" "cfg 'qa: {alignment_per_user: [1, 2]}'" quickstart --config bad.yaml --run-dir r
c config map-for-number 2 "'seed'" "cfg 'seed: {a: 1}'" quickstart --config bad.yaml --run-dir r
c config list-for-section 2 "'pretrain'" "cfg 'pretrain: [1, 2]'" quickstart --config bad.yaml --run-dir r
c config negative-batch-size 2 "pretrain\.batch_size" "cfg 'pretrain: {batch_size: -4}'" quickstart --config bad.yaml --run-dir r
c config zero-batch-size 2 "align\.batch_size" "cfg 'align: {batch_size: 0}'" quickstart --config bad.yaml --run-dir r
c config learning-rate-1e400 2 "pretrain\.learning_rate" "cfg 'pretrain: {learning_rate: 1e400}'" quickstart --config bad.yaml --run-dir r
c config learning-rate-inf 2 "align\.learning_rate" "cfg 'align: {learning_rate: .inf}'" quickstart --config bad.yaml --run-dir r
c config learning-rate-nan 2 "llm\.learning_rate" "cfg 'llm: {learning_rate: .nan}'" quickstart --config bad.yaml --run-dir r
c config users-2e9 2 "data\.users" "cfg 'data: {users: 2000000000}'" quickstart --config bad.yaml --run-dir r
c config users-overflow 2 "data\.users" "cfg 'data: {users: 99999999999}'" quickstart --config bad.yaml --run-dir r
c config fraction-above-one 2 "data\.held_out_user_fraction" "cfg 'data: {held_out_user_fraction: 1.5}'" quickstart --config bad.yaml --run-dir r
c config bad-enum 2 "pretrain\.loss" "cfg 'pretrain: {loss: foo}'" quickstart --config bad.yaml --run-dir r
c config upper-case-enum 2 "sampled_softmax" "cfg 'pretrain: {loss: SAMPLED_SOFTMAX}'" quickstart --config bad.yaml --run-dir r
c config unknown-encoder 2 "pretrain\.encoder" "cfg 'pretrain: {encoder: foo}'" quickstart --config bad.yaml --run-dir r
c config unknown-preset 2 "pretrain\.preset" "cfg 'pretrain: {preset: enormous}'" quickstart --config bad.yaml --run-dir r
c config text-events-zero 2 "text_events" "cfg 'text_events: [0]'" quickstart --config bad.yaml --run-dir r
c config llm-dtype-fp8-in-config 2 "llm_dtype|fp8" "cfg 'sources: {llm_dtype: fp8}'" quickstart --config bad.yaml --run-dir r
c config derived-key-conflict 2 "llm\.warmup_steps" "cfg 'llm: {steps: 10, warmup_steps: 50}'" quickstart --config bad.yaml --run-dir r
c config empty-file 2 "bad\.yaml" ": > bad.yaml" quickstart --config bad.yaml --run-dir r
c config comments-only 2 "bad\.yaml" "cfg '# nothing here'" quickstart --config bad.yaml --run-dir r
c config invalid-yaml 2 "bad\.yaml" "cfg 'pretrain: {batch_size: 16'" quickstart --config bad.yaml --run-dir r
c config yaml-tab-indent 2 "bad\.yaml" "printf 'pretrain:\n\tepochs: 1\n' > bad.yaml" quickstart --config bad.yaml --run-dir r
c config duplicate-key 2 "seed" "printf 'seed: 1\nseed: 2\n' > bad.yaml" quickstart --config bad.yaml --run-dir r
c config top-level-list 2 "bad\.yaml" "cfg '- seed: 1'" quickstart --config bad.yaml --run-dir r
c config json-syntax 2 "bad\.json" "echo '{\"pretrain\": {\"epochs\": 1,}}' > bad.json" quickstart --config bad.json --run-dir r
c config json-unknown-key 2 "pretrain\.epoch" "echo '{\"pretrain\": {\"epoch\": 1}}' > bad.json" quickstart --config bad.json --run-dir r
c config missing-file 2 "nosuch\.yaml" ":" quickstart --config nosuch.yaml --run-dir r
c config directory-as-file 2 "adir" "mkdir adir" quickstart --config adir --run-dir r
c config study-unknown-key 2 "encoderz" "cfg 'encoderz: [sasrec]'" study --config bad.yaml
c config study-unknown-encoder 2 "encoders|foo" "cfg 'encoders: [foo]'" study --config bad.yaml
c config study-bad-metric 2 "metric" "cfg 'metric: nonsense'" study --config bad.yaml
c config study-bad-base-key 2 "base\.pretrain\.epoch" "cfg 'base: {pretrain: {epoch: 1}}'" study --config bad.yaml
c config study-missing-file 2 "nosuch\.yaml" ":" study --config nosuch.yaml

# ---------------------------------------------------------------- Arrow release folders (--data)
cp_rel='cp -r "$FX/rel" d'
c arrow missing-folder 2 "nosuch" ":" data stats nosuch
c arrow folder-is-a-file 2 "afile" "echo x > afile" data stats afile
c arrow missing-train-file 2 "pretrain_data_train\.arrow" "$cp_rel && rm d/pretrain_data_train.arrow" data stats d
c arrow missing-eval-file 2 "pretrain_data_eval\.arrow" "$cp_rel && rm d/pretrain_data_eval.arrow" data stats d
# the release itself has no dataset.json: its table sizes are the release's (documented), so this one is read
c arrow missing-dataset-json-is-the-release 0 "" "$cp_rel && rm d/dataset.json" data stats d
c arrow garbage-dataset-json 2 "dataset\.json" "$cp_rel && echo 'not json {' > d/dataset.json" data stats d
c arrow dataset-json-missing-table-sizes 2 "dataset\.json.*table_sizes" "$cp_rel && jq 'del(.table_sizes)' \"\$FX/rel/dataset.json\" > d/dataset.json" data stats d
c arrow dataset-json-wrong-type 2 "dataset\.json.*table_sizes" "$cp_rel && jq '.table_sizes.item_id = \"many\"' \"\$FX/rel/dataset.json\" > d/dataset.json" data stats d
c arrow dataset-json-negative-size 2 "dataset\.json.*item_id" "$cp_rel && jq '.table_sizes.item_id = -3' \"\$FX/rel/dataset.json\" > d/dataset.json" data stats d
c arrow truncated-arrow 2 "pretrain_data_train\.arrow" "$cp_rel && head -c 50000 \"\$FX/rel/pretrain_data_train.arrow\" > d/pretrain_data_train.arrow" data stats d
c arrow garbage-arrow 2 "pretrain_data_train\.arrow" "$cp_rel && head -c 4000 /dev/urandom > d/pretrain_data_train.arrow" data stats d
c arrow zero-byte-arrow 2 "pretrain_data_eval\.arrow" "$cp_rel && : > d/pretrain_data_eval.arrow" data stats d
c arrow truncated-future 2 "future_data\.arrow" "$cp_rel && head -c 9000 \"\$FX/rel/future_data.arrow\" > d/future_data.arrow" data stats d
c arrow wrong-column-types 2 "pretrain_data_train\.arrow.*item_id" "$cp_rel && cp \"\$FX/wrong-types.arrow\" d/pretrain_data_train.arrow" data stats d
c arrow negative-id 2 "pretrain_data_train\.arrow.*row 3" "$cp_rel && cp \"\$FX/negative.arrow\" d/pretrain_data_train.arrow" data stats d
c arrow out-of-table-id 2 "pretrain_data_train\.arrow.*row [0-9]" "$cp_rel && jq '.table_sizes.item_id = 10' \"\$FX/rel/dataset.json\" > d/dataset.json" data stats d
c arrow qs-missing-folder 2 "nosuch" ":" "${Q[@]}" --data nosuch
c arrow qs-truncated-arrow 2 "pretrain_data_train\.arrow" "$cp_rel && head -c 50000 \"\$FX/rel/pretrain_data_train.arrow\" > d/pretrain_data_train.arrow" "${Q[@]}" --data d
c arrow qs-wrong-column-types 2 "pretrain_data_train\.arrow" "$cp_rel && cp \"\$FX/wrong-types.arrow\" d/pretrain_data_train.arrow" "${Q[@]}" --data d
c arrow qs-empty-train-table 2 "pretrain_data_train\.arrow" "$cp_rel && cp \"\$FX/empty.arrow\" d/pretrain_data_train.arrow" "${Q[@]}" --data d
c arrow qs-negative-id 2 "pretrain_data_train\.arrow.*row 3" "$cp_rel && cp \"\$FX/negative.arrow\" d/pretrain_data_train.arrow" "${Q[@]}" --data d
c arrow qs-out-of-table-id 2 "\.arrow.*row [0-9]" "$cp_rel && jq '.table_sizes.item_id = 10' \"\$FX/rel/dataset.json\" > d/dataset.json" "${Q[@]}" --data d
c arrow qs-garbage-catalog 2 "catalog\.jsonl" "$cp_rel && echo '{broken' > d/catalog.jsonl" "${Q[@]}" --data d
c arrow qs-missing-tokenizer 2 "tokenizer" "$cp_rel && rm d/tokenizer.json" "${Q[@]}" --data d
c arrow qs-missing-eval-file 2 "pretrain_data_eval\.arrow" "$cp_rel && rm d/pretrain_data_eval.arrow" "${Q[@]}" --data d
c arrow qs-garbage-dataset-json 2 "dataset\.json" "$cp_rel && echo '[1,2' > d/dataset.json" "${Q[@]}" --data d
c arrow qs-missing-feature-tokenizer 2 "nosuch" "$cp_rel" "${Q[@]}" --data d --feature-tokenizer nosuch/tokenizer.json

# ---------------------------------------------------------------- CSV and RecBole imports
csv() { printf "$1" > in.csv; }
CSV=(data import csv --interactions in.csv -o out)
c csv missing-column 2 "in\.csv.*timestamp" "csv 'user,item\n1,2\n'" "${CSV[@]}"
c csv non-numeric-timestamp 2 "in\.csv.*(line|row) 3" "csv 'user,item,timestamp\n1,2,100\n1,3,yesterday\n'" "${CSV[@]}"
c csv empty-file 2 "in\.csv" ": > in.csv" "${CSV[@]}"
c csv header-only 2 "in\.csv" "csv 'user,item,timestamp\n'" "${CSV[@]}"
c csv duplicated-header 2 "in\.csv.*user" "csv 'user,user,item,timestamp\n1,1,2,100\n'" "${CSV[@]}"
c csv ragged-row 2 "in\.csv.*(line|row) 3" "csv 'user,item,timestamp\n1,2,100\n1,3\n'" "${CSV[@]}"
c csv missing-file 2 "nosuch\.csv" ":" data import csv --interactions nosuch.csv -o out
c csv path-is-a-directory 2 "adir" "mkdir adir" data import csv --interactions adir -o out
c csv items-missing-id-column 2 "items\.csv.*item" "cp \"\$FX/log/interactions.csv\" in.csv && printf 'id,category\n1,a\n' > items.csv" "${CSV[@]}" --items items.csv
c csv output-exists 2 "out.*--force" "cp \"\$FX/log/interactions.csv\" in.csv && mkdir out && echo mine > out/mine.txt" "${CSV[@]}"
c csv output-parent-is-a-file 2 "afile" "cp \"\$FX/log/interactions.csv\" in.csv && echo x > afile" data import csv --interactions in.csv -o afile/out
c csv min-rating-not-a-number 2 "--min-rating" "cp \"\$FX/log/interactions.csv\" in.csv" "${CSV[@]}" --min-rating abc
c csv min-rating-without-rating-column 2 "rating" "csv 'user,item,timestamp\n1,2,100\n'" "${CSV[@]}" --min-rating 4
c csv min-rating-drops-everything 2 "--min-rating|rating" "cp \"\$FX/log/interactions.csv\" in.csv" "${CSV[@]}" --min-rating 99
c csv min-rating-nan 2 "--min-rating" "cp \"\$FX/log/interactions.csv\" in.csv" "${CSV[@]}" --min-rating NaN
c csv bad-delimiter 2 "--delimiter" "cp \"\$FX/log/interactions.csv\" in.csv" "${CSV[@]}" --delimiter ab
c csv bad-future-fraction 2 "--future-fraction" "cp \"\$FX/log/interactions.csv\" in.csv" "${CSV[@]}" --future-fraction 1.5
c csv bad-noun 2 "--noun" "cp \"\$FX/log/interactions.csv\" in.csv" "${CSV[@]}" --noun colour=hue
c csv too-few-events 2 "in\.csv|--min-events" "csv 'user,item,timestamp\n1,2,100\n'" "${CSV[@]}"
RB=(data import recbole d -o out)
rb() { mkdir -p d && printf "$1" > d/d.inter; }
c recbole missing-folder 2 "nosuch" ":" data import recbole nosuch -o out
c recbole no-inter-file 2 "d.*\.inter" "mkdir d && echo x > d/readme.txt" "${RB[@]}"
c recbole missing-user-field 2 "d\.inter.*user_id" "rb 'item_id:token\ttimestamp:float\n1\t100\n'" "${RB[@]}"
c recbole non-numeric-timestamp 2 "d\.inter.*(line|row) 3" "rb 'user_id:token\titem_id:token\ttimestamp:float\n1\t2\t100\n1\t3\tabc\n'" "${RB[@]}"
c recbole empty-inter 2 "d\.inter" "mkdir d && : > d/d.inter" "${RB[@]}"
c recbole duplicated-header 2 "d\.inter.*item_id" "rb 'user_id:token\titem_id:token\titem_id:token\ttimestamp:float\n1\t2\t2\t100\n'" "${RB[@]}"
c recbole bad-field-type 2 "d\.inter.*user_id" "rb 'user_id:banana\titem_id:token\ttimestamp:float\n1\t2\t100\n'" "${RB[@]}"
c recbole map-unknown-field 2 "--map|nosuchfield" "cp -r \"\$FX/rb\" d" data import recbole d --dataset rb -o out --map category=nosuchfield
c recbole map-unknown-feature 2 "--map|colour" "cp -r \"\$FX/rb\" d" data import recbole d --dataset rb -o out --map colour=class
c recbole map-without-equals 2 "--map" "cp -r \"\$FX/rb\" d" data import recbole d --dataset rb -o out --map category
c recbole min-rating-bad 2 "--min-rating" "cp -r \"\$FX/rb\" d" data import recbole d --dataset rb -o out --min-rating x
c recbole garbage-mapping-file 2 "map\.yaml" "cp -r \"\$FX/rb\" d && echo '{{' > map.yaml" data import recbole d --dataset rb -o out --mapping map.yaml
c recbole output-exists 2 "out.*--force" "cp -r \"\$FX/rb\" d && mkdir out && echo mine > out/mine.txt" data import recbole d --dataset rb -o out

# ---------------------------------------------------------------- LLM folders (--llm)
cp_llm='cp -r "$GOOD_LLM" m'
nan_weights='header=$(od -An -t u8 -N8 m/model.safetensors | tr -d " "); for i in $(seq 16); do printf "\x00\x00\xc0\x7f"; done | dd of=m/model.safetensors bs=1 seek=$((8 + header)) conv=notrunc status=none'
CHAT=(chat --llm m hi)
c llm missing-folder 2 "nosuch" ":" chat --llm nosuch hi
c llm missing-config 2 "config\.json" "$cp_llm && rm m/config.json" "${CHAT[@]}"
c llm garbage-config 2 "config\.json" "$cp_llm && echo '{not json' > m/config.json" "${CHAT[@]}"
c llm unsupported-architecture 2 "config\.json.*(gpt2|model_type|architecture)" "$cp_llm && jq '.model_type = \"gpt2\" | .architectures = [\"GPT2LMHeadModel\"]' \"\$GOOD_LLM/config.json\" > m/config.json" "${CHAT[@]}"
c llm config-missing-hidden-size 2 "config\.json.*hidden_size" "$cp_llm && jq 'del(.hidden_size)' \"\$GOOD_LLM/config.json\" > m/config.json" "${CHAT[@]}"
c llm config-heads-do-not-divide 2 "config\.json.*(num_attention_heads|hidden_size|head)" "$cp_llm && jq '.num_attention_heads = 3 | del(.head_dim)' \"\$GOOD_LLM/config.json\" > m/config.json" "${CHAT[@]}"
c llm missing-weights 2 "model\.safetensors|weights" "$cp_llm && rm m/model.safetensors" "${CHAT[@]}"
c llm garbage-weights 2 "model\.safetensors" "$cp_llm && head -c 3000 /dev/urandom > m/model.safetensors" "${CHAT[@]}"
c llm truncated-weights 2 "model\.safetensors" "$cp_llm && head -c 20000 \"\$GOOD_LLM/model.safetensors\" > m/model.safetensors" "${CHAT[@]}"
c llm shape-mismatch 2 "model\.safetensors.*(shape|mlp)" "$cp_llm && jq '.intermediate_size = 96' \"\$GOOD_LLM/config.json\" > m/config.json" "${CHAT[@]}"
c llm nan-weights 2 "model\.safetensors.*(NaN|nan|finite)" "$cp_llm && $nan_weights" "${CHAT[@]}"
c llm missing-index-shard 2 "safetensors" "$cp_llm && mv m/model.safetensors m/other.safetensors && echo '{\"weight_map\": {\"model.embed_tokens.weight\": \"model-00001-of-00002.safetensors\"}}' > m/model.safetensors.index.json" "${CHAT[@]}"
c llm missing-tokenizer 2 "tokenizer\.json" "$cp_llm && rm m/tokenizer.json" "${CHAT[@]}"
c llm garbage-tokenizer 2 "tokenizer\.json" "$cp_llm && echo 'garbage' > m/tokenizer.json" "${CHAT[@]}"
c llm vocab-too-small 2 "tokenizer\.json.*vocab_size" "$cp_llm && jq '.vocab_size = 10' \"\$GOOD_LLM/config.json\" > m/config.json" "${CHAT[@]}"
c llm garbage-tokenizer-config 2 "tokenizer_config\.json" "$cp_llm && echo '{{{' > m/tokenizer_config.json" "${CHAT[@]}"
c llm bad-chat-template 2 "tokenizer_config\.json|template" "$cp_llm && jq '.chat_template = \"{% for m in messages %}{{ m.content \"' \"\$GOOD_LLM/tokenizer_config.json\" > m/tokenizer_config.json" "${CHAT[@]}"
c llm chat-dtype-fp8 2 "--dtype|fp8" "$cp_llm" chat --llm m --dtype fp8 hi
c llm qs-llm-dtype-fp8 2 "--llm-dtype|fp8" "$cp_llm" "${Q[@]}" --llm m --llm-dtype fp8
c llm qs-missing-config 2 "config\.json" "$cp_llm && rm m/config.json" "${Q[@]}" --llm m
c llm qs-garbage-weights 2 "model\.safetensors" "$cp_llm && head -c 3000 /dev/urandom > m/model.safetensors" "${Q[@]}" --llm m
c llm qs-missing-tokenizer 2 "tokenizer\.json" "$cp_llm && rm m/tokenizer.json" "${Q[@]}" --llm m
c llm qs-nan-weights 2 "model\.safetensors.*(NaN|nan|finite)" "$cp_llm && $nan_weights" "${Q[@]}" --llm m

# ---------------------------------------------------------------- CLI misuse
c cli unknown-command 2 "frobnicate" ":" frobnicate
c cli unknown-option 2 "--frobnicate" ":" quickstart --frobnicate
c cli unknown-data-subcommand 2 "export|Unmatched" ":" data export x
c cli missing-required-option 2 "--interactions" ":" data import csv -o out
c cli missing-required-parameter 2 "DIR|directory|Missing" ":" data stats
c cli chat-without-llm 2 "--llm" ":" chat hi
c cli missing-option-value 2 "--run-dir" ":" quickstart --run-dir
c cli bad-number 2 "--max-new-tokens" "$cp_llm" chat --llm m --max-new-tokens abc hi
c cli zero-max-new-tokens 2 "--max-new-tokens" "$cp_llm" chat --llm m --max-new-tokens 0 hi
c cli top-p-above-one 2 "--top-p" "$cp_llm" chat --llm m --top-p 2 hi
c cli negative-users 2 "--users|users" ":" data synth-log --users -5 -o out
c cli users-not-a-number 2 "--users" ":" data synth-log --users many -o out
c cli bad-format 2 "--format" ":" data synth-log --format parquet -o out
c cli audit-missing-folder 2 "nosuch" ":" audit nosuch
c cli audit-no-questions 2 "qa" "mkdir rd" audit rd
c cli audit-questions-without-options 2 "questions_.*\.jsonl.*options" "mkdir rd && cp -r \"\$FX/run/qa\" rd/qa && cp -r \"\$FX/run/data\" rd/data && for f in rd/qa/questions_*.jsonl; do jq -c 'del(.options)' \"\$f\" > t && mv t \"\$f\"; done" audit rd
c cli audit-garbage-questions 2 "questions_.*\.jsonl" "mkdir rd && cp -r \"\$FX/run/qa\" rd/qa && cp -r \"\$FX/run/data\" rd/data && echo '{oops' >> rd/qa/questions_eval.jsonl" audit rd
c cli audit-bad-limit 2 "limit" "mkdir rd && cp -r \"\$FX/run/qa\" rd/qa" audit rd --all-limit 150
c cli audit-bad-data-folder 2 "nosuch" "mkdir rd && cp -r \"\$FX/run/qa\" rd/qa" audit rd --data nosuch
c cli stats-on-non-release-folder 2 "log" "cp -r \"\$FX/log\" log" data stats log
c cli stats-on-run-folder 2 "run" "mkdir run && cp -r \"\$FX/run/qa\" run/qa" data stats run
c cli run-dir-is-a-file 2 "afile" "echo x > afile" quickstart --quiet --config "$FX/tiny.yaml" --run-dir afile
c cli run-dir-parent-is-a-file 2 "afile" "echo x > afile" quickstart --quiet --config "$FX/tiny.yaml" --run-dir afile/r
c cli config-defaults-extra-arg 2 "extra|Unmatched" ":" config --defaults extra
c cli encoders-unknown-option 2 "--frob" ":" encoders --frob

# two runs on one --run-dir at once: the second must exit 2 naming the lock holder
if [[ -z "$ONLY" || "$ONLY" == cli ]]; then
  N=$((N + 1)); dir="$WORK/cases/$N"; mkdir -p "$dir"
  (cd "$dir" && "$UQA" "${Q[@]}" > "$WORK/first.$N" 2>&1) & first=$!
  for _ in $(seq 200); do [[ -s "$dir/r/.uqabench.lock" ]] && break; sleep 0.1; done
  before=$(snapshot "$dir")   # the first run keeps writing: judge the second by its own output only
  start=$SECONDS
  (cd "$dir" && timeout "$CASE_TIMEOUT" "$UQA" "${Q[@]}" > "$WORK/out.$N" 2> "$WORK/err.$N" < /dev/null); code=$?
  verdict cli second-run-same-run-dir 2 "another uqabench run.*pid [0-9]+" "uqabench quickstart --run-dir r (while another runs)" \
    "$dir" "$before" "$code" "$WORK/out.$N" "$WORK/err.$N" $((SECONDS - start)) allow-writes
  wait "$first"; first_code=$?
  [[ $first_code == 0 ]] || echo "[replay] note: the first run of the lock case exited $first_code" >&2

  # user files under --run-dir survive a quickstart, with and without --force
  N=$((N + 1)); dir="$WORK/cases/$N"; mkdir -p "$dir/r/data/mine" "$dir/r/notes"
  cp -r "$FX/run/." "$dir/r/"
  echo "my file" > "$dir/r/data/mine/f"; echo "my notes" > "$dir/r/notes/n.txt"; echo "top" > "$dir/r/mine.txt"
  for force in "" --force; do
    start=$SECONDS
    (cd "$dir" && timeout "$CASE_TIMEOUT" "$UQA" "${Q[@]}" $force > "$WORK/out.$N" 2> "$WORK/err.$N" < /dev/null); code=$?
    lost=""
    for f in r/data/mine/f r/notes/n.txt r/mine.txt; do [[ -f "$dir/$f" ]] || lost+="$f "; done
    before=$(snapshot "$dir")
    verdict cli "user-files-survive-quickstart${force:+-force}" 0 "" "uqabench quickstart --run-dir r $force (user files inside)" \
      "$dir" "$before" "$code" "$WORK/out.$N" "$WORK/err.$N" $((SECONDS - start)) allow-writes
    if [[ -n "$lost" ]]; then   # turn the row into a failure naming what was lost
      tmp=$(mktemp); head -n -1 "$ROWS" > "$tmp"
      tail -1 "$ROWS" | jq -c --arg lost "$lost" '.pass = false | .why = ((.why | if . == "" then "" else . + "; " end) + "lost: " + $lost)' >> "$tmp"
      mv "$tmp" "$ROWS"; echo "       lost: $lost" >&2
    fi
  done
fi

# ---------------------------------------------------------------- summary
mkdir -p "$(dirname "$RESULTS")"
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)" '
  {date: $date, commit: $commit,
   totals: {cases: length, passed: (map(select(.pass)) | length), failed: (map(select(.pass | not)) | length),
            stack_traces: (map(select(.why | test("stack trace"))) | length),
            jvm_crashes: (map(select(.why | test("JVM crash"))) | length),
            half_written: (map(select(.why | test("wrote or changed|lost:"))) | length),
            wrong_exit: (map(select(.why | test("^exit|; exit"))) | length),
            not_one_line: (map(select(.why | test("message lines"))) | length),
            not_naming: (map(select(.why | test("does not name"))) | length)},
   by_category: (group_by(.category) | map({key: .[0].category, value: {cases: length, passed: (map(select(.pass)) | length)}}) | from_entries),
   cases: .}' "$ROWS" > "$RESULTS"
echo
printf '%-10s %6s %6s\n' category cases passed
jq -r '.by_category | to_entries[] | "\(.key) \(.value.cases) \(.value.passed)"' "$RESULTS" | while read -r k n p; do printf '%-10s %6s %6s\n' "$k" "$n" "$p"; done
jq -r '.totals | "total      \(.cases|tostring|.[0:6]) \(.passed)   (stack traces \(.stack_traces), JVM crashes \(.jvm_crashes), half-written \(.half_written), wrong exit \(.wrong_exit), not one line \(.not_one_line), not naming \(.not_naming))"' "$RESULTS"
echo "wrote $RESULTS"
[[ "$(jq '.totals.failed' "$RESULTS")" == 0 ]]
