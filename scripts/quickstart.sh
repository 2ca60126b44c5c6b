#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README quick start: installs the build dependencies and the pretrained
# super-resolution models on Debian 12, builds Atelier and runs its main job:
# a x4 upscale of a Set5 photograph with the default model, into
# build/quickstart-x4.png. Arguments are passed to `atelier upscale`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash models/esrgan/setup.sh
[[ -f build/build.ninja ]] || meson setup build
ninja -C build
input=../shared/data/sr-dev/Set5/butterfly.png
[[ -f $input ]] || input=tests/data/grey8.png
build/cli/atelier upscale --scale 4 "$@" "$input" build/quickstart-x4.png
