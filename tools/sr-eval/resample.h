/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* MATLAB imresize-style separable resampling, the convention of the
 * super-resolution literature: half-pixel centres, the kernel widened by the
 * scale when shrinking (antialiasing), symmetric (mirror) borders. Only the
 * evaluation tool uses it. */

#include "atelier.h"

typedef enum
{
  RESAMPLE_BICUBIC, /* Keys a = -0.5, as MATLAB */
  RESAMPLE_LANCZOS3,
} ResampleKernel;

AtelierTensor *resample (const AtelierTensor *image, gint64 out_h, gint64 out_w, ResampleKernel kernel);
