/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shapes of a 2-D convolution, validated once and shared by the forward and
 * the transposed kernels. Internal to the engine. */

#include "ops/atelier-ops.h"

typedef struct
{
  gint64 batch;
  gint64 cin, cout, cin_per_group, cout_per_group;
  gint64 groups;
  gint64 in_h, in_w, out_h, out_w, out_positions;
  int kh, kw;
  int stride_h, stride_w;
  int pad_top, pad_left;
  int dilation_h, dilation_w;
} AtelierConvGeometry;

gboolean atelier_conv_geometry_init (AtelierConvGeometry *g, const AtelierTensor *input,
                                     const AtelierTensor *weight, const AtelierTensor *bias,
                                     const AtelierConv2dParams *params, GError **error);

/* Output columns [lo, hi) whose tap at input offset ox * stride + x_offset
 * lies inside 0..in_w-1. */
void atelier_conv_geometry_valid_range (gint64 x_offset, int stride, gint64 in_w, gint64 out_w,
                                        gint64 *lo, gint64 *hi);

gboolean atelier_conv_geometry_is_pointwise (const AtelierConvGeometry *g);

gboolean atelier_conv_check_hyperparameters (int stride_h, int stride_w, int dilation_h, int dilation_w,
                                             int groups, const int *pads, int n_pads, GError **error);
