# SPDX-License-Identifier: GPL-3.0-or-later
"""The detector's evaluation harness: the targets of issue #19 measured for the committed model and for the
training recipe, with 95 % bootstrap intervals.

- ROC AUC per generator of ../shared/data/forensics-train against the judged photographs (forensics-train's
  own, Set5/Set14, the Debian wallpaper photographs) as the files came, after JPEG 75-90, after a 0.5x reduction
  and after both. The recipe is measured leave-one-generator-out and cross-fitted: the model that scores a
  generator's images in fold k never saw that generator, nor any image of fold k (prompts of dcsan/imagen, which
  its folders share; photographs), so no photograph is scored by a model trained on it.
- The share of judged photographs read "likely generated" (p > 0.7), sharp and blurred by 1 px, as PNG and JPEG
  90 (cross-fitted likewise for the recipe).
- forensics-dev's faces at native PNG (AUC within each size folder, averaged, as evaluate.py does).
- Reliability per condition: how many images of each class fall in each verdict band.

    /usr/bin/python3 -m models.detector.harness --report FILE          # the committed model and the recipe
    /usr/bin/python3 -m models.detector.harness --skip-committed --families angle,peaks  # an ablation
    /usr/bin/python3 -m models.detector.harness --write-model models/detector  # and write the recipe's model
"""
import argparse
import json
from pathlib import Path

import numpy as np

from models.detector import conditions, evaluation_sets, recipe, training_rows
from models.detector.evaluate import bootstrap_interval, stratified_auc
from models.detector.feature_cache import features, with_extra_features
from models.detector.train_detector import roc_auc
from models.tools.paths import ROOT, SHARED

RUNS = Path("/work/runs/detector")
LIKELY_GENERATED = recipe.LIKELY_GENERATED
LIKELY_REAL = recipe.LIKELY_REAL
DRAWS = 2000
# Measured by this harness (docs/detector-evaluation.md): the periodic peaks carry the unseen diffusion generators,
# the chroma of fine detail the GAN faces; the angular family added nothing, the radial spectrum and its decay
# lost on every target. Of the Laplacian residual's families, the axis peaks and the off-grid spikes gained on
# every target together; its rings, like the radial spectrum, raised the false alarms. The residual CNN's
# normalised features gained on every target beside them, with the soft-image limit at 32.
RECIPE_FAMILIES = ("peaks", "chroma", "residual-axis8", "residual-axis16", "residual-spike", "cnn")


def auc_interval(real, fake, rng):
    labels = np.r_[np.zeros(len(real)), np.ones(len(fake))]
    aucs = [roc_auc(np.r_[rng.choice(real, len(real)), rng.choice(fake, len(fake))], labels) for _ in range(DRAWS)]
    return roc_auc(np.r_[real, fake], labels), np.percentile(aucs, [2.5, 97.5])


def share_interval(flags, rng):
    flags = np.asarray(flags, float)
    draws = [rng.choice(flags, len(flags)).mean() for _ in range(DRAWS)]
    return flags.mean(), np.percentile(draws, [2.5, 97.5])


class Evaluation:
    """The evaluation images and their features."""

    def __init__(self, shared, atelier, weak_rule=True, soft_limit=recipe.SOFT_DETAIL_LIMIT, extra_features=None,
                 cnn_model=None, feature_cache=RUNS / "features.pkl"):
        self.extra_features = extra_features
        self.cnn_model = cnn_model
        self.feature_cache = Path(feature_cache)
        self.weak_rule = weak_rule
        self.soft_limit = soft_limit
        self.fakes = evaluation_sets.forensics_train_fakes(shared)
        self.photos = evaluation_sets.judged_photographs(shared)
        self.dev = evaluation_sets.development_faces(shared)
        self.folds = {item.path: item.fold for item in self.fakes + self.photos}
        cache = RUNS / "eval-images"
        self.files = {}
        for item in self.fakes + self.photos:
            for condition in conditions.AUC_CONDITIONS:
                self.files[(item.path, condition)] = conditions.processed(item.path, condition, cache)
        for item in self.photos:
            for condition in conditions.PHOTOGRAPH_CONDITIONS:
                self.files[(item.path, condition)] = conditions.processed(item.path, condition, cache)
        dev_files = [p for paths in self.dev.values() for p in paths]
        self.table, self.names = with_extra_features(
            *features(atelier, list(self.files.values()) + dev_files, self.feature_cache, cnn_model), extra_features)

    def matrix(self, files):
        return (np.array([self.table[str(f)][0] for f in files]), np.array([self.table[str(f)][1] for f in files]))

    def probabilities(self, model, files):
        """As the engine reports them: with the uncertain band for heavy JPEGs and soft images unless weak_rule
        is off."""
        X, set_aside = self.matrix(files)
        p = recipe.probability(model, X, set_aside)
        if not self.weak_rule:
            return p
        entries = [self.table[str(f)] for f in files]
        return recipe.reported(p, [e[2] for e in entries], [e[3] if len(e) > 3 else np.nan for e in entries],
                               self.soft_limit)


