#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput of a batch on this machine (docs/batch.md): the same images by 1 task of 2 threads, 2 tasks of 1
# thread and 4 tasks of 1 thread, through tools/batch/parallel.sh; and a task's fixed cost, the model loaded
# once per task (the first image's filter time less the same image's again in the same task) and the
# process's start and end (the task's wall time less its images' own times). Prints a summary; keeps the
# JSON lines in RESULTS_DIR.
#
#   bash tools/batch/bench-batch.sh [--cost-only] BUILD_DIR RESULTS_DIR IMAGE... [-- FILTER OPTIONS...]
#   (default filter: replace-background --background white)
set -euo pipefail
cd "$(dirname "$0")/../.."
cost_only=false
[[ $1 == --cost-only ]] && { cost_only=true; shift; }
build=$(realpath "$1") results=$2
shift 2
images=()
while (($# > 0)) && [[ $1 != -- ]]; do images+=("$(realpath "$1")"); shift; done
(($# > 0)) && shift
filter=("$@")
((${#filter[@]})) || filter=(replace-background --background white)
export ATELIER=$build/cli/atelier
mkdir -p "$results"
printf '%s\n' "${images[@]}" > "$results/list.txt"
n=${#images[@]}
load() { cut -d' ' -f1 /proc/loadavg; }

echo "filter: ${filter[*]}; $n images; $(nproc) cores"
configs=("1 2" "2 1" "4 1")
$cost_only && configs=()
for config in "${configs[@]}"; do
  read -r tasks threads <<< "$config"
  out=$results/out-$tasks-tasks
  rm -rf "$out"
  before=$(load)
  TIMEFORMAT="%R %U %S"
  { time bash tools/batch/parallel.sh -j "$tasks" -n "$tasks" -t "$threads" "$results/list.txt" "$out" "${filter[@]}" \
      > "$results/log-$tasks-tasks.txt" 2>&1; } 2> "$results/time-$tasks-tasks.txt"
  read -r wall user sys < "$results/time-$tasks-tasks.txt"
  done_count=$(cat "$out"/.atelier-batch/shard-*.jsonl | jq -r 'select(.status == "done") | .input' | wc -l)
  awk -v t="$tasks" -v th="$threads" -v n="$done_count" -v w="$wall" -v u="$user" -v s="$sys" -v l0="$before" \
      -v l1="$(load)" 'BEGIN { printf "%d task(s) x %d thread(s): %d images in %.1f s wall = %.2f images/min; " \
      "CPU %.1f s = %.2f CPU s/image; load average %s -> %s\n", t, th, n, w, n * 60 / w, u + s, (u + s) / n, l0, l1 }'
done

# The fixed cost of a task, three times: one image twice (two names, one file) in a task of 2 threads, where
# the first image's filter time less the second's is the model's loading (wall time); and the CPU time of a
# task of that one image against a task of both, whose difference is one image's CPU, the rest the task's own.
echo "task cost:"
pair=$results/pair
TIMEFORMAT="%R %U %S"
for round in 1 2 3; do
  rm -rf "$pair" && mkdir -p "$pair/in"
  ln -s "${images[0]}" "$pair/in/a-first.${images[0]##*.}"
  ln -s "${images[0]}" "$pair/in/b-again.${images[0]##*.}"
  { time "$ATELIER" "${filter[@]}" --threads 2 --output-dir "$pair/one" "$pair"/in/a-* > /dev/null; } 2> "$pair/one.time"
  { time "$ATELIER" "${filter[@]}" --threads 2 --output-dir "$pair/two" --jsonl "$pair/lines.jsonl" "$pair"/in/* \
      > /dev/null; } 2> "$pair/two.time"
  read -r _ user1 sys1 < "$pair/one.time"
  read -r _ user2 sys2 < "$pair/two.time"
  jq -s -r --arg round "$round" --arg one "$(echo "$user1 + $sys1" | bc)" --arg two "$(echo "$user2 + $sys2" | bc)" \
    '($one | tonumber) as $c1 | ($two | tonumber) as $c2 |
     "  round \($round): model loading \(.[0].timings_ms.filter - .[1].timings_ms.filter) ms wall; CPU: task of 1 " +
     "image \($c1) s, of 2 \($c2) s: per image \($c2 - $c1 | . * 100 | round / 100) s, per task " +
     "\(2 * $c1 - $c2 | . * 100 | round / 100) s (image: filter \(.[1].timings_ms.filter) ms wall)"' "$pair/lines.jsonl"
done
