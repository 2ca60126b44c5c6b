/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Extend Canvas: a photograph cropped too tight given a border generated from it (outpainting), so that it
 * becomes, say, a square marketplace image. The border is a selection around the photograph on an enlarged
 * canvas, filled by the region pipeline; the photograph's own pixels come through bit for bit. */

#include "pipelines/atelier-inpaint-regions.h"

G_BEGIN_DECLS

/* Pixels to add on each side: top, bottom, left, right. */
typedef struct
{
  int64_t top, bottom, left, right;
} AtelierCanvasMargins;

/* The margins that bring a @width x @height image to the aspect @ratio_w:@ratio_h by adding to its short side
 * only, split evenly (the odd pixel going to the bottom or right): 2000x1500 to 1:1 adds 250 above and below. */
AtelierCanvasMargins atelier_canvas_margins_for_aspect (int64_t width, int64_t height, int ratio_w, int ratio_h);

/* @image (1, 3, h, w) RGB 0..1 on a canvas enlarged by @margins, the new border generated from the image:
 * (1, 3, h + top + bottom, w + left + right), the image's pixels bit for bit at (top, left). Refuses margins
 * that add nothing or are negative. */
AtelierTensor *atelier_inpaint_extend (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                                       const AtelierCanvasMargins *margins, const AtelierInpaintRegionsOptions *options,
                                       GError **error);

G_END_DECLS
