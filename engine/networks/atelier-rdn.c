/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "networks/atelier-rdn.h"

#include "core/atelier-error.h"
#include "core/atelier-named-value.h"
#include "model/atelier-model-path.h"

#include <string.h>

/* ---------------------------------------------------------------- weights */

typedef struct
{
  AtelierConvLayer *growth; /* (C): F_<id>_<c>, G0 + (c-1) G -> G, 3x3 */
  AtelierConvLayer fusion;  /* LFF_<id>: G0 + C G -> G0, 1x1 (RDN) or 3x3 (RRDN) */
} DenseBlock;

struct _AtelierRdn
{
  AtelierRdnConfig config;
  char *name;
  int n_blocks;        /* D (RDN) or T * D (RRDN) */
  DenseBlock *blocks;  /* (n_blocks) */
  /* RDN */
  AtelierConvLayer shallow1, shallow2;    /* F_m1: 3 -> G0, F_0: G0 -> G0 */
  AtelierConvLayer global1, global2;      /* GFF_1: D G0 -> G0 1x1, GFF_2: G0 -> G0 3x3 */
  AtelierConvLayer up1, up2, up3;         /* UPN1: G0 -> 64 5x5, UPN2: 64 -> 32, UPN3: 32 -> 3 s^2 */
  /* RRDN */
  AtelierConvLayer pre, post, pre_shuffle; /* 3 -> G0, G0 -> G0, G0 -> 3 s^2 */
  AtelierConvLayer sr;                     /* -> RGB: from 3 s^2 (RDN) or 3 (RRDN) channels */
};

static void
dense_block_clear (DenseBlock *block, int convs)
{
  for (int c = 0; block->growth != NULL && c < convs; c++)
    atelier_conv_layer_clear (&block->growth[c]);
  g_clear_pointer (&block->growth, g_free);
  atelier_conv_layer_clear (&block->fusion);
}

void
atelier_rdn_free (AtelierRdn *net)
{
  if (net == NULL)
    return;
  for (int b = 0; net->blocks != NULL && b < net->n_blocks; b++)
    dense_block_clear (&net->blocks[b], net->config.C);
  g_free (net->blocks);
  g_free (net->name);
  AtelierConvLayer *layers[] = { &net->shallow1, &net->shallow2, &net->global1, &net->global2, &net->up1,
                                 &net->up2, &net->up3, &net->pre, &net->post, &net->pre_shuffle, &net->sr };
  for (gsize i = 0; i < G_N_ELEMENTS (layers); i++)
    atelier_conv_layer_clear (layers[i]);
  g_free (net);
}

static gboolean
dense_block_load (DenseBlock *block, const AtelierModel *model, const AtelierRdnConfig *cfg, const char *id,
                  GError **error)
{
  block->growth = g_new0 (AtelierConvLayer, cfg->C);
  for (int c = 0; c < cfg->C; c++)
    {
      g_autofree char *name = g_strdup_printf ("F_%s_%d", id, c + 1);
      if (!atelier_conv_layer_load (&block->growth[c], model, name, cfg->G, cfg->G0 + c * cfg->G, 3, error))
        return FALSE;
    }
  g_autofree char *name = g_strdup_printf ("LFF_%s", id);
  const int kernel = cfg->family == ATELIER_RDN_FAMILY_RDN ? 1 : 3;
  return atelier_conv_layer_load (&block->fusion, model, name, cfg->G0, cfg->G0 + cfg->C * cfg->G, kernel, error);
}

static const AtelierNamedValue family_names[] = {
  { "rdn", ATELIER_RDN_FAMILY_RDN },
  { "rrdn", ATELIER_RDN_FAMILY_RRDN },
};

