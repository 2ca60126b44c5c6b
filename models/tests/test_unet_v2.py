# SPDX-License-Identifier: GPL-3.0-or-later
"""The v2 U-Net grown from v1 weights computes v1's function when the scene is not given, and the scene
vector then changes it only through the new map."""
import torch

from models.unet.unet_torch import DEFAULT_CONFIG, V2_LABELS, UNet, grow_to_v2, v2_config

TINY = dict(DEFAULT_CONFIG, latent_channels=4, base_channels=32, channel_mult=[1, 2], attention_levels=[1],
            head_channels=16, groups=8, embed_channels=32)


def test_grown_v2_equals_v1_for_v1_labels_and_a_zero_scene():
    torch.manual_seed(0)
    v1 = UNet(TINY).eval()
    v2 = UNet(v2_config(TINY)).eval()
    v2.load_state_dict(grow_to_v2(v1.state_dict(), TINY))
    x = torch.randn(3, 9, 8, 8)
    t = torch.tensor([10, 500, 990])
    labels = torch.tensor([0, 1, 3])
    with torch.no_grad():
        expected = v1(x, t, labels)
        assert torch.allclose(v2(x, t, labels), expected, atol=1e-6)
        assert torch.allclose(v2(x, t, labels, torch.zeros(3, 4)), expected, atol=1e-6)
        marble = torch.tensor([V2_LABELS.index("marble")] * 3)
        stone = torch.tensor([V2_LABELS.index("stone")] * 3)
        assert torch.allclose(v2(x, t, marble), v1(x, t, stone), atol=1e-6)
        v2.scene_embed.weight.normal_()
        assert not torch.allclose(v2(x, t, labels, torch.ones(3, 4)), expected, atol=1e-3)


def test_v2_keeps_v1_label_indices():
    assert V2_LABELS[:len(DEFAULT_CONFIG["labels"])] == DEFAULT_CONFIG["labels"]
