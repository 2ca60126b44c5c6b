/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* From a segmentation network's coarse subject probability to an alpha matte
 * at the photograph's full resolution: holes, grow/shrink, then the edges
 * snapped to the photograph's in a band around the contour, the only place
 * the matte is soft; finally softness and feather. The snapping is a colour
 * guided filter (He et al. 2013) whose fits leave out (weigh down) the
 * pixels near the coarse contour: each window learns "subject colour -> 1,
 * background colour -> 0" from the pixels the mask is sure of and applies
 * it to the uncertain ones, a learning-free local matting step. The network sees the photograph at 1024 x 1024, so
 * at 4000 x 3000 its contour is stair-stepped and off by up to four pixels. */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean refine_edges; /* snap the contour to the photograph's edges; off: the coarse probability as it is */
  double softness;       /* 0: a hard mask; 1: the soft matte; between: its transitions steepened by 1/softness */
  double grow;           /* pixels the subject grows by (< 0: shrinks) before the edges are refined */
  int feather;           /* pixels: the final matte blurred so a hard edge ramps over 2 feather pixels */
  gboolean keep_holes;   /* keep background enclosed by the subject (a ring's inside); off: fill it */
  int radius;            /* guided filter window radius in pixels; 0: from the image size */
  int uncertainty;       /* pixels either side of the coarse contour whose mask value is not trusted; 0: 5/8 radius */
  float eps;             /* guided filter regularisation (squared colour units) */
} AtelierMatteOptions;

/* Refinement on, softness 1, no grow or feather, holes kept, automatic radius and uncertainty, eps 1e-5
 * (chosen on 9 images of the evaluation set: docs/cutout-evaluation.md). */
AtelierMatteOptions atelier_matte_options_default (void);

/* The guided filter's radius for an image of this size when the options
 * leave it at 0: the network's grid cell (the longer side / 1024) times 4,
 * at least 4, so a window reaches across the coarse contour's error (a cell
 * or two, the uncertain 5/8 of the radius) to trusted pixels on both sides. */
int atelier_matte_default_radius (gint64 h, gint64 w);

/* image (1, 3, H, W) in 0..1, coarse (1, 1, H, W) subject probability in
 * 0..1 -> alpha (1, 1, H, W) in 0..1. */
AtelierTensor *atelier_matte_refine (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *coarse,
                                     const AtelierMatteOptions *options, GError **error);

G_END_DECLS
