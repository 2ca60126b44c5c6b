# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the EMA weights of a training (or distillation) checkpoint as the engine's model: latent-unet.safetensors
(F16) + latent-unet.json (architecture "latent-unet", the training config, licence). The latents' per-channel mean
and standard deviation travel in the weights file as "latent_mean" and "latent_std".

usage: /usr/bin/python3 -m models.unet.export_unet [--run build/unet-training] [--out models/unet]"""
import argparse
from pathlib import Path

import torch

from models.tools.paths import ROOT
from models.tools.safetensors_io import write_manifest, write_safetensors

MODEL_KEYS = ("latent_channels", "base_channels", "channel_mult", "res_blocks", "attention_levels",
              "head_channels", "groups", "norm_eps", "embed_channels", "labels", "schedule", "schedule_steps",
              "schedule_offset", "schedule_max_beta", "prediction")
SOURCE_TRAINED = "trained by Atelier: models/unet/train_unet.py on the data of models/unet/prepare_data.py"
SOURCE_DISTILLED = ("distilled by Atelier: models/unet/distill.py from the U-Net of models/unet/train_unet.py, on the "
                    "data of models/unet/prepare_data.py and models/unet/prepare_scenes.py")
SOURCE_TRAJECTORY = ("distilled by Atelier: models/unet/distill_trajectory.py from the sampling runs ({sampler}) of "
                     "the U-Net of models/unet/train_unet.py, on the data of models/unet/prepare_data.py and "
                     "models/unet/prepare_scenes.py")


def source_of(config):
    if config.get("distilled_from_sampler"):
        return SOURCE_TRAJECTORY.format(sampler=config["distilled_from_sampler"])
    return SOURCE_DISTILLED if config.get("distilled_steps") else SOURCE_TRAINED


def export(checkpoint_path, out_dir, name="latent-unet", dtype="F16", weights_key="ema"):
    state = torch.load(checkpoint_path, map_location="cpu")
    config = state["config"]
    tensors = {k: v.float().numpy() for k, v in state[weights_key].items()}
    tensors["latent_mean"] = torch.tensor(config["latent_mean"]).numpy()
    tensors["latent_std"] = torch.tensor(config["latent_std"]).numpy()
    out_dir.mkdir(parents=True, exist_ok=True)
    weights = out_dir / f"{name}.safetensors"
    sha = write_safetensors(weights, tensors, metadata={"step": state["step"], "weights": weights_key},
                             dtype=dtype)
    manifest_config = {k: config[k] for k in MODEL_KEYS}
    for optional in ("scene_channels", "distilled_steps", "distilled_guidance", "distilled_from_sampler"):
        if config.get(optional):
            manifest_config[optional] = config[optional]
    manifest_config["training_step"] = state["step"]
    write_manifest(out_dir / f"{name}.json", name=name, architecture="latent-unet", config=manifest_config,
                   weights=weights, sha256=sha,
                   source=source_of(config),
                   license="GPL-3.0-or-later",
                   attribution="Training images: BSDS300, Sun-Hays 80, Wikimedia Commons photographs, GIMP patterns "
                               "(see models/unet/README.md)")
    return state["step"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--run", type=Path, default=ROOT / "build/unet-training")
    parser.add_argument("--out", type=Path, default=ROOT / "models/unet")
    parser.add_argument("--name", default="latent-unet")
    parser.add_argument("--weights", choices=("ema", "model"), default="ema",
                        help="the EMA of the weights, or the trained weights themselves: for a run so short that "
                             "the EMA still holds much of its starting point (a short distillation)")
    args = parser.parse_args()
    step = export(args.run / "checkpoint.pt", args.out, args.name, weights_key=args.weights)
    print(f"exported step {step} to {args.out / args.name}.safetensors")


if __name__ == "__main__":
    main()