static gboolean
read_config (const AtelierManifest *m, AtelierRdnConfig *cfg, GError **error)
{
  const char *family, *upsampling;
  double beta, range;
  int family_value;
  if (!atelier_manifest_config_string (m, "family", &family, error)
      || !atelier_named_value_lookup (family_names, G_N_ELEMENTS (family_names), "network family", family,
                                      &family_value, error)
      || !atelier_manifest_config_int_in (m, "scale", 2, 8, &cfg->scale, error) || !atelier_manifest_config_int_in (m, "C", 1, 64, &cfg->C, error)
      || !atelier_manifest_config_int_in (m, "D", 1, 64, &cfg->D, error) || !atelier_manifest_config_int_in (m, "G", 1, 1024, &cfg->G, error)
      || !atelier_manifest_config_int_in (m, "G0", 1, 1024, &cfg->G0, error)
      || !atelier_manifest_config_double (m, "beta", &beta, error)
      || !atelier_manifest_config_double (m, "value_range", &range, error)
      || !atelier_manifest_config_string (m, "upsampling", &upsampling, error))
    return FALSE;
  cfg->family = family_value;
  cfg->beta = (float) beta;
  cfg->value_range = (float) range;
  cfg->T = 1;
  if (cfg->family == ATELIER_RDN_FAMILY_RRDN && !atelier_manifest_config_int_in (m, "T", 1, 64, &cfg->T, error))
    return FALSE;
  const char *expected = cfg->family == ATELIER_RDN_FAMILY_RDN ? "nearest" : "depth_to_space";
  if (g_strcmp0 (upsampling, expected) != 0 || !(range > 0.0))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED,
                   "model %s: %s networks upsample with \"%s\" and need a positive value_range",
                   atelier_manifest_get_name (m), family, expected);
      return FALSE;
    }
  return TRUE;
}

AtelierRdn *
atelier_rdn_new (const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  if (!atelier_manifest_check_architecture (m, "idealo-rdn", error))
    return NULL;
  g_autoptr (AtelierRdn) net = g_new0 (AtelierRdn, 1);
  net->name = g_strdup (atelier_manifest_get_name (m));
  AtelierRdnConfig *cfg = &net->config;
  if (!read_config (m, cfg, error))
    return NULL;
  const int s2 = 3 * cfg->scale * cfg->scale;
  const gboolean rdn = cfg->family == ATELIER_RDN_FAMILY_RDN;
  net->n_blocks = rdn ? cfg->D : cfg->T * cfg->D;
  net->blocks = g_new0 (DenseBlock, net->n_blocks);
  for (int b = 0; b < net->n_blocks; b++)
    {
      g_autofree char *id = rdn ? g_strdup_printf ("%d", b + 1) : g_strdup_printf ("%d_%d", b / cfg->D + 1, b % cfg->D + 1);
      if (!dense_block_load (&net->blocks[b], model, cfg, id, error))
        return NULL;
    }
  gboolean ok = rdn ? atelier_conv_layer_load (&net->shallow1, model, "F_m1", cfg->G0, 3, 3, error)
                        && atelier_conv_layer_load (&net->shallow2, model, "F_0", cfg->G0, cfg->G0, 3, error)
                        && atelier_conv_layer_load (&net->global1, model, "GFF_1", cfg->G0, cfg->D * cfg->G0, 1, error)
                        && atelier_conv_layer_load (&net->global2, model, "GFF_2", cfg->G0, cfg->G0, 3, error)
                        && atelier_conv_layer_load (&net->up1, model, "UPN1", 64, cfg->G0, 5, error)
                        && atelier_conv_layer_load (&net->up2, model, "UPN2", 32, 64, 3, error)
                        && atelier_conv_layer_load (&net->up3, model, "UPN3", s2, 32, 3, error)
                        && atelier_conv_layer_load (&net->sr, model, "SR", 3, s2, 3, error)
                    : atelier_conv_layer_load (&net->pre, model, "Pre_blocks_conv", cfg->G0, 3, 3, error)
                        && atelier_conv_layer_load (&net->post, model, "post_blocks_conv", cfg->G0, cfg->G0, 3, error)
                        && atelier_conv_layer_load (&net->pre_shuffle, model, "PreShuffle", s2, cfg->G0, 3, error)
                        && atelier_conv_layer_load (&net->sr, model, "SR", 3, 3, 3, error);
  return ok ? g_steal_pointer (&net) : NULL;
}

