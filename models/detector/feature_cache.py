# SPDX-License-Identifier: GPL-3.0-or-later
"""The engine's features of many files, computed once per build of `atelier`: a cache keyed by the binary's
modification time, so that a rebuilt engine (changed features) recomputes them all."""
import pickle
from pathlib import Path

from models.detector.train_detector import extract_features


def features(atelier, files, cache_file):
    """{str(path): (features, set_aside)} and the feature names for @files."""
    stamp = Path(atelier).stat().st_mtime_ns
    cache = {"stamp": stamp, "names": None, "table": {}}
    if Path(cache_file).exists():
        with open(cache_file, "rb") as f:
            stored = pickle.load(f)
        if stored["stamp"] == stamp:
            cache = stored
    wanted = sorted({str(f) for f in files})
    missing = [f for f in wanted if f not in cache["table"]]
    if missing:
        print(f"computing the features of {len(missing)} files", flush=True)
        table, names = extract_features(atelier, missing)
        cache["table"].update(table)
        cache["names"] = names
        Path(cache_file).parent.mkdir(parents=True, exist_ok=True)
        with open(cache_file, "wb") as f:
            pickle.dump(cache, f)
    return {f: cache["table"][f] for f in wanted}, cache["names"]
