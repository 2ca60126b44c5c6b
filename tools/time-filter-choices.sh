#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Seconds (wall and CPU) of each speed/quality choice of the filters on one photograph, for the table in
# docs/performance.md from which the defaults are chosen: upscale with every model at x2 and x4, inpaint and a
# generated background at 4, 8 and 20 steps, select subject with and without edge refinement. The photograph is
# the 1000x700 centre of phone_case_in_hand_sky.jpg from the development data unless given; inpaint fills a
# centred box of a quarter of its area. Prints one line per choice: CHOICE wall_s cpu_s peak_MiB, then the load
# average (the machine is shared: compare lines of one run).
#
# usage: bash tools/time-filter-choices.sh [WORK_DIR=/work/runs/rel/choices] [SHARED=/work/shared] [ONLY=.]
#        (ONLY: a regular expression; only the choices whose name matches it, e.g. 'thick|steps')
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/work/runs/rel/choices}
shared=${2:-/work/shared}
only=${3:-.}
mkdir -p "$work"
[[ -f build/build.ninja ]] || meson setup build
ninja -C build > /dev/null
photo=$work/photo-1000x700.png
mask=$work/box-mask.png
/usr/bin/python3 - "$shared/data/products/phone_case_in_hand_sky.jpg" "$photo" "$mask" <<'PY'
import sys
from PIL import Image
src = Image.open(sys.argv[1]).convert("RGB")
src.info.pop("icc_profile", None)
left, top = (src.width - 1000) // 2, (src.height - 700) // 2
# without its ICC profile, which libpng calls "known incorrect" and the PNG writer refuses
src.crop((left, top, left + 1000, top + 700)).save(sys.argv[2], icc_profile=None)
mask = Image.new("L", (1000, 700), 0)
mask.paste(255, (250, 175, 750, 525))
mask.save(sys.argv[3])
PY
choice() {
  local name=$1
  shift
  [[ $name =~ $only ]] || return 0
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" build/cli/atelier "$@" --quiet > /dev/null
  awk -v n="$name" '{ printf "%-34s %8.1f %8.1f %6.0f\n", n, $1, $2 + $3, $4 / 1024 }' "$work/time"
}
echo "choice                              wall_s    cpu_s  peak_MiB"
for model in slim medium thick; do
  for scale in 2 4; do
    choice "upscale $model x$scale" upscale --model "$model" --scale "$scale" "$photo" "$work/up.png"
  done
done
for steps in 4 8 20; do
  choice "inpaint $steps steps (box 25 %)" inpaint --steps "$steps" --mask "$mask" "$photo" "$work/fill.png"
done
for steps in 4 8 20; do
  choice "replace-background generated $steps steps" replace-background --background generated --steps "$steps" \
    "$photo" "$work/bg.png"
done
choice "select-subject refine-edges" select-subject "$photo" "$work/sel.png"
choice "select-subject no-refine-edges" select-subject --no-refine-edges "$photo" "$work/sel.png"
uptime