AtelierRdn *
atelier_rdn_open (const char *size_or_path, int scale, GError **error)
{
  g_autofree char *name = g_str_has_suffix (size_or_path, ".json") ? g_strdup (size_or_path)
                                                                   : g_strdup_printf ("esrgan-%s-x%d", size_or_path, scale);
  g_autofree char *manifest = atelier_model_find (name, error);
  g_autoptr (AtelierModel) model = manifest ? atelier_model_open (manifest, error) : NULL;
  g_autoptr (AtelierRdn) net = model ? atelier_rdn_new (model, error) : NULL;
  if (net != NULL && net->config.scale != scale)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "model %s enlarges x%d, not x%d", manifest,
                   net->config.scale, scale);
      return NULL;
    }
  return g_steal_pointer (&net);
}

const AtelierRdnConfig *
atelier_rdn_get_config (const AtelierRdn *net)
{
  return &net->config;
}

const char *
atelier_rdn_get_name (const AtelierRdn *net)
{
  return net->name;
}

int
atelier_rdn_receptive_radius (const AtelierRdn *net)
{
  const AtelierRdnConfig *c = &net->config;
  if (c->family == ATELIER_RDN_FAMILY_RDN)
    /* F_m1, F_0, C growth convs per block, GFF_2, UPN1 (5x5), UPN2, UPN3, SR at output scale */
    return 2 + c->D * c->C + 1 + 2 + 1 + 1 + 1;
  /* pre, T*D blocks of C growth + a 3x3 fusion, post, PreShuffle, SR at output scale */
  return 1 + c->T * c->D * (c->C + 1) + 1 + 1 + 1;
}

gsize
atelier_rdn_bytes_per_pixel (const AtelierRdn *net)
{
  const AtelierRdnConfig *c = &net->config;
  const gsize g0 = c->G0, block = (gsize) c->G0 + (gsize) c->C * c->G, s2 = (gsize) c->scale * c->scale;
  gsize floats;
  if (c->family == ATELIER_RDN_FAMILY_RDN)
    {
      /* Channels alive at once, per input pixel, at each stage of rdn_forward: in the last block the outputs
       * kept for the global fusion, the shallow features and the block's concatenation; at the fusion those
       * outputs and their concatenation; at the end the 3 s^2 channel map, its nearest enlargement (s^2 the
       * pixels) and the result. */
      const gsize blocks = (gsize) c->D * g0 + 2 * g0 + block + g0;
      const gsize fusion = 2 * (gsize) c->D * g0 + 2 * g0;
      const gsize up = 2 * g0 + 3 * s2 * (s2 + 2);
      floats = MAX (MAX (blocks, fusion), up);
    }
  else
    {
      /* In a block: the long skip, the RRDB input, the block input, its concatenation and its output; at the
       * end the body and the long skip, the 3 s^2 channel map, its shuffle and the result. */
      const gsize blocks = 3 * g0 + block + g0;
      const gsize up = 2 * g0 + 3 * 3 * s2;
      floats = MAX (blocks, up);
    }
  /* The convolutions' workspaces, the tile's crops and the allocator come on top: 30 % for them. */
  return sizeof (float) * floats * 13 / 10;
}

/* ---------------------------------------------------------------- blocks */

/* Dense block body: returns the fusion conv of concat(input, F_1, ..., F_C). The concatenation is one
 * tensor from the start: with batch 1 the first k channels are a contiguous prefix, so each growth conv
 * reads a view of the channels so far and writes its own straight after them, and nothing is copied but
 * the input (copying the growing concatenation at every step took 9 % of an esrgan-thick upscale). */
