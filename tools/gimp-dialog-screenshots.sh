#!/bin/bash
# Screenshots of Atelier's dialogs inside a running GIMP 2.10: starts GIMP (its
# whole interface, single-window mode) under Xvfb on an isolated profile with
# the freshly built plug-in, opens a photograph, and calls each filter in
# RUN-INTERACTIVE mode from Script-Fu. For each dialog it waits for the window,
# lets the preview render, saves a screenshot of the screen and presses Escape
# (Cancel). Ends when GIMP has quit.
#
#   tools/gimp-dialog-screenshots.sh [BUILD_DIR] [OUTPUT_DIR]     (defaults: build docs)
#
# Needs gimp, xvfb, xdotool and imagemagick (bash scripts/setup-debian.sh --screenshots).
set -euo pipefail

build=$(realpath "${1:-build}")
out=$(realpath "${2:-docs}")
root=$(cd "$(dirname "$0")/.." && pwd)
photo=${ATELIER_SCREENSHOT_PHOTO:-$root/../shared/data/train/wikipedia-photos/014.png}
for tool in gimp-2.10 Xvfb xdotool import; do
  command -v "$tool" >/dev/null || { echo "gimp-dialog-screenshots: $tool is missing" >&2; exit 2; }
done
[ -x "$build/plugin/atelier" ] || { echo "gimp-dialog-screenshots: build the plug-in first ($build/plugin/atelier)" >&2; exit 2; }
[ -r "$photo" ] || { echo "gimp-dialog-screenshots: no photograph at $photo" >&2; exit 2; }

work=$(mktemp -d)
xvfb_pid=
gimp_pid=
cleanup() {
  [ -n "$gimp_pid" ] && kill "$gimp_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/profile/plug-ins/atelier"
cp "$build/plugin/atelier" "$work/profile/plug-ins/atelier/"
cat > "$work/profile/sessionrc" <<'RC'
(single-window-mode yes)
(session-info "toplevel"
    (factory-entry "gimp-single-image-window")
    (position 0 0)
    (size 1600 1000))
RC

display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1600x1000x24 -nolisten tcp &
xvfb_pid=$!
export DISPLAY=$display GIMP2_DIRECTORY=$work/profile ATELIER_MODEL_PATH=$root/models
sleep 2

# One batch command per filter: a cancelled dialog fails its command, not the next one's.
load="(img (car (gimp-file-load RUN-NONINTERACTIVE \"$photo\" \"$photo\"))) (drw (car (gimp-image-get-active-drawable img)))"
open_image="(let* ($load) (gimp-display-new img) (gimp-displays-flush))"
with_selection="(gimp-image-select-ellipse img CHANNEL-OP-REPLACE (* 0.40 (car (gimp-image-width img))) (* 0.45 (car (gimp-image-height img))) (* 0.18 (car (gimp-image-width img))) (* 0.2 (car (gimp-image-height img))))"
upscale="(let* ($load) (gimp-display-new img) $with_selection (plug-in-atelier-upscale RUN-INTERACTIVE img drw 4 2 0 0))"
inpaint="(let* ($load) (gimp-display-new img) $with_selection (plug-in-atelier-inpaint RUN-INTERACTIVE img drw 20 2.0 0 0 512))"
detect="(let* ($load) (gimp-display-new img) (plug-in-atelier-detect-ai RUN-INTERACTIVE img drw 0 1 0))"
plain_background="(let* ($load) (gimp-display-new img) (plug-in-atelier-plain-background RUN-INTERACTIVE img drw 2 '(60 120 180) '(255 255 255)))"
gimp-2.10 --no-splash -b "$open_image" -b "$upscale" -b "$inpaint" -b "$detect" -b "$plain_background" \
  -b '(gimp-quit 1)' > "$work/gimp.log" 2>&1 &
gimp_pid=$!

shoot() {
  local name=$1 title=$2 render_seconds=$3
  local window
  window=$(timeout 120 xdotool search --sync --onlyvisible --name "$title" | head -n 1) || {
    echo "gimp-dialog-screenshots: the $name dialog did not open" >&2; cat "$work/gimp.log" >&2; exit 1; }
  xdotool mousemove 0 999 # no tooltip over the dialog
  sleep "$render_seconds"
  import -window root -resize 1200x -strip -quality 92 "$out/gimp-dialog-$name.jpg"
  # No window manager: focus the dialog by hand, then a real key event (XTEST), which GTK does not ignore.
  xdotool windowfocus --sync "$window" key Escape
  echo "$out/gimp-dialog-$name.jpg"
}
shoot upscale "super-resolution" 6
shoot inpaint "Fill the selection" 10
shoot detect "Estimate how likely" 2
shoot plain-background "Add a layer of pure white" 1
wait "$gimp_pid" || true
gimp_pid=
