# SPDX-License-Identifier: GPL-3.0-or-later
"""Converts UpscalerJS's ESRGAN packages (@upscalerjs/esrgan-slim, -medium,
-thick: TensorFlow.js layers models of idealo's RDN and RRDN) into Atelier's
.safetensors + manifest.

The C engine (engine/networks/atelier-rdn.c) builds the network from the
manifest config alone. So this script first regenerates, from that config,
the exact Keras layer graph the engine will run. It then checks the package's
model.json against it layer by layer: class, name, filters, kernel, activation
and inputs. Only then does it write weights. A package whose graph differs
in any way is refused.

usage: /usr/bin/python3 -m models.esrgan.convert_tfjs_esrgan PACKAGE_DIR OUTPUT_DIR   (from the repository root)
"""
import json
import re
import sys
from pathlib import Path

import numpy as np

from models.tools.safetensors_io import write_manifest, write_safetensors

SCALES = (2, 3, 4, 8)


def package_meta(package):
    """The model family's hyper-parameters, from the package's own JavaScript."""
    (definition,) = package.glob("dist/esm/models/*/src/getModelDefinition.js")
    text = definition.read_text()
    meta = {}
    for key in ("C", "D", "G", "G0", "T"):
        meta[key] = int(re.search(rf"\b{key}: (\d+),", text).group(1))
    meta["architecture"] = re.search(r'architecture: "(\w+)"', text).group(1)
    meta["size"] = re.search(r"size: '(\w+)'", text).group(1)
    return meta


class Graph:
    """The expected Keras layers: (class, name, config, inbound names)."""

    def __init__(self):
        self.layers = []

    def add(self, cls, name, inbound, **config):
        self.layers.append((cls, name, config, list(inbound)))
        return name

    def conv(self, name, inbound, filters, kernel):
        return self.add("Conv2D", name, [inbound], filters=filters, kernel_size=[kernel, kernel])

    def relu(self, inbound):
        return self.add("Activation", inbound + "_Relu", [inbound], activation="relu")

    def dense_block(self, prefix, block_input, growth, layers):
        """idealo's residual dense block body: each conv sees the concat of all before it."""
        concat = block_input
        for c in range(1, layers + 1):
            feature = self.relu(self.conv(f"F_{prefix}_{c}", concat, growth, 3))
            concat = self.add("Concatenate", f"RDB_Concat_{prefix}_{c}", [concat, feature], axis=3)
        return concat


def rdn_graph(cfg, scale):
    g = Graph()
    g.add("InputLayer", "LR", [])
    f_m1 = g.conv("F_m1", "LR", cfg["G0"], 3)
    x = g.conv("F_0", f_m1, cfg["G0"], 3)
    outputs = []
    for d in range(1, cfg["D"] + 1):
        concat = g.dense_block(str(d), x, cfg["G"], cfg["C"])
        lff = g.conv(f"LFF_{d}", concat, cfg["G0"], 1)
        x = g.add("Add", f"LRL_{d}", [lff, x])
        outputs.append(x)
    x = g.add("Concatenate", "LRLs_Concat", outputs, axis=3)
    x = g.conv("GFF_2", g.conv("GFF_1", x, cfg["G0"], 1), cfg["G0"], 3)
    x = g.add("Add", "FDF", [x, f_m1])
    x = g.relu(g.conv("UPN1", x, 64, 5))
    x = g.relu(g.conv("UPN2", x, 32, 3))
    x = g.conv("UPN3", x, 3 * scale * scale, 3)
    x = g.add("UpSampling2D", "UPsample", [x], size=[scale, scale], interpolation="nearest")
    g.conv("SR", x, 3, 3)
    return g


def rrdn_graph(cfg, scale):
    g = Graph()
    g.add("InputLayer", "LR_input", [])
    pre = g.conv("Pre_blocks_conv", "LR_input", cfg["G0"], 3)
    x = pre
    for t in range(1, cfg["T"] + 1):
        rrdb_input = x
        for d in range(1, cfg["D"] + 1):
            concat = g.dense_block(f"{t}_{d}", x, cfg["G"], cfg["C"])
            scaled = g.add("MultiplyBeta", "multiply_beta", [g.conv(f"LFF_{t}_{d}", concat, cfg["G0"], 3)])
            x = g.add("Add", f"LRL_{t}_{d}", [x, scaled])
        scaled = g.add("MultiplyBeta", "multiply_beta", [x])
        x = g.add("Add", f"RRDB_{t}_out", [rrdb_input, scaled])
    x = g.add("Add", "GRL", [g.conv("post_blocks_conv", x, cfg["G0"], 3), pre])
    x = g.conv("PreShuffle", x, 3 * scale * scale, 3)
    x = g.add(f"PixelShuffle{scale}x", "pixel_shuffle", [x])
    g.conv("SR", x, 3, 3)
    return g