def committed_scores(ev, model):
    """{(path, condition): p} for every evaluation file, and the dev faces' {path: p}."""
    keys = list(ev.files)
    p = ev.probabilities(model, [ev.files[k] for k in keys])
    dev_files = [f for paths in ev.dev.values() for f in paths]
    fixed = dict(zip(keys, p, strict=True))

    def scores(_excluded):
        return fixed  # trained on none of these images, whatever is left out

    return scores, dict(zip(dev_files, ev.probabilities(model, dev_files), strict=True))


def recipe_scores(ev, rows, families):
    """As committed_scores, for the recipe: scores(excluded generators) cross-fits by fold."""
    cache = {}

    def scores(excluded):
        if excluded in cache:
            return cache[excluded]
        found = {}
        for k in range(evaluation_sets.FOLDS):
            model = rows.fit(families, excluded_generators=excluded, excluded_fold=k)
            keys = [key for key in ev.files if ev.folds[key[0]] == k]
            found.update(zip(keys, ev.probabilities(model, [ev.files[key] for key in keys]), strict=True))
        cache[excluded] = found
        return found

    full = rows.fit(families)
    dev_files = [f for paths in ev.dev.values() for f in paths]
    return scores, dict(zip(dev_files, ev.probabilities(full, dev_files), strict=True)), full


def false_alarms(ev, s, judged_conditions, results, rng):
    """The share of photographs read "likely generated" under each condition, and per collection."""
    for condition in judged_conditions:
        flags = [s[(item.path, condition)] > LIKELY_GENERATED for item in ev.photos]
        results["photographs"][condition] = share_interval(flags, rng)
        for source in ("forensics-train/real", "Set5/Set14", "Debian wallpapers"):
            picked = [f for f, item in zip(flags, ev.photos, strict=True) if evaluation_sets.collection(item) == source]
            results["photographs"][(condition, source)] = (np.mean(picked), len(picked))


