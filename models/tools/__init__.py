# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers: safetensors and manifest files, PyTorch's CPU threads."""
