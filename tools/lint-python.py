# SPDX-License-Identifier: GPL-3.0-or-later
"""Runs Ruff on every Python file of the repository with the settings of pyproject.toml's [tool.ruff].

Debian 12 packages no Ruff and PyPI is out of reach, so this runs Astral's own WebAssembly build of Ruff
(npm @astral-sh/ruff-wasm-nodejs, pinned by version and sha256) under Node.js, fetched once into the cache
that models/esrgan/setup.sh uses. The WebAssembly build checks a file's text without its path: settings that
name paths (per-file-ignores, exclude) cannot apply, so pyproject.toml uses none.

usage: /usr/bin/python3 tools/lint-python.py [FILE.py...]   (default: every tracked and new .py file)"""
import hashlib
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "@astral-sh/ruff-wasm-nodejs"
VERSION = "0.17.3"
TARBALL_SHA256 = "f4b0ead67ac080b5ff92b558f3b061fdd4917453567042e784dfea9a77749b83"
# Reads {"module", "settings", "files"} on stdin, prints one JSON list of [file, diagnostics] pairs.
CHECK_JS = """
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ruff = require(input.module);
const workspace = new ruff.Workspace(input.settings, ruff.PositionEncoding.Utf32);
const fs = require("fs");
console.log(JSON.stringify(input.files.map(f => [f, workspace.check(fs.readFileSync(f, "utf8"))])));
"""


def ruff_module():
    """The unpacked package's entry point, fetched and checked against the pinned sha256 if absent."""
    cache = Path(os.environ.get("ATELIER_CACHE_DIR", ROOT / "models/.cache")) / "npm"
    unpacked = cache / f"ruff-wasm-nodejs-{VERSION}"
    if not (unpacked / "package/ruff_wasm.js").exists():
        cache.mkdir(parents=True, exist_ok=True)
        tarball = cache / f"astral-sh-ruff-wasm-nodejs-{VERSION}.tgz"
        if not tarball.exists():
            print(f"lint: fetching {PACKAGE}@{VERSION} from the npm registry", file=sys.stderr)
            subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{VERSION}"], cwd=cache, check=True,
                           stdout=subprocess.DEVNULL)
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != TARBALL_SHA256:
            raise SystemExit(f"lint: {tarball} has sha256 {digest}, expected {TARBALL_SHA256}")
        unpacked.mkdir(exist_ok=True)
        subprocess.run(["tar", "-xzf", str(tarball), "-C", str(unpacked)], check=True)
    return str(unpacked / "package/ruff_wasm.js")


def python_files():
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "*.py"],
                            cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()
    return [name for name in listed if (ROOT / name).exists()]


def main():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    files = sys.argv[1:] or python_files()
    request = {"module": ruff_module(), "settings": settings, "files": [str(ROOT / f) for f in files]}
    result = subprocess.run(["node", "-e", CHECK_JS], input=json.dumps(request), cwd=ROOT, check=True,
                            capture_output=True, text=True)
    problems = 0
    for path, diagnostics in json.loads(result.stdout):
        for d in diagnostics:
            where = d["start_location"]
            print(f"{os.path.relpath(path, ROOT)}:{where['row']}:{where['column']}: {d['code']} {d['message']}")
            problems += 1
    print(f"ruff {VERSION}: {len(files)} files, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