def check_graph(expected, keras_layers, where):
    if len(expected.layers) != len(keras_layers):
        raise SystemExit(f"{where}: {len(keras_layers)} layers, expected {len(expected.layers)}")
    rename = {}  # expected name -> Keras name (MultiplyBeta layers are numbered by Keras)
    for (cls, name, config, inbound), layer in zip(expected.layers, keras_layers, strict=True):
        k_name = layer["config"]["name"]
        k_inbound = [node[0] for node in layer["inbound_nodes"][0]] if layer["inbound_nodes"] else []
        problems = []
        if layer["class_name"] != cls:
            problems.append(f"class {layer['class_name']} != {cls}")
        if cls != "MultiplyBeta" and k_name != name:
            problems.append(f"name {k_name} != {name}")
        for key, value in config.items():
            if layer["config"].get(key) != value:
                problems.append(f"{key} {layer['config'].get(key)} != {value}")
        if cls == "Conv2D":
            c = layer["config"]
            plain = c["strides"] == [1, 1] and c["dilation_rate"] == [1, 1] and c["activation"] == "linear"
            if not plain or not c["use_bias"]:
                problems.append("conv is not stride 1, undilated, linear, with bias")
            if c["padding"] != "same" and c["kernel_size"] != [1, 1]:
                problems.append(f"padding {c['padding']}")
        if k_inbound != [rename.get(n, n) for n in inbound]:
            problems.append(f"inputs {k_inbound} != {inbound}")
        if problems:
            raise SystemExit(f"{where}: layer {k_name}: " + "; ".join(problems))
        rename[name] = k_name


def load_weights(model_dir, model):
    blob = b"".join((model_dir / p).read_bytes() for group in model["weightsManifest"] for p in group["paths"])
    weights, offset = {}, 0
    for group in model["weightsManifest"]:
        for w in group["weights"]:
            if w.get("dtype", "float32") != "float32" or "quantization" in w:
                raise SystemExit(f"{model_dir}: weight {w['name']} is not plain float32")
            count = int(np.prod(w["shape"]))
            weights[w["name"]] = np.frombuffer(blob, "<f4", count, offset).reshape(w["shape"])
            offset += 4 * count
    if offset != len(blob):
        raise SystemExit(f"{model_dir}: shards hold {len(blob)} bytes, the manifest lists {offset}")
    return weights


def convert(package, output):
    meta = package_meta(package)
    version = json.loads((package / "package.json").read_text())["version"]
    npm_name = f"@upscalerjs/esrgan-{meta['size']}"
    for scale in SCALES:
        model_dir = package / "models" / f"x{scale}"
        model = json.loads((model_dir / "model.json").read_text())
        layers = model["modelTopology"]["model_config"]["config"]["layers"]
        family = meta["architecture"]
        cfg = {k: meta[k] for k in ("C", "D", "G", "G0")} | ({"T": meta["T"]} if family == "rrdn" else {})
        expected = (rrdn_graph if family == "rrdn" else rdn_graph)(cfg, scale)
        check_graph(expected, layers, f"{npm_name} x{scale}")

        keras = load_weights(model_dir, model)
        tensors = {}
        for cls, name, _config, _inbound in expected.layers:
            if cls != "Conv2D":
                continue
            kernel = keras.pop(f"{name}/kernel")  # (KH, KW, Cin, Cout)
            tensors[f"{name}.weight"] = kernel.transpose(3, 2, 0, 1)
            tensors[f"{name}.bias"] = keras.pop(f"{name}/bias")
        if keras:
            raise SystemExit(f"{npm_name} x{scale}: unused weights {sorted(keras)[:5]}")

        stem = f"esrgan-{meta['size']}-x{scale}"
        sha = write_safetensors(output / f"{stem}.safetensors", tensors,
                                metadata={"source": f"{npm_name}@{version} models/x{scale}"})
        config = {
            "family": family,
            "scale": scale,
            **cfg,
            # The RDN models were trained on 0..255 values, the RRDN on 0..1 (UpscalerJS's inputRange).
            "value_range": 255.0 if family == "rdn" else 1.0,
            "upsampling": "nearest" if family == "rdn" else "depth_to_space",
            "beta": 0.2,
        }
        write_manifest(output / f"{stem}.json", name=stem, architecture="idealo-rdn", config=config,
                       weights=f"{stem}.safetensors", sha256=sha,
                       source=f"npm {npm_name}@{version}, models/x{scale} (idealo image-super-resolution "
                              f"{family.upper()} weights, DIV2K), converted by models/esrgan/convert_tfjs_esrgan.py",
                       license="MIT",
                       attribution="UpscalerJS by Kevin Scott (MIT); architecture and training: idealo "
                                   "image-super-resolution (Apache-2.0)")
        print(f"{stem}: {sum(t.size for t in tensors.values())} parameters, sha256 {sha[:16]}...")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    convert(Path(sys.argv[1]), out)
