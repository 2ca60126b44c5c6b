/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Super-resolution of a whole image of any size: grey, grey + alpha, RGB or
 * RGBA, values 0..1, through an RDN/RRDN network in overlapping tiles. */

#include "networks/atelier-rdn.h"
#include "tiling/atelier-tiling.h"

G_BEGIN_DECLS

typedef struct
{
  int tile_size; /* input pixels per tile side; 0: the largest that fits the context's memory budget */
  int margin;    /* input pixels dropped at each cut edge; < 0: ATELIER_UPSCALE_DEFAULT_MARGIN or the
                    network's receptive radius, whichever is smaller */
} AtelierUpscaleOptions;

/* esrgan-thick's nominal receptive radius is 154 pixels, but its effective
 * one is far smaller: on a 160 px crop of Set5's baby, tiled output differed
 * from untiled by 4.8e-6 with an 8-pixel margin and 3.0e-7 with 16. */
#define ATELIER_UPSCALE_DEFAULT_MARGIN 16

/* image (1, C, H, W), C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA, values 0..1
 * -> (1, C, H*s, W*s), clamped to 0..1. Colour goes through the network (grey
 * as equal RGB, averaged back); alpha is resized bicubically on its own, and
 * the colour of fully transparent pixels is replaced by that of their visible
 * surroundings first, so it cannot bleed into visible edges. */
AtelierTensor *atelier_upscale (AtelierContext *ctx, const AtelierRdn *net, const AtelierTensor *image,
                                const AtelierUpscaleOptions *options, GError **error);

G_END_DECLS
