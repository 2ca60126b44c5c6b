/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "networks/atelier-autoencoder.h"

#include "core/atelier-error.h"
#include "core/atelier-named-value.h"

#include <json-glib/json-glib.h>

/* ---------------------------------------------------------------- weights */

typedef enum
{
  LAYER_CONV,
  LAYER_BLOCK,
  LAYER_RELU,
  LAYER_UPSAMPLE,
  LAYER_TANH_CLAMP,
} LayerKind;

static const AtelierNamedValue layer_kinds[] = {
  { "conv", LAYER_CONV },
  { "block", LAYER_BLOCK },
  { "relu", LAYER_RELU },
  { "upsample", LAYER_UPSAMPLE },
  { "tanh_clamp", LAYER_TANH_CLAMP },
};

typedef struct
{
  AtelierConvLayer conv[3];       /* <i>.conv.{0,2,4}: C -> C, 3x3 */
  gboolean pool;
  AtelierConvLayer expand, reduce; /* <i>.pool.0: C -> 4C 1x1, <i>.pool.3: 4C -> C 1x1, no bias */
  AtelierTensor *norm_weight, *norm_bias; /* <i>.pool.1: (4C) */
} Block;

typedef struct
{
  LayerKind kind;
  AtelierConvLayer conv; /* LAYER_CONV */
  Block block;           /* LAYER_BLOCK */
  int factor;            /* LAYER_UPSAMPLE */
  float scale;           /* LAYER_TANH_CLAMP */
} Layer;

typedef struct
{
  Layer *layers;
  int count;
} Sequence;

struct _AtelierAutoencoder
{
  Sequence encoder, decoder;
  int latent_channels, downscale, channels, norm_groups;
  float norm_eps;
};

static void
sequence_clear (Sequence *seq)
{
  for (int i = 0; i < seq->count; i++)
    {
      Layer *l = &seq->layers[i];
      atelier_conv_layer_clear (&l->conv);
      for (int j = 0; j < 3; j++)
        atelier_conv_layer_clear (&l->block.conv[j]);
      atelier_conv_layer_clear (&l->block.expand);
      atelier_conv_layer_clear (&l->block.reduce);
      g_clear_pointer (&l->block.norm_weight, atelier_tensor_free);
      g_clear_pointer (&l->block.norm_bias, atelier_tensor_free);
    }
  g_clear_pointer (&seq->layers, g_free);
}

void
atelier_autoencoder_free (AtelierAutoencoder *ae)
{
  if (ae == NULL)
    return;
  sequence_clear (&ae->encoder);
  sequence_clear (&ae->decoder);
  g_free (ae);
}

static gboolean
config_error (const AtelierModel *model, GError **error, const char *side, int index, const char *what)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT, "model %s: config %s[%d]: %s",
               atelier_manifest_get_name (atelier_model_get_manifest (model)), side, index, what);
  return FALSE;
}

static gboolean
load_block (Block *b, const AtelierModel *model, const char *prefix, int c, GError **error)
{
  for (int j = 0; j < 3; j++)
    {
      g_autofree char *name = g_strdup_printf ("%s.conv.%d", prefix, 2 * j);
      if (!atelier_conv_layer_load (&b->conv[j], model, name, c, c, 3, error))
        return FALSE;
    }
  if (!b->pool)
    return TRUE;
  g_autofree char *expand = g_strdup_printf ("%s.pool.0", prefix);
  g_autofree char *reduce = g_strdup_printf ("%s.pool.3", prefix);
  const int64_t norm_shape[1] = { 4 * c };
  return atelier_conv_layer_load_full (&b->expand, model, expand, 4 * c, c, 1, 1, FALSE, error)
         && atelier_conv_layer_load_full (&b->reduce, model, reduce, c, 4 * c, 1, 1, FALSE, error)
         && (b->norm_weight = atelier_model_load_tensorf (model, 1, norm_shape, error, "%s.pool.1.weight", prefix))
         && (b->norm_bias = atelier_model_load_tensorf (model, 1, norm_shape, error, "%s.pool.1.bias", prefix));
}