def measure(ev, scores, dev_scores, rng):
    results = {"auc": {}, "photographs": {}, "dev": {}, "reliability": {}}
    generators = sorted({item.generator for item in ev.fakes})
    groups = [(g, (g,)) for g in generators]
    groups.append(("six ComfyUI generators, left out together", evaluation_sets.ONE_IMAGE_GENERATORS))
    for name, excluded in groups:
        s = scores(tuple(sorted(excluded)))
        for condition in conditions.AUC_CONDITIONS:
            real = np.array([s[(item.path, condition)] for item in ev.photos])
            fake = np.array([s[(item.path, condition)] for item in ev.fakes if item.generator in excluded])
            auc, interval = auc_interval(real, fake, rng)
            results["auc"][(name, condition)] = (auc, interval, len(fake), len(real))
    s = scores(())
    false_alarms(ev, s, conditions.PHOTOGRAPH_CONDITIONS, results, rng)
    judged = [c for c in conditions.PHOTOGRAPH_CONDITIONS if c != "native"]
    results["photographs"]["judged"] = share_interval(
        [s[(item.path, c)] > LIKELY_GENERATED for item in ev.photos for c in judged], rng)
    sizes = sorted({size for _, size in ev.dev}, key=int)
    real = {size: np.array([dev_scores[p] for p in ev.dev[("Real", size)]]) for size in sizes}
    for g in sorted({g for g, _ in ev.dev} - {"Real"}):
        fake = {size: np.array([dev_scores[p] for p in ev.dev[(g, size)]]) for size in sizes}
        results["dev"][g] = (stratified_auc(real, fake), bootstrap_interval(real, fake, rng))
    diffusion = [g for g in evaluation_sets.DIFFUSION_GENERATORS]
    for condition in conditions.AUC_CONDITIONS:
        p_real = np.array([s[(item.path, condition)] for item in ev.photos])
        p_fake = np.array([scores((item.generator,))[(item.path, condition)] for item in ev.fakes
                           if item.generator in diffusion])
        results["reliability"][condition] = [
            (int(((p >= lo) & (p < hi)).sum()), int(((q >= lo) & (q < hi)).sum()))
            for lo, hi in ((0, LIKELY_REAL), (LIKELY_REAL, LIKELY_GENERATED), (LIKELY_GENERATED, 1.01))
            for p, q in ((p_real, p_fake),)]
    # Drawn last, so that the intervals above stay those of the runs before these conditions were reported.
    false_alarms(ev, s, conditions.FALSE_ALARM_CONDITIONS[len(conditions.PHOTOGRAPH_CONDITIONS):], results, rng)
    return results