static AtelierTensor *
dense_block_fused (AtelierContext *ctx, const DenseBlock *block, const AtelierRdnConfig *cfg,
                   const AtelierTensor *input, GError **error)
{
  const int64_t h = input->shape[2], w = input->shape[3], plane = h * w;
  g_autoptr (AtelierTensor) features = atelier_tensor_new_uninitialized (
    4, (const int64_t[]) { 1, cfg->G0 + (int64_t) cfg->C * cfg->G, h, w }, error);
  if (features == NULL)
    return NULL;
  memcpy (features->data, input->data, sizeof (float) * cfg->G0 * plane);
  for (int c = 0; c < cfg->C; c++)
    {
      const int64_t so_far = cfg->G0 + (int64_t) c * cfg->G;
      g_autoptr (AtelierTensor) seen = atelier_tensor_new_view (features->data, 4, (const int64_t[]) { 1, so_far, h, w });
      g_autoptr (AtelierTensor) grown = atelier_tensor_new_view (features->data + so_far * plane, 4,
                                                                 (const int64_t[]) { 1, cfg->G, h, w });
      if (!atelier_conv_layer_forward_into (ctx, &block->growth[c], seen, ATELIER_ACTIVATION_RELU, grown, error))
        return NULL;
    }
  return atelier_conv_layer_forward (ctx, &block->fusion, features, ATELIER_ACTIVATION_NONE, error);
}

/* x + scale * y, in place on y. */
static gboolean
residual (AtelierContext *ctx, AtelierTensor *y, float scale, const AtelierTensor *x, GError **error)
{
  if (scale != 1.0f)
    atelier_scale_inplace (y, scale, 0.0f);
  return atelier_add_inplace (ctx, y, x, error);
}

static AtelierTensor *
rdn_forward (AtelierContext *ctx, const AtelierRdn *net, const AtelierTensor *rgb, GError **error)
{
  const AtelierRdnConfig *cfg = &net->config;
  g_autoptr (AtelierTensor) shallow = atelier_conv_layer_forward (ctx, &net->shallow1, rgb, ATELIER_ACTIVATION_NONE, error);
  if (shallow == NULL)
    return NULL;
  g_autoptr (AtelierTensor) first = atelier_conv_layer_forward (ctx, &net->shallow2, shallow, ATELIER_ACTIVATION_NONE, error);
  if (first == NULL)
    return NULL;
  /* Every block's output is kept for the global feature fusion. */
  g_autoptr (GPtrArray) outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) atelier_tensor_free);
  const AtelierTensor *x = first;
  for (int d = 0; d < cfg->D; d++)
    {
      AtelierTensor *fused = dense_block_fused (ctx, &net->blocks[d], cfg, x, error);
      if (fused == NULL || !residual (ctx, fused, 1.0f, x, error))
        {
          atelier_tensor_free (fused);
          return NULL;
        }
      g_ptr_array_add (outputs, fused);
      x = fused;
    }
  g_autoptr (AtelierTensor) all = atelier_concat (ctx, (const AtelierTensor *const *) outputs->pdata,
                                                  (int) outputs->len, 1, error);
  g_clear_pointer (&outputs, g_ptr_array_unref);
  /* Each map is freed as soon as the next is made: kept to the end, the D block outputs' concatenation alone
   * made esrgan-medium-x4 peak at 1.8 times the planner's estimate. */
  g_autoptr (AtelierTensor) g1 = all ? atelier_conv_layer_forward (ctx, &net->global1, all, ATELIER_ACTIVATION_NONE, error) : NULL;
  g_clear_pointer (&all, atelier_tensor_free);
  g_autoptr (AtelierTensor) g2 = g1 ? atelier_conv_layer_forward (ctx, &net->global2, g1, ATELIER_ACTIVATION_NONE, error) : NULL;
  g_clear_pointer (&g1, atelier_tensor_free);
  if (g2 == NULL || !residual (ctx, g2, 1.0f, shallow, error))
    return NULL;
  g_clear_pointer (&first, atelier_tensor_free);
  g_clear_pointer (&shallow, atelier_tensor_free);
  g_autoptr (AtelierTensor) u1 = atelier_conv_layer_forward (ctx, &net->up1, g2, ATELIER_ACTIVATION_RELU, error);
  g_clear_pointer (&g2, atelier_tensor_free);
  g_autoptr (AtelierTensor) u2 = u1 ? atelier_conv_layer_forward (ctx, &net->up2, u1, ATELIER_ACTIVATION_RELU, error) : NULL;
  g_clear_pointer (&u1, atelier_tensor_free);
  g_autoptr (AtelierTensor) u3 = u2 ? atelier_conv_layer_forward (ctx, &net->up3, u2, ATELIER_ACTIVATION_NONE, error) : NULL;
  g_clear_pointer (&u2, atelier_tensor_free);
  g_autoptr (AtelierTensor) up = u3 ? atelier_resize (ctx, u3, u3->shape[2] * cfg->scale, u3->shape[3] * cfg->scale,
                                                      ATELIER_RESIZE_NEAREST, error) : NULL;
  g_clear_pointer (&u3, atelier_tensor_free);
  return up ? atelier_conv_layer_forward (ctx, &net->sr, up, ATELIER_ACTIVATION_NONE, error) : NULL;
}

