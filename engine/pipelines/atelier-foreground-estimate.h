/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The colours of the subject alone where the matte is partly transparent
 * (Germer, Uelwer, Conrad and Harmeling 2020, "Fast Multi-Level Foreground
 * Estimation"): F and B minimising, per colour channel,
 *   sum_i (a_i F_i + (1 - a_i) B_i - I_i)^2
 *   + sum_{i~j} (eps + w |a_i - a_j|) ((F_i - F_j)^2 + (B_i - B_j)^2)
 * over 4-neighbour pairs, by Gauss-Seidel sweeps from a 1 x 1 image up to the
 * full one (each level initialised with the one below, nearest-neighbour).
 * An RGBA cut-out of F and a composited on any colour then shows no fringe of
 * the old background. Runs on tiles around the partly transparent pixels
 * only, so its memory does not grow with the image. */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  float regularization;  /* eps: 1e-5 */
  float gradient_weight; /* w: 1 */
  int small_iterations;  /* sweeps on a level no larger than small_size x small_size: 10 */
  int big_iterations;    /* sweeps on every larger level: 2 */
  int small_size;        /* 32 */
  int tile_size;         /* pixels of output per tile side: 256; 0: the whole image as one tile */
  int tile_margin;       /* context around a tile's output: 64 */
} AtelierForegroundOptions;

AtelierForegroundOptions atelier_foreground_options_default (void);

/* image (1, 3, H, W) in 0..1, alpha (1, 1, H, W) in 0..1 -> F (1, 3, H, W):
 * the estimate where 0 <= alpha < 1 in tiles that hold a partly transparent
 * pixel, the image itself elsewhere (where alpha is 1 the image is F). */
AtelierTensor *atelier_foreground_estimate (AtelierContext *ctx, const AtelierTensor *image,
                                            const AtelierTensor *alpha, const AtelierForegroundOptions *options,
                                            GError **error);

G_END_DECLS
