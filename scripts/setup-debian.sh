#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs everything Atelier builds and tests with on Debian 12, from Debian's
# own packages. Idempotent: installs only what is missing.
#
# usage: scripts/setup-debian.sh [--models] [--screenshots]
#   --models       also what the training, conversion, golden-file and evaluation
#                  scripts in models/, tests/golden/ and tools/ use: PyTorch, PIL,
#                  SciPy, OpenCV and G'MIC (the inpainting peers), GIMP's extra
#                  patterns and the KDE and MATE wallpapers (training data), and
#                  ImageMagick (tools/'s benchmarks resize their photographs, its
#                  contact sheets are montages)
#   --screenshots  also what tools/gimp-dialog-screenshots.sh drives GIMP with:
#                  xdotool and ImageMagick
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libjson-glib-dev libopenblas-dev libfftw3-dev
  libpng-dev libjpeg-dev
  nettle-dev                 # SHA-256 of model weights with the CPU's SHA instructions
  libgexiv2-dev libcbor-dev exiv2   # provenance: XMP through exiv2, C2PA claims in CBOR; exiv2 -px in tests
  clang libclang-rt-14-dev   # libFuzzer and the sanitizer runtimes
  python3-numpy              # model converters
  python3-pytest             # their tests (models/tests); Ruff comes from npm (tools/lint-python.py)
  libgimp2.0-dev gimp        # the GIMP 2.10 plug-in and its gimp-console tests
  libgtk-3-dev xvfb xauth    # the GTK3 dialogs, tested under Xvfb
  slurm-wlm munge parallel jq  # the batch engines' tests (tests/batch/): a real single-node Slurm, GNU parallel
)
# npm fetches the pretrained super-resolution packages; a machine that already
# has Node.js from elsewhere keeps it.
command -v npm > /dev/null || packages+=(npm)
for option in "$@"; do
  case $option in
    --models) packages+=(python3-torch python3-pil python3-scipy python3-opencv gmic gimp-data-extras
                         plasma-workspace-wallpapers mate-backgrounds imagemagick) ;;
    --screenshots) packages+=(xdotool imagemagick) ;;
    *) echo "setup: unknown option $option (--models, --screenshots)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
