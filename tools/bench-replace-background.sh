#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replace Background on a 2000 x 2000 photograph: plain (white, studio) and generated (20 steps, wood): the filter's
# seconds as the command line's JSON line reports them (the run and the layers composited; reading and writing the
# files apart), split into Select Subject's network (ISNet) and matte and the rest, the rest into its stages (the
# subject's other work: opening ISNet and its input; the foreground estimate, the edge colours, the background, the
# shadow, the layers) from the debug lines; the network's share, which a busy machine moves less than the seconds;
# the whole process's CPU seconds, which load moves far less than wall seconds; and the peak memory (RSS) of a plain
# run on a 6000 x 4000 photograph. Targets on 2 idle cores: plain < 3 s,
# generated < 15 s, memory bounded.
#
# usage: [BUILD=build] [PLAIN_ONLY=1] tools/bench-replace-background.sh [PHOTO] [RUNS=3]
# BUILD names another build directory, or a folder holding only cli/atelier (e.g. of an earlier commit, to time
# before and after in one run);
# PLAIN_ONLY=1 leaves out the generated background and the 6000 x 4000 run.
set -euo pipefail
cd "$(dirname "$0")/.."
photo=${1:-../shared/data/products/watch_plain.jpg}
runs=${2:-3}
build=${BUILD:-build}
if [ -f "$build/build.ninja" ]; then ninja -C "$build" cli/atelier > /dev/null; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/convert "$photo" -resize '2000x2000!' -quality 92 "$work/big.jpg"
/usr/bin/convert "$photo" -resize '6000x4000!' -quality 92 "$work/huge.jpg"
run () { # LABEL INPUT ARGS...: one line of seconds, shares and peak RSS
  local label=$1 input=$2
  shift 2
  rm -rf "$work/out"
  G_MESSAGES_DEBUG=all /usr/bin/time -f 'peak-rss-kib %M cpu-s %U %S' "$build/cli/atelier" replace-background "$@" \
    --output-dir "$work/out" --jsonl - "$input" 2>&1 | awk -v label="$label" '
    function after(line, key) { sub(".*" key, "", line); return line + 0 } # the number that follows KEY
    /select-subject: network/ { network = after($0, "network "); matte = after($0, "matte ") }
    /replace-background: subject/ { subject = after($0, "subject "); foreground = after($0, "foreground ")
                                    edges = after($0, "edge colours "); drawn = after($0, "background ")
                                    shadow = after($0, "shadow "); layers = after($0, "layers ") }
    /"timings_ms"/ { line = $0; sub(/.*"timings_ms":/, "", line)
                     load = after(line, "\"load\":") / 1000; filter = after(line, "\"filter\":") / 1000
                     save = after(line, "\"save\":") / 1000 }
    /peak-rss-kib/ { rss = $2 / 1024; cpu = $4 + $5 }
    END { format = "%s: filter %.2f s = network %.2f + matte %.2f + the rest %.2f (ISNet opened and its input %.2f, "
          format = format "foreground %.2f, edge colours %.2f, background %.2f, shadow %.2f, layers %.2f, "
          format = format "composite %.2f); load %.2f s, save %.2f s; filter / network %.2f; "
          format = format "CPU (user + system, whole process) %.2f s; peak RSS %.0f MiB\n"
          printf format, label, filter, network, matte, filter - network - matte, subject - network - matte,
                 foreground, edges, drawn, shadow, layers, filter - subject - foreground - edges - drawn - shadow - layers,
                 load, save, (network > 0 ? filter / network : 0), cpu, rss }'
}
for _ in $(seq "$runs"); do
  run "white 2000x2000" "$work/big.jpg" --background white
  run "studio 2000x2000" "$work/big.jpg" --background studio
  [ "${PLAIN_ONLY:-0}" = 1 ] ||
    run "generated wood 20 steps 2000x2000" "$work/big.jpg" --background generated --style wood --steps 20
done
[ "${PLAIN_ONLY:-0}" = 1 ] || run "white 6000x4000" "$work/huge.jpg" --background white
uptime
