# SPDX-License-Identifier: GPL-3.0-or-later
"""The detector harness's bookkeeping: the folds keep a prompt's images together, a fit leaves out the
generator and the fold it is asked to, and the augmentations draw what the README says."""
from pathlib import Path

import numpy as np
import pytest

from models.detector import augment, evaluation_sets, recipe
from models.detector.harness import auc_interval
from models.tools.safetensors_io import read_safetensors


def test_prompt_groups_join_the_folders_of_one_prompt():
    a = evaluation_sets.prompt_group(Path("fake/midjourney-v3/girl-lost-forest-15746896_midj-1.png"))
    b = evaluation_sets.prompt_group(Path("fake/disco-diffusion/girl-lost-forest-15746896_disco-2.png"))
    assert a == b == "girl-lost-forest-15746896"
    # Files named with an underscore of their own are not dcsan/imagen's prompts.
    assert evaluation_sets.prompt_group(Path("fake/kandinsky-3/photo_13.jpg")) == "kandinsky-3/photo_13"
    assert evaluation_sets.prompt_group(Path("fake/sdxl/sdxl_simple_example.png")) == "sdxl/sdxl_simple_example"


def test_auc_interval_brackets_a_separable_and_a_random_ranking():
    rng = np.random.default_rng(3)
    auc, (lo, hi) = auc_interval(np.arange(10) / 20, 0.5 + np.arange(5) / 20, rng)
    assert auc == 1.0 and lo == 1.0 and hi == 1.0
    auc, (lo, hi) = auc_interval(rng.random(200), rng.random(200), rng)
    assert lo < 0.5 < hi and hi - lo < 0.2


def test_augmentation_keeps_jpeg_grids_as_jpegs():
    rng = np.random.default_rng(5)
    draws = [augment.draw(rng, jpeg_origin=True) for _ in range(500)]
    # A JPEG source saved as PNG would show its 8x8 grid as up-sampling peaks: only reduced ones may be.
    assert all(d.quality or d.resize < augment.JPEG_GRID_SURVIVES_ABOVE for d in draws)
    qualities = [d.quality for d in draws if d.quality]
    assert min(qualities) >= 60 and max(qualities) <= 100
    assert {d.subsampling for d in draws} == {0, 2}
    assert 0.5 <= min(d.resize for d in draws) and max(d.resize for d in draws) <= 1.5


def test_reported_holds_heavy_jpegs_and_soft_images_in_the_uncertain_band():
    p = np.array([0.9, 0.1, 0.9, 0.9, 0.9, 0.95])
    quality = [0, 85, 95, 0, 0, 0]
    # A PNG with detail well above rounding; a heavy JPEG; a light one; pixels never rounded (0); a build that
    # did not measure the detail (NaN); a soft image.
    detail = [100, 100, 100, 0, np.nan, recipe.SOFT_DETAIL_LIMIT / 2]
    assert recipe.reported(p, quality, detail).tolist() == [0.9, 0.3, 0.9, 0.9, 0.9, 0.7]


def test_residual_cnn_sees_only_the_high_pass():
    torch = pytest.importorskip("torch")
    from models.detector.residual_cnn import ResidualCnn
    torch.manual_seed(0)
    model = ResidualCnn()
    x = torch.rand(1, 3, 64, 64) * 0.5
    # The fixed Laplacian removes a constant offset (and any plane) before the learned layers.
    ramp = torch.linspace(0, 0.3, 64)[None, None, None, :]
    assert torch.allclose(model.pooled(x), model.pooled(x + 0.2 + ramp), atol=1e-5)
    assert not torch.allclose(model.pooled(x), model.pooled(x * 1.5), atol=1e-3)
    # Normalised, the amount of fine detail (a gain on the high-pass) no longer moves the statistics.
    normalised = ResidualCnn(normalise=True)
    assert torch.allclose(normalised.pooled(x), normalised.pooled(x * 1.5), atol=1e-3)


def test_residual_cnn_reads_the_crops_at_the_corners(tmp_path):
    torch = pytest.importorskip("torch")
    from models.detector.residual_cnn import LAYERS, ResidualCnn, crop_origins, export, features_of_image
    assert crop_origins(300, 256) == [0, 44] and crop_origins(256, 256) == [0] and crop_origins(100, 100) == [0]
    torch.manual_seed(1)
    model = ResidualCnn(normalise=True).eval()
    x = torch.rand(3, 300, 280)
    corners = [model.pooled(x[None, :, t:t + 256, s:s + 256])[0].detach().numpy() for t in (0, 44) for s in (0, 24)]
    assert np.allclose(features_of_image(model, x), np.mean(corners, 0))
    # The exported model file holds what the engine binds, and only that.
    export(model, tmp_path, "test")
    tensors = read_safetensors(tmp_path / "residual-cnn.safetensors")
    assert sorted(tensors) == [f"cnn.convs.{i}.{k}" for i in range(LAYERS) for k in ("bias", "weight")]
    assert np.array_equal(tensors["cnn.convs.2.weight"], model.convs[2].weight.detach().numpy())


def test_residual_cnn_pairs_each_photograph_with_its_fake(tmp_path):
    pytest.importorskip("torch")
    from models.detector.residual_cnn import pairs
    rows = ["file,label,source,generator", "images/0000-0-real.png,0,a,real", "images/0000-0-fake.png,1,a,taef2",
            "images/0001-0-fake.jpg,1,b,taef2", "images/0001-0-real.jpg,0,b,real", "images/0002-0-real.png,0,c,real"]
    (tmp_path / "index.csv").write_text("\n".join(rows) + "\n")
    found = sorted(pairs([tmp_path]))
    assert found == [(tmp_path / "images/0000-0-real.png", tmp_path / "images/0000-0-fake.png"),
                     (tmp_path / "images/0001-0-real.jpg", tmp_path / "images/0001-0-fake.jpg")]


def test_synthesised_rows_by_collection():
    from models.detector.training_rows import synth_folder
    assert synth_folder("/runs/synth") == (Path("/runs/synth"), None)
    assert synth_folder("/runs/synth@bsds200+mate") == (Path("/runs/synth"), {"bsds200", "mate"})


def test_softened_pairs_are_drawn_within_their_blur(tmp_path):
    from PIL import Image

    from models.detector.synthesize import SOFTEN_SIGMA, Source, plan_pairs
    Image.new("RGB", (600, 500)).save(tmp_path / "photo.png")
    sources = [Source(tmp_path / "photo.png", "x/photo.png", "x")]
    plain = plan_pairs(sources, ["taef2"], 200, np.random.default_rng(3))
    soft = [p.soften for p in plan_pairs(sources, ["taef2"], 200, np.random.default_rng(3), soften_share=0.6)]
    assert all(p.soften == 0 for p in plain)
    assert 0.5 < np.mean(np.array(soft) > 0) < 0.7
    assert all(SOFTEN_SIGMA[0] <= s <= SOFTEN_SIGMA[1] for s in soft if s)
