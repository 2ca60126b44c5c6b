# SPDX-License-Identifier: GPL-3.0-or-later
"""The ESRGAN converter on small synthetic UpscalerJS packages (the layout of @upscalerjs/esrgan-*: a
getModelDefinition.js with the hyper-parameters, models/xS/model.json with the Keras topology and a weights
manifest, one binary shard), and its layer graph against the committed slim weights."""
import json
import struct

import numpy as np
import pytest

from models.esrgan.convert_tfjs_esrgan import SCALES, convert, rdn_graph, rrdn_graph
from models.tools.paths import ROOT
from models.tools.safetensors_io import read_safetensors

TINY = {"C": 1, "D": 2, "G": 2, "G0": 4, "T": 1}


def channels_of(graph, scale):
    """Output channels of every layer, as Keras would infer them."""
    out = {}
    for cls, name, config, inbound in graph.layers:
        if cls == "InputLayer":
            out[name] = 3
        elif cls == "Conv2D":
            out[name] = config["filters"]
        elif cls == "Concatenate":
            out[name] = sum(out[n] for n in inbound)
        elif cls.startswith("PixelShuffle"):
            out[name] = out[inbound[0]] // (scale * scale)
        else:
            out[name] = out[inbound[0]]
    return out


def keras_layer(cls, name, config, inbound):
    layer_config = {"name": name, **config}
    if cls == "Conv2D":
        padding = "valid" if config["kernel_size"] == [1, 1] else "same"
        layer_config |= {"strides": [1, 1], "dilation_rate": [1, 1], "activation": "linear", "use_bias": True,
                         "padding": padding}
    return {"class_name": cls, "config": layer_config,
            "inbound_nodes": [[[n, 0, 0, {}] for n in inbound]] if inbound else []}


def write_package(root, family, tamper=None):
    """A package whose every weight value is its own index in the shard, so that the test can tell where
    each converted value came from. Returns {scale: {weight name: array}}."""
    graph_of = rrdn_graph if family == "rrdn" else rdn_graph
    definition = root / "dist/esm/models/esrgan-tiny/src/getModelDefinition.js"
    definition.parent.mkdir(parents=True)
    definition.write_text("const m = { " + " ".join(f"{k}: {v}," for k, v in TINY.items())
                          + f' architecture: "{family}", size: \'tiny\', }};\n')
    (root / "package.json").write_text(json.dumps({"version": "9.9.9"}))
    written = {}
    for scale in SCALES:
        graph = graph_of(TINY, scale)
        chans = channels_of(graph, scale)
        layers = [keras_layer(*layer) for layer in graph.layers]
        if tamper:
            tamper(layers)
        weights, blobs, count = [], [], 0
        written[scale] = {}
        for cls, name, config, inbound in graph.layers:
            if cls != "Conv2D":
                continue
            k = config["kernel_size"][0]
            for suffix, shape in (("kernel", [k, k, chans[inbound[0]], config["filters"]]),
                                  ("bias", [config["filters"]])):
                size = int(np.prod(shape))
                values = np.arange(count, count + size, dtype="<f4").reshape(shape)
                weights.append({"name": f"{name}/{suffix}", "shape": shape, "dtype": "float32"})
                blobs.append(values.tobytes())
                written[scale][f"{name}/{suffix}"] = values
                count += size
        model_dir = root / f"models/x{scale}"
        model_dir.mkdir(parents=True)
        (model_dir / "group1-shard1of1.bin").write_bytes(b"".join(blobs))
        (model_dir / "model.json").write_text(json.dumps({
            "modelTopology": {"model_config": {"config": {"layers": layers}}},
            "weightsManifest": [{"paths": ["group1-shard1of1.bin"], "weights": weights}]}))
    return written


