/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The ways atelier_conv2d computes a convolution, chosen by its shape. They
 * add the bias and apply the fused activation themselves. Internal. */

#include "ops/conv-geometry.h"

typedef struct
{
  AtelierContext *ctx;
  const AtelierConvGeometry *g;
  const AtelierConv2dParams *params;
  const float *weight; /* (Cout, Cin/groups, KH, KW) */
  const float *bias;   /* (Cout) or NULL */
  const float *tap_weights; /* the weights by tap (atelier_conv_weights_by_tap), for the stride-1 paths */
} AtelierConvSetup;

/* Bias and activation over @rows rows of @count values, @ld apart, for
 * output channels first_channel.. */
void atelier_conv_finish_rows (const AtelierConvSetup *setup, float *out, gint64 rows, gint64 ld, gint64 count,
                               gint64 first_channel);

/* The weights rearranged tap-major, (groups, KH KW, Cout/groups, Cin/groups):
 * each tap's (Cout x Cin) matrix contiguous, as both stride-1 paths want
 * them; made once per convolution, not per batch item. NULL with an error
 * when out of memory. */
float *atelier_conv_weights_by_tap (const AtelierConvSetup *setup, GError **error);

/* The per-item paths work on one batch item: input (Cin, H, W) -> output
 * (Cout, OH, OW). */

/* Any convolution: im2col on bounded chunks of output positions + sgemm. */
gboolean atelier_conv2d_im2col (const AtelierConvSetup *setup, const float *input, float *output, GError **error);

/* Stride 1, the whole batch: input (N, Cin, H, W) -> output (N, Cout, OH,
 * OW); taps as shifted views of one padded copy of the input; no im2col.
 * FALSE with no error set when one output row does not fit the workspace, so
 * the caller falls back to im2col. */
gboolean atelier_conv2d_shifted (const AtelierConvSetup *setup, const float *input, float *output,
                                 gboolean *applicable, GError **error);

/* Stride 1: all taps' weights stacked into one sgemm per input row, the
 * results added at their shifts. Same contract as atelier_conv2d_shifted. */
gboolean atelier_conv2d_tapstack (const AtelierConvSetup *setup, const float *input, float *output,
                                  gboolean *applicable, GError **error);

/* Stride 1, dilation 1, 3x3, one group, the whole batch: Winograd's
 * F(@tile x @tile, 3x3), @tile 2 or 4. Same contract as
 * atelier_conv2d_shifted; rounds differently from the direct paths (see
 * tests/test-conv-winograd.c for how much). Needs no tap_weights. */
gboolean atelier_conv2d_winograd (const AtelierConvSetup *setup, int tile, const float *input, float *output,
                                  gboolean *applicable, GError **error);

/* One input channel per output channel. */
void atelier_conv2d_depthwise (const AtelierConvSetup *setup, const float *input, float *output);
