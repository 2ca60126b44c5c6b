/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Whether an image's pixels were once a JPEG, whatever file they come in: a
 * JPEG re-saved as PNG keeps the 8x8 grid that the detector sets aside for a
 * JPEG file, and measured, such photographs made most of its false alarms
 * (docs/detector-evaluation.md). The test is JPEG's own and no generator's:
 * the luminance's 8x8 DCT coefficients, on the grid from the image's corner,
 * sit on multiples of the quantisation steps, up to the decoder's rounding. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* @image (1, C, H, W), C = 1..4, values in 0..1 on 8-bit levels. Samples at
 * most 4096 blocks. FALSE for an image under 16 pixels on a side, for one
 * cropped off JPEG's grid, or compressed so lightly that the low-frequency
 * steps are 1. */
gboolean atelier_jpeg_lattice_found (const AtelierTensor *image);

G_END_DECLS