static gboolean
load_sequence (Sequence *seq, const AtelierModel *model, const char *side, int channels, GError **error)
{
  JsonObject *config = atelier_manifest_get_config (atelier_model_get_manifest (model));
  JsonNode *node = json_object_get_member (config, side);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return config_error (model, error, side, 0, "must be an array of layers");
  JsonArray *array = json_node_get_array (node);
  seq->count = (int) json_array_get_length (array);
  seq->layers = g_new0 (Layer, seq->count);
  for (int i = 0; i < seq->count; i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (!JSON_NODE_HOLDS_OBJECT (item))
        return config_error (model, error, side, i, "not an object");
      JsonObject *o = json_node_get_object (item);
      Layer *l = &seq->layers[i];
      int kind;
      if (!atelier_named_value_lookup (layer_kinds, G_N_ELEMENTS (layer_kinds), "layer type",
                                       json_object_get_string_member_with_default (o, "type", ""), &kind, error))
        return FALSE;
      l->kind = kind;
      g_autofree char *prefix = g_strdup_printf ("%s.%d", side, i);
      switch (l->kind)
        {
        case LAYER_CONV:
          {
            gint64 cin = json_object_get_int_member_with_default (o, "in", 0);
            gint64 cout = json_object_get_int_member_with_default (o, "out", 0);
            gint64 stride = json_object_get_int_member_with_default (o, "stride", 1);
            if (cin < 1 || cout < 1 || stride < 1 || stride > 8)
              return config_error (model, error, side, i, "conv needs in, out >= 1 and stride 1..8");
            if (!atelier_conv_layer_load_full (&l->conv, model, prefix, cout, cin, 3, (int) stride,
                                               json_object_get_boolean_member_with_default (o, "bias", TRUE), error))
              return FALSE;
            break;
          }
        case LAYER_BLOCK:
          l->block.pool = json_object_get_boolean_member_with_default (o, "pool", FALSE);
          if (!load_block (&l->block, model, prefix, channels, error))
            return FALSE;
          break;
        case LAYER_UPSAMPLE:
          l->factor = (int) json_object_get_int_member_with_default (o, "factor", 0);
          if (l->factor < 1 || l->factor > 8)
            return config_error (model, error, side, i, "upsample factor must be 1..8");
          break;
        case LAYER_TANH_CLAMP:
          l->scale = (float) json_object_get_double_member_with_default (o, "scale", 0.0);
          if (!(l->scale > 0.0f))
            return config_error (model, error, side, i, "tanh_clamp scale must be positive");
          break;
        case LAYER_RELU:
          break;
        }
    }
  return TRUE;
}

AtelierAutoencoder *
atelier_autoencoder_new (const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  if (!atelier_manifest_check_architecture (m, "tiny-autoencoder", error))
    return NULL;
  g_autoptr (AtelierAutoencoder) ae = g_new0 (AtelierAutoencoder, 1);
  gint64 latent, downscale, channels, groups;
  double eps;
  if (!atelier_manifest_config_int (m, "latent_channels", &latent, error)
      || !atelier_manifest_config_int (m, "downscale", &downscale, error)
      || !atelier_manifest_config_int (m, "channels", &channels, error)
      || !atelier_manifest_config_int (m, "norm_groups", &groups, error)
      || !atelier_manifest_config_double (m, "norm_eps", &eps, error))
    return NULL;
  ae->latent_channels = (int) latent;
  ae->downscale = (int) downscale;
  ae->channels = (int) channels;
  ae->norm_groups = (int) groups;
  ae->norm_eps = (float) eps;
  if (!load_sequence (&ae->encoder, model, "encoder", ae->channels, error)
      || !load_sequence (&ae->decoder, model, "decoder", ae->channels, error))
    return NULL;
  return g_steal_pointer (&ae);
}

int
atelier_autoencoder_get_downscale (const AtelierAutoencoder *ae)
{
  return ae->downscale;
}

int
atelier_autoencoder_get_latent_channels (const AtelierAutoencoder *ae)
{
  return ae->latent_channels;
}

/* ---------------------------------------------------------------- forward */

/* relu(conv(relu(conv(relu(conv(h))))) + h), with h = x + pool(x) in pooled blocks. */
static AtelierTensor *
block_forward (AtelierContext *ctx, const AtelierAutoencoder *ae, const Block *b, const AtelierTensor *x,
               GError **error)
{
  /* h is x itself unless the block pools: a full-resolution copy costs as
   * much as a small convolution. */
  g_autoptr (AtelierTensor) pooled_input = NULL;
  const AtelierTensor *h = x;
  if (b->pool)
    {
      g_autoptr (AtelierTensor) wide = atelier_conv_layer_forward (ctx, &b->expand, x, ATELIER_ACTIVATION_NONE, error);
      g_autoptr (AtelierTensor) normed = wide ? atelier_group_norm (ctx, wide, ae->norm_groups, b->norm_weight,
                                                                    b->norm_bias, ae->norm_eps, error) : NULL;
      if (normed == NULL)
        return NULL;
      atelier_activation_inplace (ctx, normed, ATELIER_ACTIVATION_RELU, 0.0f);
      pooled_input = atelier_conv_layer_forward (ctx, &b->reduce, normed, ATELIER_ACTIVATION_NONE, error);
      if (pooled_input == NULL || !atelier_add_inplace (ctx, pooled_input, x, error))
        return NULL;
      h = pooled_input;
    }
  g_autoptr (AtelierTensor) a = atelier_conv_layer_forward (ctx, &b->conv[0], h, ATELIER_ACTIVATION_RELU, error);
  g_autoptr (AtelierTensor) c = a ? atelier_conv_layer_forward (ctx, &b->conv[1], a, ATELIER_ACTIVATION_RELU, error) : NULL;
  AtelierTensor *y = c ? atelier_conv_layer_forward (ctx, &b->conv[2], c, ATELIER_ACTIVATION_NONE, error) : NULL;
  if (y == NULL || !atelier_add_inplace (ctx, y, h, error))
    {
      atelier_tensor_free (y);
      return NULL;
    }
  atelier_activation_inplace (ctx, y, ATELIER_ACTIVATION_RELU, 0.0f);
  return y;
}