static AtelierTensor *
rrdn_forward (AtelierContext *ctx, const AtelierRdn *net, const AtelierTensor *rgb, GError **error)
{
  const AtelierRdnConfig *cfg = &net->config;
  g_autoptr (AtelierTensor) pre = atelier_conv_layer_forward (ctx, &net->pre, rgb, ATELIER_ACTIVATION_NONE, error);
  if (pre == NULL)
    return NULL;
  g_autoptr (AtelierTensor) x = atelier_tensor_copy (pre, error);
  for (int t = 0; x != NULL && t < cfg->T; t++)
    {
      g_autoptr (AtelierTensor) rrdb_input = atelier_tensor_copy (x, error);
      if (rrdb_input == NULL)
        return NULL;
      for (int d = 0; d < cfg->D; d++)
        {
          AtelierTensor *fused = dense_block_fused (ctx, &net->blocks[t * cfg->D + d], cfg, x, error);
          if (fused == NULL || !residual (ctx, fused, cfg->beta, x, error))
            {
              atelier_tensor_free (fused);
              return NULL;
            }
          atelier_tensor_free (x);
          x = fused;
        }
      if (!residual (ctx, x, cfg->beta, rrdb_input, error))
        return NULL;
    }
  if (x == NULL)
    return NULL;
  g_autoptr (AtelierTensor) body = atelier_conv_layer_forward (ctx, &net->post, x, ATELIER_ACTIVATION_NONE, error);
  if (body == NULL || !residual (ctx, body, 1.0f, pre, error))
    return NULL;
  g_autoptr (AtelierTensor) expanded = atelier_conv_layer_forward (ctx, &net->pre_shuffle, body, ATELIER_ACTIVATION_NONE, error);
  g_autoptr (AtelierTensor) shuffled = expanded ? atelier_pixel_shuffle (ctx, expanded, cfg->scale,
                                                                         ATELIER_DEPTH_TO_SPACE_CHANNEL_LAST, error) : NULL;
  return shuffled ? atelier_conv_layer_forward (ctx, &net->sr, shuffled, ATELIER_ACTIVATION_NONE, error) : NULL;
}

AtelierTensor *
atelier_rdn_forward (AtelierContext *ctx, const AtelierRdn *net, const AtelierTensor *rgb, GError **error)
{
  if (!atelier_tensor_check_shape (rgb, "super-resolution input", 4, (const int64_t[]) { 1, 3, -1, -1 }, error))
    return NULL;
  return net->config.family == ATELIER_RDN_FAMILY_RDN ? rdn_forward (ctx, net, rgb, error)
                                                      : rrdn_forward (ctx, net, rgb, error);
}
