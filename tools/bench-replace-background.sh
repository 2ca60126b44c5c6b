#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replace Background on a 2000 x 2000 photograph: plain (white, studio) and generated (20 steps, wood): the whole
# filter's seconds as the command line reports them (reading and writing the files not counted), beside the part
# spent in Select Subject's network (ISNet) timed in the same run, as a ratio that a busy machine moves less than
# the seconds; and the peak memory (RSS) of a plain run on a 6000 x 4000 photograph. Targets on 2 idle cores:
# plain < 3 s, generated < 15 s, memory bounded.
#
# usage: tools/bench-replace-background.sh [PHOTO] [RUNS=3]
set -euo pipefail
cd "$(dirname "$0")/.."
photo=${1:-../shared/data/products/watch_plain.jpg}
runs=${2:-3}
ninja -C build > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/convert "$photo" -resize '2000x2000!' -quality 92 "$work/big.jpg"
/usr/bin/convert "$photo" -resize '6000x4000!' -quality 92 "$work/huge.jpg"
run () { # LABEL INPUT ARGS...: one line of seconds, ratio and peak RSS
  local label=$1 input=$2
  shift 2
  G_MESSAGES_DEBUG=all /usr/bin/time -f 'peak-rss-kib %M' build/cli/atelier replace-background "$@" "$input" \
    "$work/out.png" 2>&1 | awk -v label="$label" '
    /select-subject: network/ { line = $0; sub(/.*network /, "", line); network = line + 0
                                sub(/.*matte /, "", line); matte = line + 0 }
    / -> / { total = $(NF - 1) }
    /peak-rss-kib/ { rss = $2 / 1024 }
    END { printf "%s: %.2f s; network %.2f s, matte %.2f s, the rest %.2f s; whole / network %.2f; peak RSS %.0f MiB\n",
                 label, total, network, matte, total - network - matte, total / network, rss }'
}
for _ in $(seq "$runs"); do
  run "white 2000x2000" "$work/big.jpg" --background white
  run "studio 2000x2000" "$work/big.jpg" --background studio
  run "generated wood 20 steps 2000x2000" "$work/big.jpg" --background generated --style wood --steps 20
done
run "white 6000x4000" "$work/huge.jpg" --background white
uptime
