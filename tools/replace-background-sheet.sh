#!/bin/sh
# The contact sheet docs/replace-background-sheet.jpg: six product photographs of the shared data (a bottle, shoes,
# a bag, a watch, a coffee cup, a hair dryer), each as it was and then on every background kind and style of Replace
# Background, framed as a marketplace asks (square, the product filling 85 %, centred); the subject found by ISNet,
# the generated backgrounds with seed 0, 20 steps. Each kind runs once over all the photographs (one process, models
# loaded once); JOBS kinds run at once. Each column is labelled with its kind in the first row.
# Usage: [PHOTOS='a.jpg b.png'] [STYLES='wood bokeh'] [SHEET=docs/x.jpg] [JOBS=3] [TILE=200]
#        tools/replace-background-sheet.sh [BUILD_DIR] [DATA_DIR] [WORK_DIR]
# PHOTOS and STYLES narrow the sheet (default: the six photographs, all seven styles; on 2 busy cores a generated
# style takes some 10 to 15 minutes for the six). WORK_DIR (default: a temporary one) keeps each finished kind, and
# a batch skips the photographs it has already done, so that a later run adds only what is missing. Run it niced
# (nice -n 10) on a shared machine. Needs ImageMagick's montage.
set -eu
build=${1:-build}
data=${2:-/work/shared/data/products}
work=${3:-}
if [ -z "$work" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi
photos=${PHOTOS:-"bottle_vitamins_white.jpg shoes_kids_on_floor.jpg bag_duffel_white.jpg watch_plain.jpg
coffee_cup_on_table.png hairdryer_plain.jpg"}
styles=${STYLES:-"studio wood stone fabric paper bokeh photo"}
sheet=${SHEET:-docs/replace-background-sheet.jpg}
jobs=${JOBS:-1}
tile=${TILE:-200}
plain="white colour gradient studio"
inputs=""
for photo in $photos; do inputs="$inputs $data/$photo"; done
# one kind over every photograph into WORK_DIR/NAME, unless a finished one is there; ARGS... as the command line's
run_kind () {
  name=$1
  shift
  [ -d "$work/$name" ] && return 0
  # shellcheck disable=SC2086 # one argument per photograph and option
  "$build/cli/atelier" replace-background --canvas square --fill 85 --placement centre "$@" \
    --output-dir "$work/$name.partial" $inputs > "$work/$name.log"
  mv "$work/$name.partial" "$work/$name"
}
for kind in $plain; do
  run_kind "$kind" --background "$kind" --colour '#e4e8ee' --bottom-colour '#b8c0cc'
done
# the generated styles, JOBS at a time
running=0
for style in $styles; do
  run_kind "generated-$style" --background generated --style "$style" --seed 0 --steps 20 &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait
    running=0
  fi
done
wait
for style in $styles; do
  [ -d "$work/generated-$style" ] || { echo "generated-$style did not finish: see $work/generated-$style.log" >&2; exit 1; }
done
columns=1
for kind in $plain $styles; do columns=$((columns + 1)); done
# the first row's tiles carry the column's name, the others none
label () { if [ "$first" = 1 ]; then echo "$1"; else echo ""; fi; }
set --
first=1
for photo in $photos; do
  set -- "$@" -label "$(label photograph)" "$data/$photo"
  for kind in $plain; do set -- "$@" -label "$(label "$kind")" "$work/$kind/$photo"; done
  for style in $styles; do set -- "$@" -label "$(label "generated $style")" "$work/generated-$style/$photo"; done
  first=0
done
montage "$@" -tile "${columns}x" -geometry "${tile}x${tile}+3+3" -pointsize 14 -background '#808080' -quality 82 \
  "$sheet"
ls -l "$sheet"
