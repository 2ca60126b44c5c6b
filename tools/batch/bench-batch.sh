#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Throughput of a batch on this machine (docs/batch.md): the same images by 1 task of 2 threads, 2 tasks of 1
# thread and 4 tasks of 1 thread, through tools/batch/parallel.sh; and a task's fixed cost, the model loaded
# once per task (the first image's filter time less the same image's again in the same task) and the
# process's start and end (the task's wall time less its images' own times). Prints a summary; keeps the
# JSON lines in RESULTS_DIR.
#
#   bash tools/batch/bench-batch.sh BUILD_DIR RESULTS_DIR IMAGE... [-- FILTER OPTIONS...]
#   (default filter: replace-background --background white)
set -euo pipefail
cd "$(dirname "$0")/../.."
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
for config in "1 2" "2 1" "4 1"; do
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

# The fixed cost of a task: one image twice (two names, one file) in one task of 2 threads, three times.
echo "task cost (first image's filter time less the second's; task wall less its images' totals):"
pair=$results/pair
for round in 1 2 3; do
  rm -rf "$pair" && mkdir -p "$pair/in"
  ln -s "${images[0]}" "$pair/in/a-first.${images[0]##*.}"
  ln -s "${images[0]}" "$pair/in/b-again.${images[0]##*.}"
  start=$(date +%s.%N)
  "$ATELIER" "${filter[@]}" --threads 2 --output-dir "$pair/out" --jsonl "$pair/lines.jsonl" "$pair"/in/* > /dev/null
  end=$(date +%s.%N)
  jq -s -r --arg wall "$(echo "$end - $start" | bc)" --arg round "$round" \
    '"  round \($round): model loading \(.[0].timings_ms.filter - .[1].timings_ms.filter) ms, start and end of the " +
     "process \((($wall | tonumber) * 1000 - .[0].timings_ms.total - .[1].timings_ms.total) | floor) ms " +
     "(image: filter \(.[1].timings_ms.filter) ms, load \(.[1].timings_ms.load) ms, save \(.[1].timings_ms.save) ms)"' \
    "$pair/lines.jsonl"
done