@pytest.mark.parametrize("family", ["rdn", "rrdn"])
def test_kernels_become_cout_cin_kh_kw_under_their_layer_names(tmp_path, family):
    written = write_package(tmp_path / "package", family)
    (tmp_path / "out").mkdir()
    convert(tmp_path / "package", tmp_path / "out")
    for scale in SCALES:
        stem = f"esrgan-tiny-x{scale}"
        tensors = read_safetensors(tmp_path / "out" / f"{stem}.safetensors")
        keras = written[scale]
        assert set(tensors) == {n.replace("/kernel", ".weight").replace("/bias", ".bias") for n in keras}
        for name, kernel in ((n[:-len("/kernel")], v) for n, v in keras.items() if n.endswith("/kernel")):
            kh, kw, cin, cout = kernel.shape
            assert tensors[f"{name}.weight"].shape == (cout, cin, kh, kw)
            # weight[o, i, y, x] = kernel[y, x, i, o]
            assert tensors[f"{name}.weight"][cout - 1, 0, kh - 1, 0] == kernel[kh - 1, 0, 0, cout - 1]
            assert np.array_equal(tensors[f"{name}.bias"], keras[f"{name}/bias"])
        manifest = json.loads((tmp_path / "out" / f"{stem}.json").read_text())
        assert manifest["weights"] == f"{stem}.safetensors"
        expected = {"family": family, "scale": scale, "C": 1, "D": 2, "G": 2, "G0": 4,
                    "value_range": 255.0 if family == "rdn" else 1.0,
                    "upsampling": "nearest" if family == "rdn" else "depth_to_space", "beta": 0.2}
        if family == "rrdn":
            expected["T"] = 1
        assert manifest["config"] == expected


def rewire_first_dense_conv(layers):
    dense = next(layer for layer in layers if layer["config"]["name"] == "F_1_1")
    dense["inbound_nodes"] = [[["F_m1", 0, 0, {}]]]


def relu_on_a_conv(layers):
    next(layer for layer in layers if layer["class_name"] == "Conv2D")["config"]["activation"] = "relu"


def wider_first_conv(layers):
    next(layer for layer in layers if layer["class_name"] == "Conv2D")["config"]["filters"] += 1


@pytest.mark.parametrize("tamper", [rewire_first_dense_conv, relu_on_a_conv, wider_first_conv,
                                    lambda layers: layers.pop()])
def test_a_package_whose_graph_differs_is_refused(tmp_path, tamper):
    write_package(tmp_path / "package", "rdn", tamper)
    (tmp_path / "out").mkdir()
    with pytest.raises(SystemExit):
        convert(tmp_path / "package", tmp_path / "out")
    assert not list((tmp_path / "out").iterdir())


def test_an_unused_weight_is_refused(tmp_path):
    write_package(tmp_path / "package", "rdn")
    model = tmp_path / "package/models/x2/model.json"
    spec = json.loads(model.read_text())
    spec["weightsManifest"][0]["weights"].append({"name": "stray/kernel", "shape": [1], "dtype": "float32"})
    model.write_text(json.dumps(spec))
    with (tmp_path / "package/models/x2/group1-shard1of1.bin").open("ab") as shard:
        shard.write(struct.pack("<f", 1.0))
    (tmp_path / "out").mkdir()
    with pytest.raises(SystemExit, match="unused weights"):
        convert(tmp_path / "package", tmp_path / "out")


@pytest.mark.parametrize("scale", SCALES)
def test_graph_names_the_committed_slim_tensors(scale):
    """The committed slim weights were converted from the real package: the graph built from their manifest
    must name exactly their tensors, with the shapes the channel flow gives."""
    manifest = json.loads((ROOT / f"models/esrgan/esrgan-slim-x{scale}.json").read_text())
    tensors = read_safetensors(ROOT / "models/esrgan" / manifest["weights"])
    graph = rdn_graph(manifest["config"], scale)
    chans = channels_of(graph, scale)
    expected = {}
    for cls, name, config, inbound in graph.layers:
        if cls == "Conv2D":
            k = config["kernel_size"][0]
            expected[f"{name}.weight"] = (config["filters"], chans[inbound[0]], k, k)
            expected[f"{name}.bias"] = (config["filters"],)
    assert {n: t.shape for n, t in tensors.items()} == expected