def tables(name, results):
    def f(v, i):
        return f"{v:.2f} [{i[0]:.2f}–{i[1]:.2f}]"

    lines = [f"### {name}", "",
             "Leave-one-generator-out ROC AUC against the judged photographs (fakes / photographs):", "",
             "| generator | " + " | ".join(conditions.AUC_CONDITIONS) + " |",
             "|---|" + "---|" * len(conditions.AUC_CONDITIONS)]
    for g in sorted({g for g, _ in results["auc"]}, key=lambda g: (g not in evaluation_sets.DIFFUSION_GENERATORS, g)):
        cells = [results["auc"][(g, c)] for c in conditions.AUC_CONDITIONS]
        kind = "" if g in evaluation_sets.DIFFUSION_GENERATORS or "ComfyUI" in g else " (not diffusion)"
        lines.append(f"| {g}{kind} ({cells[0][2]} / {cells[0][3]}) | "
                     + " | ".join(f(a, i) for a, i, _, _ in cells) + " |")
    for label, picked in (("mean of the 14 diffusion generators", evaluation_sets.DIFFUSION_GENERATORS),
                          ("mean of the 8 diffusion generators with 7-12 images",
                           [g for g in evaluation_sets.DIFFUSION_GENERATORS
                            if g not in evaluation_sets.ONE_IMAGE_GENERATORS])):
        lines.append(f"| {label} | " + " | ".join(
            f"{np.mean([results['auc'][(g, c)][0] for g in picked]):.2f}" for c in conditions.AUC_CONDITIONS) + " |")
    lines += ["", "Judged photographs read \"likely generated\" (p > 0.7):", "",
              "| condition | all | forensics-train/real | Set5/Set14 | Debian wallpapers |", "|---|---|---|---|---|"]
    for c in conditions.FALSE_ALARM_CONDITIONS:
        v, i = results["photographs"][c]
        per = [results["photographs"][(c, s)] for s in ("forensics-train/real", "Set5/Set14", "Debian wallpapers")]
        lines.append(f"| {c} | {v:.1%} [{i[0]:.1%}–{i[1]:.1%}] | "
                     + " | ".join(f"{m:.0%} of {n}" for m, n in per) + " |")
    v, i = results["photographs"]["judged"]
    lines += [f"| sharp and 1 px blur, PNG and JPEG 90 together | {v:.1%} [{i[0]:.1%}–{i[1]:.1%}] | | | |", "",
              "forensics-dev faces, native PNG (AUC within each size, averaged): "
              + ", ".join(f"{g} {f(a, i)}" for g, (a, i) in results["dev"].items()), "",
              "Reliability: photographs / diffusion fakes (left out) in each verdict band:", "",
              "| condition | likely real (p < 0.3) | uncertain | likely generated (p > 0.7) |", "|---|---|---|---|"]
    for c in conditions.AUC_CONDITIONS:
        lines.append(f"| {c} | " + " | ".join(f"{r} / {q}" for r, q in results["reliability"][c]) + " |")
    return lines + [""]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", default=str(SHARED))
    parser.add_argument("--atelier", default=str(ROOT / "build/cli/atelier"))
    parser.add_argument("--model", default=str(ROOT / "models/detector/spectral-detector.safetensors"))
    parser.add_argument("--synth", default=f"{RUNS / 'synth'},{RUNS / 'synth-taef2'}",
                        help="synthesize.py's training pairs (folders, comma-separated; FOLDER@bsds200+mate keeps the "
                             "pairs of those source collections alone)")
    parser.add_argument("--families", default=",".join(RECIPE_FAMILIES))
    parser.add_argument("--synth-share", type=float, default=0.8,
                        help="share of each class's training weight on the synthesised pairs")
    parser.add_argument("--png-after-jpeg", type=float, default=0.0,
                        help="share of the wild crops JPEG-compressed and then saved as PNG (both classes)")
    parser.add_argument("--skip-committed", action="store_true")
    parser.add_argument("--skip-recipe", action="store_true")
    parser.add_argument("--write-model", help="write the recipe's model trained on everything into this folder, and "
                                              "its golden vectors into tests/golden/detector-golden.safetensors")
    parser.add_argument("--without-weak-jpeg-rule", action="store_true",
                        help="report the classifier's probabilities as they are, also for JPEGs under quality "
                             f"{recipe.WEAK_JPEG_QUALITY} and soft images (the engine holds those within the "
                             "uncertain band)")
    parser.add_argument("--soft-limit", type=float, default=recipe.SOFT_DETAIL_LIMIT,
                        help="hold the probability within the uncertain band when the finest detail rises less than "
                             "this above the pixels' rounding (the engine's ATELIER_DETECT_SOFT_DETAIL_LIMIT)")
    parser.add_argument("--extra-features", help="a pickle of further features per file (residual_cnn.py's), "
                                                   "weighed as the family cnn when --families names it")
    parser.add_argument("--cnn-model", help="a model file holding the residual CNN's weights (residual_cnn.py "
                                            "--export, or a detector that has them): the engine computes its "
                                            "features, the family cnn, and --write-model copies the weights")
    parser.add_argument("--feature-cache", default=str(RUNS / "features.pkl"),
                        help="where the engine's features are cached (one file per build and CNN)")
    parser.add_argument("--report", default=str(RUNS / "harness.md"))
    args = parser.parse_args()
    committed = Path(args.model).with_suffix(".json")
    # A committed model that weighs the CNN: its own weights compute the features.
    if args.cnn_model is None and "cnn-mean-0" in json.loads(committed.read_text())["config"]["features"]:
        args.cnn_model = str(committed)
    ev = Evaluation(args.shared, args.atelier, weak_rule=not args.without_weak_jpeg_rule, soft_limit=args.soft_limit,
                    extra_features=args.extra_features, cnn_model=args.cnn_model, feature_cache=args.feature_cache)
    lines = []
    if not args.skip_committed:
        scores, dev_scores = committed_scores(ev, recipe.load(args.model))
        lines += tables(f"Model {Path(args.model).name}", measure(ev, scores, dev_scores, np.random.default_rng(1)))
    if not args.skip_recipe:
        families = tuple(args.families.split(","))
        rows = training_rows.TrainingRows(args.shared, args.atelier, args.synth, ev, args.synth_share,
                                          png_after_jpeg_share=args.png_after_jpeg)
        scores, dev_scores, full = recipe_scores(ev, rows, families)
        lines += tables(f"Recipe ({', '.join(families)}; {rows.describe()})",
                        measure(ev, scores, dev_scores, np.random.default_rng(1)))
        if args.write_model:
            rows.write_model(full, families, Path(args.write_model), args.cnn_model)
            rows.write_golden(full, ROOT / "tests/golden/detector-golden.safetensors")
    Path(args.report).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
