#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# README quick start: installs the build dependencies on Debian 12, builds
# Atelier and runs its main job. Until the first capability lands the main job
# is the engine benchmark (`atelier bench`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
[[ -f build/build.ninja ]] || meson setup build
ninja -C build
build/cli/atelier bench "$@"
