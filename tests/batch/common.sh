# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# What the batch engines' tests share (sourced by tests/batch/slurm-test.sh and parallel-test.sh): the
# catalogue, the one-process reference run, and the checks that a sharded run made the same bytes, every
# output once, and one JSON line per input.

# One time for every provenance record of the test's runs (docs/batch.md): the reference run and the shards
# then write the same bytes.
export SOURCE_DATE_EPOCH=1700000000

# The filter the engines run: fast enough for CI, a real network, deterministic whatever the thread count.
FILTER=(upscale --model slim --scale 2)
IMAGES=20

# make_catalogue BUILD DIR: the images and DIR/list.txt naming them.
make_catalogue() {
  local build=$1 dir=$2
  "$build/tests/make-test-catalogue" "$dir/catalogue" "$IMAGES" 160
  ls "$dir"/catalogue/*.png > "$dir/list.txt"
}

# reference_run ATELIER DIR: the whole list by one process into DIR/reference.
reference_run() {
  local atelier=$1 dir=$2
  "$atelier" "${FILTER[@]}" --threads 1 --output-dir "$dir/reference" --list "$dir/list.txt" > /dev/null
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# check_identical DIR OUTPUT_DIR: every reference output in OUTPUT_DIR with the same bytes, nothing else there
# (no temporary file left), and the shards' JSON lines naming every input exactly once, done or skipped.
check_identical() {
  local dir=$1 out=$2 name
  for reference in "$dir"/reference/*.png; do
    name=$(basename "$reference")
    cmp -s "$reference" "$out/$name" || fail "$out/$name differs from the one-process run (or is missing)"
  done
  local outputs
  outputs=$(find "$out" -maxdepth 1 -type f | wc -l)
  ((outputs == IMAGES)) || fail "$out holds $outputs files, not $IMAGES: $(ls -A "$out")"
  local lines inputs failed
  lines=$(cat "$out"/.atelier-batch/shard-*.jsonl | wc -l)
  inputs=$(cat "$out"/.atelier-batch/shard-*.jsonl | jq -r .input | sort -u | wc -l)
  failed=$(cat "$out"/.atelier-batch/shard-*.jsonl | jq -r 'select(.status != "done" and .status != "skipped") | .input' | wc -l)
  ((lines == IMAGES && inputs == IMAGES && failed == 0)) \
    || fail "$out: $lines JSON lines for $inputs inputs ($failed not done), wanted one each for $IMAGES"
}
