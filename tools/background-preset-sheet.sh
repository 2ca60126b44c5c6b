#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The category presets' contact sheet (issue 25): six product photographs of the shared data, each framed as a
# marketplace asks (square, the product filling 85 %, centred) on a generated background of every preset, for
# every model configuration given: one row per photograph and configuration, the photograph first. Fixed seed 0.
# The subject is found once per photograph (`atelier select-subject`) and given to every run as --mask, so that
# the configurations differ only in their backgrounds.
#
# A configuration is LABEL=MODEL_DIR:ARGS: MODEL_DIR is put first on ATELIER_MODEL_PATH (a folder whose
# latent-unet.json is the U-Net to judge, "-" for the committed one), ARGS are replace-background's own (commas
# for spaces), e.g.
#   CONFIGS='v1-20=-:--steps,20 v2-20=/tmp/v2:--steps,20 v2-4=/tmp/v2:--steps,4 v1-fast=-:--speed,fast'
# Usage: [PHOTOS='a.jpg b.png'] [PRESETS='food home'] [SHEET=docs/x.jpg] [TILE=160] CONFIGS='...' \
#        tools/background-preset-sheet.sh [BUILD_DIR] [DATA_DIR] [WORK_DIR]
# WORK_DIR (default: a temporary one) keeps every finished run, so that a later call adds only what is missing.
# Run it niced (nice -n 10) on a shared machine: each configuration is 6 presets x 6 photographs of the filter.
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
presets=${PRESETS:-"jewellery clothing food cosmetics electronics home"}
sheet=${SHEET:-docs/background-presets-sheet.jpg}
tile=${TILE:-160}
configs=${CONFIGS:?name the configurations to compare, see the header}
cli=$(cd "$build/cli" && pwd)/atelier
mkdir -p "$work/masks"
for photo in $photos; do
  mask="$work/masks/${photo%.*}.png"
  [ -f "$mask" ] || "$cli" select-subject --quiet "$data/$photo" "$mask" > /dev/null
done
for config in $configs; do
  label=${config%%=*}
  rest=${config#*=}
  models=${rest%%:*}
  args=$(echo "${rest#*:}" | tr ',' ' ')
  path=${ATELIER_MODEL_PATH:-}
  [ "$models" = "-" ] || path="$models${path:+:$path}"
  for preset in $presets; do
    out="$work/$label/$preset"
    mkdir -p "$out"
    for photo in $photos; do
      [ -f "$out/$photo" ] && continue
      # shellcheck disable=SC2086 # ARGS are one word each
      ATELIER_MODEL_PATH=$path "$cli" replace-background --quiet --background generated --preset "$preset" \
        --seed 0 --canvas square --fill 85 --placement centre --mask "$work/masks/${photo%.*}.png" $args \
        "$data/$photo" "$out/$photo.partial.${photo##*.}" > /dev/null
      mv "$out/$photo.partial.${photo##*.}" "$out/$photo"
    done
  done
done
columns=1
for preset in $presets; do columns=$((columns + 1)); done
set --
first=1
for photo in $photos; do
  for config in $configs; do
    label=${config%%=*}
    if [ "$first" = 1 ]; then set -- "$@" -label photograph; else set -- "$@" -label "$label"; fi
    set -- "$@" "$data/$photo"
    for preset in $presets; do
      if [ "$first" = 1 ]; then set -- "$@" -label "$preset ($label)"; else set -- "$@" -label ""; fi
      set -- "$@" "$work/$label/$preset/$photo"
    done
    first=0
  done
done
montage "$@" -tile "${columns}x" -geometry "${tile}x${tile}+2+2" -pointsize 12 -background '#808080' -quality 82 \
  "$sheet"
ls -l "$sheet"
