# SPDX-License-Identifier: GPL-3.0-or-later
"""Which judged photographs the recipe reads "likely generated", per condition, with the JPEG quality of the
judged file (0: not a JPEG): the harness counts them, this names them. Scores are cross-fitted as the harness's
(no photograph is scored by a model trained on it).

    /usr/bin/python3 -m models.detector.false_alarms [--families F,...] [--synth-share S]
"""
import argparse
from pathlib import Path

from models.detector import conditions, harness, training_rows
from models.tools.paths import ROOT, SHARED


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--atelier", default=str(ROOT / "build/cli/atelier"))
    parser.add_argument("--synth", default=f"{harness.RUNS / 'synth'},{harness.RUNS / 'synth-taef2'}")
    parser.add_argument("--families", default=",".join(harness.RECIPE_FAMILIES))
    parser.add_argument("--synth-share", type=float, default=0.8)
    args = parser.parse_args()
    ev = harness.Evaluation(str(SHARED), args.atelier)
    rows = training_rows.TrainingRows(str(SHARED), args.atelier, args.synth, ev, args.synth_share)
    scores, _, _ = harness.recipe_scores(ev, rows, tuple(args.families.split(",")))
    s = scores(())
    for condition in conditions.FALSE_ALARM_CONDITIONS:
        for item in ev.photos:
            p = s[(item.path, condition)]
            if p > harness.LIKELY_GENERATED:
                quality = ev.table[str(ev.files[(item.path, condition)])][2]
                print(f"{condition}\t{p:.2f}\t{quality}\t{Path(item.path)}")


if __name__ == "__main__":
    main()
