# SPDX-License-Identifier: GPL-3.0-or-later
"""Atelier's Python side: model converters, training and evaluation scripts, the PyTorch references that the
golden files come from, and the helpers they share (tools/). The repository root is the import root: run a
script as a module from there, `/usr/bin/python3 -m models.esrgan.convert_tfjs_esrgan ...`, so that every
import is absolute and nothing needs installing or a search path set."""
