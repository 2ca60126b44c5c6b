/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A convolution layer bound from a model file: "<name>.weight"
 * (Cout, Cin, K, K) and, where it has one, "<name>.bias" (Cout); run with
 * zero padding of K/2 ("same" at stride 1). */

#include "model/atelier-model.h"
#include "ops/atelier-ops.h"

G_BEGIN_DECLS

typedef struct
{
  AtelierTensor *weight; /* (Cout, Cin, K, K) */
  AtelierTensor *bias;   /* (Cout) or NULL */
  int stride;
} AtelierConvLayer;

/* Binds the layer (stride 1, with bias), checking shapes; the error names the tensor. */
gboolean atelier_conv_layer_load (AtelierConvLayer *layer, const AtelierModel *model, const char *name,
                                  gint64 cout, gint64 cin, int kernel, GError **error);
gboolean atelier_conv_layer_load_full (AtelierConvLayer *layer, const AtelierModel *model, const char *name,
                                       gint64 cout, gint64 cin, int kernel, int stride, gboolean with_bias,
                                       GError **error);
void atelier_conv_layer_clear (AtelierConvLayer *layer);

/* Zero padding of kernel/2 on every side, the layer's stride, optional fused activation. */
AtelierTensor *atelier_conv_layer_forward (AtelierContext *ctx, const AtelierConvLayer *layer,
                                           const AtelierTensor *input, AtelierActivation activation,
                                           GError **error);

/* The same into @output, which may be a view into a larger tensor. */
gboolean atelier_conv_layer_forward_into (AtelierContext *ctx, const AtelierConvLayer *layer,
                                          const AtelierTensor *input, AtelierActivation activation,
                                          AtelierTensor *output, GError **error);

G_END_DECLS