static AtelierTensor *
sequence_forward (AtelierContext *ctx, const AtelierAutoencoder *ae, const Sequence *seq, int first, int last,
                  const AtelierTensor *input, GError **error)
{
  g_autoptr (AtelierTensor) x = atelier_tensor_copy (input, error);
  for (int i = first; x != NULL && i < last; i++)
    {
      const Layer *l = &seq->layers[i];
      AtelierTensor *next = NULL;
      switch (l->kind)
        {
        case LAYER_CONV:
          next = atelier_conv_layer_forward (ctx, &l->conv, x, ATELIER_ACTIVATION_NONE, error);
          break;
        case LAYER_BLOCK:
          next = block_forward (ctx, ae, &l->block, x, error);
          break;
        case LAYER_UPSAMPLE:
          next = atelier_resize (ctx, x, x->shape[2] * l->factor, x->shape[3] * l->factor, ATELIER_RESIZE_NEAREST, error);
          break;
        case LAYER_RELU:
          atelier_activation_inplace (ctx, x, ATELIER_ACTIVATION_RELU, 0.0f);
          continue;
        case LAYER_TANH_CLAMP:
          atelier_scale_inplace (x, 1.0f / l->scale, 0.0f);
          atelier_activation_inplace (ctx, x, ATELIER_ACTIVATION_TANH, 0.0f);
          atelier_scale_inplace (x, l->scale, 0.0f);
          continue;
        }
      if (next == NULL)
        return NULL;
      atelier_tensor_free (x);
      x = next;
    }
  return g_steal_pointer (&x);
}

AtelierTensor *
atelier_autoencoder_encode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *image,
                            GError **error)
{
  if (!atelier_tensor_check_shape (image, "autoencoder input", 4, (const int64_t[]) { 1, 3, -1, -1 }, error))
    return NULL;
  if (image->shape[2] % ae->downscale != 0 || image->shape[3] % ae->downscale != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "autoencoder input sides must be multiples of %d", ae->downscale);
      return NULL;
    }
  return sequence_forward (ctx, ae, &ae->encoder, 0, ae->encoder.count, image, error);
}

AtelierTensor *
atelier_autoencoder_decode (AtelierContext *ctx, const AtelierAutoencoder *ae, const AtelierTensor *latent,
                            GError **error)
{
  if (!atelier_tensor_check_shape (latent, "latent", 4, (const int64_t[]) { 1, ae->latent_channels, -1, -1 }, error))
    return NULL;
  return sequence_forward (ctx, ae, &ae->decoder, 0, ae->decoder.count, latent, error);
}

AtelierTensor *
atelier_autoencoder_run (AtelierContext *ctx, const AtelierAutoencoder *ae, AtelierAutoencoderSide side, int first,
                         int last, const AtelierTensor *input, GError **error)
{
  const Sequence *seq = side == ATELIER_AUTOENCODER_ENCODER ? &ae->encoder : &ae->decoder;
  last = last < 0 ? seq->count : MIN (last, seq->count);
  return sequence_forward (ctx, ae, seq, CLAMP (first, 0, last), last, input, error);
}

static gboolean
is_global (const Layer *l)
{
  return l->kind == LAYER_BLOCK && l->block.pool;
}

int
atelier_autoencoder_encoder_local_end (const AtelierAutoencoder *ae)
{
  for (int i = 0; i < ae->encoder.count; i++)
    if (is_global (&ae->encoder.layers[i]))
      return i;
  return ae->encoder.count;
}

int
atelier_autoencoder_decoder_local_start (const AtelierAutoencoder *ae)
{
  for (int i = ae->decoder.count - 1; i >= 0; i--)
    if (is_global (&ae->decoder.layers[i]))
      return i + 1;
  return 0;
}

int
atelier_autoencoder_get_channels (const AtelierAutoencoder *ae)
{
  return ae->channels;
}
