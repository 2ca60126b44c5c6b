#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# An Atelier batch through GNU parallel: N shards of the list, J of them at a time, on this machine or on the
# machines of an --sshloginfile (which must see LIST, OUTPUT_DIR and the program at the same paths: a shared
# or synchronised folder). Each shard writes OUTPUT_DIR/.atelier-batch/shard-I-of-N.jsonl (docs/batch.md).
#
#   tools/batch/parallel.sh [-j JOBS] [-n SHARDS] [-t THREADS] [--sshloginfile FILE] LIST OUTPUT_DIR FILTER [OPTIONS...]
#
# Defaults: as many jobs as cores, as many shards as jobs, 1 thread per job. ATELIER names the program
# (default: `atelier` on PATH; give an absolute path for remote machines). Rerunning redoes only what is
# missing; the exit status is non-zero when any shard had a failure.
set -euo pipefail

jobs=$(nproc) shards='' threads=1 login=()
while (($# > 0)); do
  case $1 in
    -j) jobs=$2; shift 2 ;;
    -n) shards=$2; shift 2 ;;
    -t) threads=$2; shift 2 ;;
    --sshloginfile) login=(--sshloginfile "$2"); shift 2 ;;
    *) break ;;
  esac
done
if (($# < 3)); then
  echo "usage: $0 [-j JOBS] [-n SHARDS] [-t THREADS] [--sshloginfile FILE] LIST OUTPUT_DIR FILTER [OPTIONS...]" >&2
  exit 2
fi
list=$1 output_dir=$2
shift 2
# Every output records when it was made; one time for the whole catalogue (the list's modification time unless
# the caller set one) keeps shards, machines and resubmissions byte-identical (docs/batch.md).
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(stat -c %Y "$list")}
shards=${shards:-$jobs}
mkdir -p "$output_dir/.atelier-batch"
# {} is the shard's index; --halt never: one shard's failure does not stop the others, parallel's exit status
# counts the failed shards. With an sshloginfile, -j is per machine.
seq 0 $((shards - 1)) | parallel --halt never -j "$jobs" "${login[@]}" --line-buffer \
  "$(printf '%q ' "${ATELIER:-atelier}" "$@")" --threads "$threads" --output-dir "$(printf '%q' "$output_dir")" \
  --list "$(printf '%q' "$list")" --shard "{}/$shards" \
  --jsonl "$(printf '%q' "$output_dir")/.atelier-batch/shard-{}-of-$shards.jsonl"
