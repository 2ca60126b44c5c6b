#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README quick start: installs the build dependencies and the pretrained models (ESRGAN, ISNet) on Debian 12,
# builds Atelier and runs its main job: Replace Background of the committed sample product photograph
# (docs/samples/), onto pure white and onto a studio sweep, into build/quickstart-white.png and
# build/quickstart-studio.png. Arguments are passed to both `atelier replace-background` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash models/esrgan/setup.sh
bash models/isnet/setup.sh
[[ -f build/build.ninja ]] || meson setup build
ninja -C build
input=docs/samples/cap-on-red-fabric.jpg
build/cli/atelier replace-background --background white "$@" "$input" build/quickstart-white.png
build/cli/atelier replace-background --background studio "$@" "$input" build/quickstart-studio.png
