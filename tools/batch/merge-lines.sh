#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One report from a batch's JSON lines (OUTPUT_DIR/.atelier-batch/shard-*.jsonl, whichever engine ran the
# shards): every input once, sorted, in REPORT.jsonl, and a CSV of the main figures in REPORT.csv; prints the
# count per status. With --listing, also runs `atelier check-listing` over the outputs into REPORT-listing.csv
# (the marketplace figures: white border, product fill, long side, aspect).
#
#   tools/batch/merge-lines.sh [--listing] OUTPUT_DIR REPORT
set -euo pipefail

listing=false
[[ ${1:-} == --listing ]] && { listing=true; shift; }
if (($# != 2)); then
  echo "usage: $0 [--listing] OUTPUT_DIR REPORT" >&2
  exit 2
fi
output_dir=$1 report=$2
# A shard that was rerun rewrote its file, so an input appears once per file; were two files to name it (two
# runs with different shard counts), the last one in file order wins.
cat "$output_dir"/.atelier-batch/shard-*.jsonl \
  | jq -s -c 'group_by(.input) | map(last) | sort_by(.input) | .[]' > "$report.jsonl"
jq -r '[.input, .status, .output, (.timings_ms.total // ""), (.output_width // ""), (.output_height // ""),
        (.["subject untouched"] // ""), (.error // "")] | @csv' "$report.jsonl" \
  | sed '1i "input","status","output","milliseconds","output_width","output_height","subject_untouched","error"' \
  > "$report.csv"
jq -r '.status' "$report.jsonl" | sort | uniq -c
if $listing; then
  "${ATELIER:-atelier}" check-listing "$output_dir" > "$report-listing.csv"
fi
