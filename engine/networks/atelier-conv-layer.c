/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "networks/atelier-conv-layer.h"

gboolean
atelier_conv_layer_load_full (AtelierConvLayer *layer, const AtelierModel *model, const char *name,
                              gint64 cout, gint64 cin, int kernel, int stride, gboolean with_bias, GError **error)
{
  layer->stride = stride;
  layer->weight = atelier_model_load_tensorf (model, 4, (const int64_t[]) { cout, cin, kernel, kernel }, error,
                                              "%s.weight", name);
  if (layer->weight == NULL)
    return FALSE;
  if (!with_bias)
    return TRUE;
  layer->bias = atelier_model_load_tensorf (model, 1, (const int64_t[]) { cout }, error, "%s.bias", name);
  return layer->bias != NULL;
}

gboolean
atelier_conv_layer_load (AtelierConvLayer *layer, const AtelierModel *model, const char *name,
                         gint64 cout, gint64 cin, int kernel, GError **error)
{
  return atelier_conv_layer_load_full (layer, model, name, cout, cin, kernel, 1, TRUE, error);
}

void
atelier_conv_layer_clear (AtelierConvLayer *layer)
{
  g_clear_pointer (&layer->weight, atelier_tensor_free);
  g_clear_pointer (&layer->bias, atelier_tensor_free);
}

static AtelierConv2dParams
layer_params (const AtelierConvLayer *layer, AtelierActivation activation)
{
  AtelierConv2dParams params = atelier_conv2d_params (MAX (layer->stride, 1), (int) layer->weight->shape[2] / 2, 1);
  params.activation = activation;
  return params;
}

AtelierTensor *
atelier_conv_layer_forward (AtelierContext *ctx, const AtelierConvLayer *layer, const AtelierTensor *input,
                            AtelierActivation activation, GError **error)
{
  const AtelierConv2dParams params = layer_params (layer, activation);
  return atelier_conv2d (ctx, input, layer->weight, layer->bias, &params, error);
}

gboolean
atelier_conv_layer_forward_into (AtelierContext *ctx, const AtelierConvLayer *layer, const AtelierTensor *input,
                                 AtelierActivation activation, AtelierTensor *output, GError **error)
{
  const AtelierConv2dParams params = layer_params (layer, activation);
  return atelier_conv2d_into (ctx, input, layer->weight, layer->bias, &params, output, error);
}
