#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The GNU parallel recipe (tools/batch/parallel.sh) with local jobs: 20 images in 4 shards, 2 at a time, give
# the bytes of a one-process run with one JSON line per input; a rerun skips every one of them.
#
#   bash tests/batch/parallel-test.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/batch/common.sh
build=$(realpath "${1:?usage: $0 BUILD_DIR}")
export ATELIER=$build/cli/atelier
for program in parallel jq; do
  command -v "$program" > /dev/null || fail "$program is missing: bash scripts/setup-debian.sh installs it"
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_catalogue "$build" "$work"
reference_run "$ATELIER" "$work"
bash tools/batch/parallel.sh -j 2 -n 4 "$work/list.txt" "$work/out" "${FILTER[@]}" > /dev/null
check_identical "$work" "$work/out"
bash tools/batch/parallel.sh -j 2 -n 4 "$work/list.txt" "$work/out" "${FILTER[@]}" > /dev/null
check_identical "$work" "$work/out"
skipped=$(cat "$work"/out/.atelier-batch/shard-*.jsonl | jq -r 'select(.status == "skipped") | .input' | wc -l)
((skipped == IMAGES)) || fail "the rerun skipped $skipped of $IMAGES finished images"
bash tools/batch/merge-lines.sh --listing "$work/out" "$work/report" > /dev/null
rows=$(($(wc -l < "$work/report.csv") - 1))
listed=$(($(wc -l < "$work/report-listing.csv") - 1))
((rows == IMAGES && listed == IMAGES)) || fail "the merged report has $rows rows and the listing $listed, not $IMAGES"
echo "parallel-test: passed"
