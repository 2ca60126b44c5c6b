# SPDX-License-Identifier: GPL-3.0-or-later
"""The latent diffusion U-Net that engine/networks/atelier-unet.c runs, in PyTorch: the training script, the
golden-tensor generator and the benchmarks build it from the same config dict that the manifest stores.

Input channels: noisy latent, inpainting mask (1 = to generate), latent of the masked image (the Stable
Diffusion inpainting design, Rombach et al. 2022). Conditioning: timestep (sinusoidal embedding, MLP) plus a
style label embedding (label 0 is the null label for classifier-free guidance). Levels of residual blocks
(GroupNorm, SiLU, 3x3 conv, per-channel embedding shift), self-attention at the listed levels, strided-conv
down-sampling, nearest + conv up-sampling, skip concatenation on the way up.

Version 2 (config "scene_channels" > 0) adds a scene vector to the conditioning, mapped linearly (no bias) into
the embedding: the light (x, y towards the light, y down, length = strength), the composition (+1 a horizon,
-1 a flat-lay, 0 unknown) and the horizon's row relative to the picture (0 = its middle). An all-zero vector
is "not said", so a v2 network fine-tuned from v1 starts out computing exactly v1's function, and the labels
keep v1's indices, with new ones appended."""
import json
import math
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

from models.tools.safetensors_io import read_safetensors

DEFAULT_CONFIG = {
    "latent_channels": 32,
    "base_channels": 64,
    "channel_mult": [1, 2, 3],
    "res_blocks": 2,
    "attention_levels": [1, 2],
    "head_channels": 32,
    "groups": 32,
    "norm_eps": 1e-5,
    "embed_channels": 256,
    "labels": ["null", "photo", "studio", "wood", "stone", "fabric", "paper", "bokeh"],
    "schedule": "cosine",
    "schedule_steps": 1000,
    "schedule_offset": 0.008,
    "schedule_max_beta": 0.999,
    "prediction": "v",
}


# v2's labels: v1's in their order, then the surfaces a product photograph is taken on.
V2_LABELS = DEFAULT_CONFIG["labels"] + ["marble", "slate", "linen", "concrete", "velvet"]
# A new label starts from the embedding of the v1 label it looks most like.
V2_LABEL_ORIGINS = {"marble": "stone", "slate": "stone", "linen": "fabric", "concrete": "stone", "velvet": "fabric"}
SCENE_CHANNELS = 4


def v2_config(config):
    return dict(config, labels=V2_LABELS, scene_channels=SCENE_CHANNELS)


def grow_to_v2(v1_state, v1_config):
    """A v2 state dict computing v1's function for the zero scene vector and v1's labels: the new labels'
    rows copied from their origins', the scene map zero."""
    state = dict(v1_state)
    rows = [v1_state["label_embed.weight"][v1_config["labels"].index(V2_LABEL_ORIGINS.get(name, name))]
            for name in V2_LABELS]
    state["label_embed.weight"] = torch.stack(rows)
    state["scene_embed.weight"] = torch.zeros(v1_state["label_embed.weight"].shape[1], SCENE_CHANNELS)
    return state


def in_channels(config):
    return 2 * config["latent_channels"] + 1


def norm(config, channels):
    return nn.GroupNorm(config["groups"], channels, eps=config["norm_eps"])


