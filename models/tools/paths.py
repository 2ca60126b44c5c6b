# SPDX-License-Identifier: GPL-3.0-or-later
"""Where the scripts' default inputs and outputs lie: the repository (build/, docs/, models/) and the data
folder beside it (../shared: training photographs, original weights, evaluation sets)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
