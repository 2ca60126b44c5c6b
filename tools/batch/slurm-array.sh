#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One Slurm array task of an Atelier batch: task I of the array processes shard I/N of the list (N = the
# array's size), writes its outputs atomically into OUTPUT_DIR, skips what an earlier run finished, and writes
# its JSON lines to OUTPUT_DIR/.atelier-batch/shard-I-of-N.jsonl (docs/batch.md merges them).
#
#   sbatch --array=0-7 --cpus-per-task=2 tools/batch/slurm-array.sh LIST OUTPUT_DIR FILTER [FILTER OPTIONS...]
#   e.g. ... slurm-array.sh catalogue.txt done/ replace-background --background white
#
# ATELIER names the program (default: `atelier` on PATH). Resubmitting the same command after a failure or a
# cancelled task redoes only what is missing. The array must be 0-based with step 1 (`--array=0-7%4` to run
# 4 at a time is fine).
#SBATCH --job-name=atelier-batch
#SBATCH --cpus-per-task=1
#SBATCH --output=atelier-batch-%A_%a.log
set -euo pipefail

if (($# < 3)); then
  echo "usage: sbatch --array=0-N $0 LIST OUTPUT_DIR FILTER [FILTER OPTIONS...]" >&2
  exit 2
fi
list=$1 output_dir=$2
shift 2
# Every output records when it was made; one time for the whole catalogue (the list's modification time unless
# the caller set one) keeps shards, machines and resubmissions byte-identical (docs/batch.md).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(stat -c %Y "$list")}
: "${SLURM_ARRAY_TASK_ID:?not in a Slurm job array: submit with sbatch --array=0-N}"
# The array's size from its bounds, not SLURM_ARRAY_TASK_COUNT, which a throttle (%k) does not change either
# but which older Slurm releases do not set.
count=$((SLURM_ARRAY_TASK_MAX - SLURM_ARRAY_TASK_MIN + 1))
index=$((SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN))
lines=$output_dir/.atelier-batch/shard-$index-of-$count.jsonl
mkdir -p "$(dirname "$lines")"
exec "${ATELIER:-atelier}" "$@" --threads "${SLURM_CPUS_PER_TASK:-1}" --output-dir "$output_dir" \
  --list "$list" --shard "$index/$count" --jsonl "$lines"
