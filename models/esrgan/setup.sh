#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fetches UpscalerJS's ESRGAN packages from the npm registry, checks them
# against pinned checksums, and converts them into models/esrgan/ (the slim
# models are also committed). Conversion is deterministic: the converted
# weights must match SHA256SUMS.
#
# usage: models/esrgan/setup.sh [--fetch-only] [slim] [medium] [thick]   (default: all three)
#   --fetch-only: fetch, check and unpack the packages into the cache (for
#   TensorFlow.js, tools/bench-upscale.sh), convert nothing.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${ATELIER_CACHE_DIR:-$here/../.cache}/npm
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)  # absolute: the converter runs from the repository root
version=1.0.0
declare -A tarball_sha256=(
  [slim]=b53070ff01363e74d33138106dcc72b58d341c9fb7e8fd648554a4e7744142b5
  [medium]=367471ded0629387b9aabc75183be0b80d39d46c3f509945ebde4f5bf7a49627
  [thick]=3d38971084d8281bf68da443085c7eb65355fb28aa81b33b54f950cca6328a15
)
fetch_only=false
if [[ ${1:-} == --fetch-only ]]; then
  fetch_only=true
  shift
fi
sizes=("$@")
((${#sizes[@]})) || sizes=(slim medium thick)

# Fetches, checks and unpacks one package into $cache/esrgan-SIZE/package.
unpack() {
  local size=$1 tgz=$cache/upscalerjs-esrgan-$1-$version.tgz
  if [[ ! -f $tgz ]]; then
    echo "esrgan-$size: fetching @upscalerjs/esrgan-$size@$version from the npm registry"
    (cd "$cache" && npm pack --silent "@upscalerjs/esrgan-$size@$version" > /dev/null)
  fi
  echo "${tarball_sha256[$size]}  $tgz" | sha256sum --check --quiet
  rm -rf "$cache/esrgan-$size" && mkdir -p "$cache/esrgan-$size"
  tar -xzf "$tgz" -C "$cache/esrgan-$size"
}

for size in "${sizes[@]}"; do
  [[ -n ${tarball_sha256[$size]:-} ]] || { echo "unknown model size '$size'" >&2; exit 2; }
  if $fetch_only; then
    [[ -d $cache/esrgan-$size/package ]] || unpack "$size"
    continue
  fi
  if (cd "$here" && grep " esrgan-$size-" SHA256SUMS | sha256sum --check --quiet --status 2>/dev/null); then
    echo "esrgan-$size: converted weights present and verified"
    continue
  fi
  unpack "$size"
  # Run as a module from the repository root, the import root of the models package.
  (cd "$here/../.." && /usr/bin/python3 -m models.esrgan.convert_tfjs_esrgan "$cache/esrgan-$size/package" "$here")
  (cd "$here" && grep " esrgan-$size-" SHA256SUMS | sha256sum --check --quiet)
done
