# SPDX-License-Identifier: GPL-3.0-or-later
"""The TAEF2 converter's layer table: the tensors it expects are those of the committed weights and
manifest, and (with PyTorch) those of the network built from the architecture notes (taef2_torch.py), and a
conversion of synthetic state dicts stores every tensor under its side's prefix."""
import json

import numpy as np
import pytest

from models.taef2.convert_taef2 import DECODER, ENCODER, expected_tensors, main
from models.tools.paths import ROOT
from models.tools.safetensors_io import read_safetensors


def expected_file():
    return {f"{side}.{key}": shape for side, layers in (("encoder", ENCODER), ("decoder", DECODER))
            for key, shape in expected_tensors(layers).items()}


def test_layer_table_by_hand():
    encoder = expected_tensors(ENCODER)
    # conv 3->64, block, then per stage a strided bias-free conv and three blocks (pooled at the last stage),
    # conv 64->32: 15 layers.
    assert encoder["0.weight"] == (64, 3, 3, 3)
    assert "2.bias" not in encoder and encoder["2.weight"] == (64, 64, 3, 3)
    assert encoder["11.pool.0.weight"] == (256, 64, 1, 1) and "9.pool.0.weight" not in encoder
    assert encoder["14.weight"] == (32, 64, 3, 3)
    assert max(int(k.split(".")[0]) for k in encoder) == 14
    assert expected_tensors(DECODER)["1.weight"] == (64, 32, 3, 3)


def test_layer_table_names_the_committed_weights():
    manifest = json.loads((ROOT / "models/taef2/taef2.json").read_text())
    assert manifest["config"]["encoder"] == ENCODER and manifest["config"]["decoder"] == DECODER
    tensors = read_safetensors(ROOT / "models/taef2" / manifest["weights"])
    assert {name: tensor.shape for name, tensor in tensors.items()} == expected_file()


def test_layer_table_matches_the_pytorch_network():
    torch = pytest.importorskip("torch")
    from models.taef2 import taef2_torch

    for layers, network in ((ENCODER, taef2_torch.encoder()), (DECODER, taef2_torch.decoder())):
        state = network.state_dict()
        assert {k: tuple(v.shape) for k, v in state.items()} == expected_tensors(layers)
    assert torch.nn.Module  # the import is the point: skipped without PyTorch


def test_conversion_of_synthetic_state_dicts(tmp_path):
    torch = pytest.importorskip("torch")
    source = {}
    for side, layers in (("encoder", ENCODER), ("decoder", DECODER)):
        generator = torch.Generator().manual_seed(len(side))
        state = {key: torch.randn(shape, generator=generator) for key, shape in expected_tensors(layers).items()}
        torch.save(state, tmp_path / f"taef2_{side}.pth")
        source |= {f"{side}.{key}": value.numpy() for key, value in state.items()}
    main(tmp_path, tmp_path / "out")
    tensors = read_safetensors(tmp_path / "out/taef2.safetensors")
    assert set(tensors) == set(source)
    for name, value in source.items():
        assert np.array_equal(tensors[name], value)


def test_a_state_dict_with_a_wrong_shape_is_refused(tmp_path):
    torch = pytest.importorskip("torch")
    for side, layers in (("encoder", ENCODER), ("decoder", DECODER)):
        state = {key: torch.zeros(shape) for key, shape in expected_tensors(layers).items()}
        if side == "decoder":
            state["1.weight"] = torch.zeros(64, 16, 3, 3)
        torch.save(state, tmp_path / f"taef2_{side}.pth")
    with pytest.raises(SystemExit, match="decoder.1.weight"):
        main(tmp_path, tmp_path / "out")