class ResBlock(nn.Module):
    def __init__(self, config, c_in, c_out):
        super().__init__()
        self.norm1 = norm(config, c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.embed = nn.Linear(config["embed_channels"], c_out)
        self.norm2 = norm(config, c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.skip = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.embed(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + (self.skip(x) if self.skip is not None else x)


class Attention(nn.Module):
    def __init__(self, config, channels):
        super().__init__()
        self.heads = channels // config["head_channels"]
        self.norm = norm(config, channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.proj = nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        n, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(n, 3, self.heads, c // self.heads, h * w).unbind(1)
        scores = torch.einsum("nhct,nhcs->nhts", q, k) / math.sqrt(c // self.heads)
        out = torch.einsum("nhts,nhcs->nhct", scores.softmax(-1), v)
        return x + self.proj(out.reshape(n, c, h, w))


def level_channels(config):
    return [config["base_channels"] * m for m in config["channel_mult"]]


class UNet(nn.Module):
    """Module names are the tensor names of the safetensors file and of the C network."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        chans = level_channels(config)
        emb = config["embed_channels"]
        self.time_embed = nn.Sequential(nn.Linear(config["base_channels"], emb), nn.SiLU(), nn.Linear(emb, emb))
        self.label_embed = nn.Embedding(len(config["labels"]), emb)
        if config.get("scene_channels", 0):
            self.scene_embed = nn.Linear(config["scene_channels"], emb, bias=False)
            nn.init.zeros_(self.scene_embed.weight)
        self.conv_in = nn.Conv2d(in_channels(config), chans[0], 3, padding=1)
        self.down = nn.ModuleList()
        skips, ch = [chans[0]], chans[0]
        for level, c in enumerate(chans):
            for _ in range(config["res_blocks"]):
                block = nn.ModuleDict({"res": ResBlock(config, ch, c)})
                if level in config["attention_levels"]:
                    block["attn"] = Attention(config, c)
                self.down.append(block)
                ch = c
                skips.append(ch)
            if level < len(chans) - 1:
                self.down.append(nn.ModuleDict({"downsample": nn.Conv2d(ch, ch, 3, stride=2, padding=1)}))
                skips.append(ch)
        self.mid = nn.ModuleDict({"res1": ResBlock(config, ch, ch), "attn": Attention(config, ch),
                                  "res2": ResBlock(config, ch, ch)})
        self.up = nn.ModuleList()
        for level in reversed(range(len(chans))):
            c = chans[level]
            for i in range(config["res_blocks"] + 1):
                block = nn.ModuleDict({"res": ResBlock(config, ch + skips.pop(), c)})
                ch = c
                if level in config["attention_levels"]:
                    block["attn"] = Attention(config, c)
                if level > 0 and i == config["res_blocks"]:
                    block["upsample"] = nn.Conv2d(ch, ch, 3, padding=1)
                self.up.append(block)
        self.norm_out = norm(config, ch)
        self.conv_out = nn.Conv2d(ch, config["latent_channels"], 3, padding=1)

    def embed(self, t, label, scene=None):
        half = self.config["base_channels"] // 2
        freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
        angles = t.float()[:, None] * freqs[None]
        sinusoid = torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)
        emb = self.time_embed(sinusoid) + self.label_embed(label)
        if scene is not None and hasattr(self, "scene_embed"):
            emb = emb + self.scene_embed(scene.float())
        return emb

    def forward(self, x, t, label, scene=None):
        emb = self.embed(t, label, scene)
        h = self.conv_in(x)
        skips = [h]
        for block in self.down:
            if "downsample" in block:
                h = block["downsample"](h)
            else:
                h = block["res"](h, emb)
                if "attn" in block:
                    h = block["attn"](h)
            skips.append(h)
        h = self.mid["res2"](self.mid["attn"](self.mid["res1"](h, emb)), emb)
        for block in self.up:
            h = block["res"](torch.cat([h, skips.pop()], dim=1), emb)
            if "attn" in block:
                h = block["attn"](h)
            if "upsample" in block:
                h = block["upsample"](F.interpolate(h, scale_factor=2.0, mode="nearest"))
        return self.conv_out(F.silu(self.norm_out(h)))


def load_committed(manifest_path):
    """The network of a manifest written by export_unet.py, with its weights (F16 stored, F32 here, exactly
    the values the engine converts them to). Returns (model, config with the latent statistics, sha256 of
    the weights)."""
    manifest = json.loads(Path(manifest_path).read_text())
    tensors = read_safetensors(Path(manifest_path).with_name(manifest["weights"]))
    config = dict(manifest["config"])
    config["latent_mean"] = [float(v) for v in tensors["latent_mean"]]
    config["latent_std"] = [float(v) for v in tensors["latent_std"]]
    model = UNet(config).eval()
    model.load_state_dict({k: torch.from_numpy(v.astype("float32")) for k, v in tensors.items()
                           if not k.startswith("latent_")})
    return model, config, manifest["sha256"]
