/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A convolution layer bound from a model file: "<name>.weight"
 * (Cout, Cin, K, K) and "<name>.bias" (Cout), run with "same" padding. */

#include "model/atelier-model.h"
#include "ops/atelier-ops.h"

G_BEGIN_DECLS

typedef struct
{
  AtelierTensor *weight; /* (Cout, Cin, K, K) */
  AtelierTensor *bias;   /* (Cout) */
} AtelierConvLayer;

/* Binds the layer, checking both shapes; the error names the tensor. */
gboolean atelier_conv_layer_load (AtelierConvLayer *layer, const AtelierModel *model, const char *name,
                                  gint64 cout, gint64 cin, int kernel, GError **error);
void atelier_conv_layer_clear (AtelierConvLayer *layer);

/* Stride 1, zero padding of kernel/2 on every side, optional fused activation. */
AtelierTensor *atelier_conv_layer_forward (AtelierContext *ctx, const AtelierConvLayer *layer,
                                           const AtelierTensor *input, AtelierActivation activation,
                                           GError **error);

G_END_DECLS
