/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "networks/atelier-isnet.h"

#include "core/atelier-error.h"
#include "model/atelier-model-path.h"

#include <string.h>

/* ---------------------------------------------------------------- weights */

/* Conv 3x3 with the BatchNorm folded in, then ReLU ("REBNCONV"). */
typedef struct
{
  AtelierConvLayer conv; /* (Cout, Cin, 3, 3), bias (Cout) */
  int dilation;          /* also the zero padding: the size is kept */
} Rebnconv;

typedef struct
{
  AtelierIsnetStage shape;
  Rebnconv in;                                   /* rebnconvin: in -> out */
  Rebnconv down[ATELIER_ISNET_MAX_DEPTH + 1];    /* rebnconv1: out -> mid; rebnconv2..L: mid -> mid */
  Rebnconv up[ATELIER_ISNET_MAX_DEPTH];          /* rebnconv<i>d, i = 1..L-1: 2 mid -> mid, or out for i = 1 */
} Rsu;

struct _AtelierIsnet
{
  AtelierIsnetConfig config;
  AtelierConvLayer stem;                       /* conv_in: (stem, 3, 3, 3), stride 2, no activation */
  Rsu encoder[ATELIER_ISNET_MAX_STAGES];       /* stage1..N */
  Rsu decoder[ATELIER_ISNET_MAX_STAGES];       /* stage1d..(N-1)d, by level: decoder[k] is stage(k+1)d */
  AtelierConvLayer side;                       /* side1: (1, decoder[0].out, 3, 3) */
};

static void
rsu_clear (Rsu *rsu)
{
  atelier_conv_layer_clear (&rsu->in.conv);
  for (int i = 0; i <= ATELIER_ISNET_MAX_DEPTH; i++)
    atelier_conv_layer_clear (&rsu->down[i].conv);
  for (int i = 0; i < ATELIER_ISNET_MAX_DEPTH; i++)
    atelier_conv_layer_clear (&rsu->up[i].conv);
}

void
atelier_isnet_free (AtelierIsnet *net)
{
  if (net == NULL)
    return;
  for (int k = 0; k < ATELIER_ISNET_MAX_STAGES; k++)
    {
      rsu_clear (&net->encoder[k]);
      rsu_clear (&net->decoder[k]);
    }
  atelier_conv_layer_clear (&net->stem);
  atelier_conv_layer_clear (&net->side);
  g_free (net);
}

static gboolean
rebnconv_load (Rebnconv *layer, const AtelierModel *model, const char *stage, const char *name, int cout, int cin,
               int dilation, GError **error)
{
  g_autofree char *full = g_strdup_printf ("%s.%s", stage, name);
  layer->dilation = dilation;
  return atelier_conv_layer_load (&layer->conv, model, full, cout, cin, 3, error);
}

/* Level i (1-based) of an RSU-LF is dilated by 2^(i-1); the bottom conv of a
 * pooling RSU by 2. */
static int
level_dilation (const AtelierIsnetStage *s, int level)
{
  return s->dilated ? 1 << (level - 1) : level == s->depth ? 2 : 1;
}

static gboolean
rsu_load (Rsu *rsu, const AtelierModel *model, const char *stage, const AtelierIsnetStage *s, GError **error)
{
  rsu->shape = *s;
  if (!rebnconv_load (&rsu->in, model, stage, "rebnconvin", s->out, s->in, 1, error))
    return FALSE;
  for (int i = 1; i <= s->depth; i++)
    {
      g_autofree char *name = g_strdup_printf ("rebnconv%d", i);
      if (!rebnconv_load (&rsu->down[i], model, stage, name, s->mid, i == 1 ? s->out : s->mid,
                          level_dilation (s, i), error))
        return FALSE;
    }
  for (int i = 1; i < s->depth; i++)
    {
      g_autofree char *name = g_strdup_printf ("rebnconv%dd", i);
      if (!rebnconv_load (&rsu->up[i], model, stage, name, i == 1 ? s->out : s->mid, 2 * s->mid,
                          s->dilated ? level_dilation (s, i) : 1, error))
        return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- config */

static gboolean
config_error (const AtelierManifest *m, const char *what, GError **error)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT, "model %s: %s", atelier_manifest_get_name (m), what);
  return FALSE;
}

/* An integer array of the config whose entries lie in lo..hi; returns its length. */
static int
read_ints (const AtelierManifest *m, const char *key, int lo, int hi, int *out, GError **error)
{
  g_autofree gint64 *values = NULL;
  guint count = 0;
  if (!atelier_manifest_config_int_array (m, key, &values, &count, error))
    return -1;
  if (count < 1 || count > ATELIER_ISNET_MAX_STAGES)
    {
      g_autofree char *what = g_strdup_printf ("config \"%s\" has %u entries, not 1..%d", key, count,
                                               ATELIER_ISNET_MAX_STAGES);
      config_error (m, what, error);
      return -1;
    }
  for (guint i = 0; i < count; i++)
    {
      if (values[i] < lo || values[i] > hi)
        {
          g_autofree char *what = g_strdup_printf ("config \"%s\"[%u] = %" G_GINT64_FORMAT " is outside %d..%d", key,
                                                   i, values[i], lo, hi);
          config_error (m, what, error);
          return -1;
        }
      out[i] = (int) values[i];
    }
  return (int) count;
}

/* One side's stages: "<side>_depth", "<side>_dilated", "<side>_mid", "<side>_out". */
static int
read_stages (const AtelierManifest *m, const char *side, AtelierIsnetStage *stages, GError **error)
{
  static const char *const keys[] = { "depth", "dilated", "mid", "out" };
  static const int lo[] = { 2, 0, 1, 1 }, hi[] = { ATELIER_ISNET_MAX_DEPTH, 1, 4096, 4096 };
  int values[4][ATELIER_ISNET_MAX_STAGES];
  int count = -1;
  for (int k = 0; k < 4; k++)
    {
      g_autofree char *key = g_strdup_printf ("%s_%s", side, keys[k]);
      const int n = read_ints (m, key, lo[k], hi[k], values[k], error);
      if (n < 0)
        return -1;
      if (count >= 0 && n != count)
        {
          g_autofree char *what = g_strdup_printf ("the %s arrays differ in length", side);
          config_error (m, what, error);
          return -1;
        }
      count = n;
    }
  for (int s = 0; s < count; s++)
    stages[s] = (AtelierIsnetStage) { .depth = values[0][s], .dilated = values[1][s], .mid = values[2][s],
                                      .out = values[3][s] };
  return count;
}

static gboolean
read_config (const AtelierManifest *m, AtelierIsnetConfig *cfg, GError **error)
{
  AtelierIsnetStage decoder_top_down[ATELIER_ISNET_MAX_STAGES];
  double mean, std;
  if (!atelier_manifest_config_int_in (m, "input_size", 1, 1 << 16, &cfg->input_size, error)
      || !atelier_manifest_config_int_in (m, "in_channels", 3, 3, &cfg->in_channels, error)
      || !atelier_manifest_config_int_in (m, "stem_channels", 1, 4096, &cfg->stem_channels, error)
      || !atelier_manifest_config_int_in (m, "stem_stride", 1, 4, &cfg->stem_stride, error)
      || !atelier_manifest_config_double (m, "mean", &mean, error)
      || !atelier_manifest_config_double (m, "std", &std, error))
    return FALSE;
  if (!(std > 0.0))
    return config_error (m, "config \"std\" must be positive", error);
  cfg->mean = (float) mean;
  cfg->std = (float) std;
  cfg->n_stages = read_stages (m, "encoder", cfg->encoder, error);
  const int n_decoder = cfg->n_stages < 0 ? -1 : read_stages (m, "decoder", decoder_top_down, error);
  if (n_decoder < 0)
    return FALSE;
  if (n_decoder != cfg->n_stages - 1)
    return config_error (m, "the decoder needs one stage fewer than the encoder", error);

  /* The manifest lists the decoder as it runs, from the bottom up: stage(N-1)d first. */
  int below = 0;
  for (int k = 0; k < cfg->n_stages; k++)
    {
      cfg->encoder[k].in = k == 0 ? cfg->stem_channels : cfg->encoder[k - 1].out;
      below = cfg->encoder[k].out;
    }
  for (int k = cfg->n_stages - 2; k >= 0; k--)
    {
      cfg->decoder[k] = decoder_top_down[cfg->n_stages - 2 - k];
      cfg->decoder[k].in = below + cfg->encoder[k].out;
      below = cfg->decoder[k].out;
    }
  return TRUE;
}

AtelierIsnet *
atelier_isnet_new (const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  if (!atelier_manifest_check_architecture (m, "isnet", error))
    return NULL;
  g_autoptr (AtelierIsnet) net = g_new0 (AtelierIsnet, 1);
  AtelierIsnetConfig *cfg = &net->config;
  if (!read_config (m, cfg, error))
    return NULL;
  if (!atelier_conv_layer_load_full (&net->stem, model, "conv_in", cfg->stem_channels, cfg->in_channels, 3,
                                     cfg->stem_stride, TRUE, error))
    return NULL;
  for (int k = 0; k < cfg->n_stages; k++)
    {
      g_autofree char *name = g_strdup_printf ("stage%d", k + 1);
      if (!rsu_load (&net->encoder[k], model, name, &cfg->encoder[k], error))
        return NULL;
    }
  for (int k = 0; k < cfg->n_stages - 1; k++)
    {
      g_autofree char *name = g_strdup_printf ("stage%dd", k + 1);
      if (!rsu_load (&net->decoder[k], model, name, &cfg->decoder[k], error))
        return NULL;
    }
  if (!atelier_conv_layer_load (&net->side, model, "side1", 1, cfg->decoder[0].out, 3, error))
    return NULL;
  return g_steal_pointer (&net);
}

AtelierIsnet *
atelier_isnet_open (const char *name_or_path, GError **error)
{
  g_autofree char *manifest = atelier_model_find (name_or_path, error);
  g_autoptr (AtelierModel) model = manifest ? atelier_model_open (manifest, error) : NULL;
  return model ? atelier_isnet_new (model, error) : NULL;
}

const AtelierIsnetConfig *
atelier_isnet_get_config (const AtelierIsnet *net)
{
  return &net->config;
}

/* ---------------------------------------------------------------- sizes and memory */

static int
pools_inside (const AtelierIsnetStage *s)
{
  return s->dilated ? 0 : s->depth - 2;
}

int
atelier_isnet_min_size (const AtelierIsnet *net)
{
  const AtelierIsnetConfig *cfg = &net->config;
  int deepest = 0;
  for (int k = 0; k < cfg->n_stages; k++)
    deepest = MAX (deepest, k + pools_inside (&cfg->encoder[k]));
  return cfg->stem_stride << deepest;
}

/* Floats per position of the stem's resolution alive at the busiest moments:
 * the first encoder stage (the stem's output, the first decoder stage's
 * concatenation it writes into, its own conv-in output and first-level
 * concatenation, the padded copy the convolution makes of its input) and the
 * first decoder stage (its concatenated input, conv-in output, first-level
 * concatenation and output, the padded copy of its input). Lower levels have
 * a quarter of the positions each, a third more in all. */
gsize
atelier_isnet_activation_bytes (const AtelierIsnet *net, gint64 h, gint64 w)
{
  const AtelierIsnetConfig *cfg = &net->config;
  const AtelierIsnetStage *e = &cfg->encoder[0], *d = cfg->n_stages > 1 ? &cfg->decoder[0] : &cfg->encoder[0];
  const gint64 concat = cfg->n_stages > 1 ? d->in : e->out;
  const gint64 encoding = cfg->stem_channels + concat + e->out + 2 * e->mid + MAX (e->in, e->out);
  const gint64 decoding = concat + d->out + 2 * d->mid + d->out + MAX (d->in, d->out);
  const gint64 positions = ((h + cfg->stem_stride - 1) / cfg->stem_stride) * ((w + cfg->stem_stride - 1) / cfg->stem_stride);
  return (gsize) (sizeof (float) * positions * MAX (encoding, decoding) * 4 / 3);
}

/* ---------------------------------------------------------------- blocks */

/* Channels [first, first + count) of a (1, C, H, W) tensor: contiguous, since N = 1. */
static AtelierTensor *
channels (const AtelierTensor *t, gint64 first, gint64 count)
{
  return atelier_tensor_new_view (t->data + first * t->shape[2] * t->shape[3], 4,
                                  (const int64_t[]) { 1, count, t->shape[2], t->shape[3] });
}

static gboolean
rebnconv_into (AtelierContext *ctx, const Rebnconv *layer, const AtelierTensor *input, AtelierTensor *output,
               GError **error)
{
  AtelierConv2dParams params = atelier_conv2d_params (1, layer->dilation, layer->dilation);
  params.activation = ATELIER_ACTIVATION_RELU;
  return atelier_conv2d_into (ctx, input, layer->conv.weight, layer->conv.bias, &params, output, error);
}

static AtelierTensor *
rebnconv (AtelierContext *ctx, const Rebnconv *layer, const AtelierTensor *input, GError **error)
{
  g_autoptr (AtelierTensor) out = atelier_tensor_new_uninitialized (
    4, (const int64_t[]) { 1, layer->conv.weight->shape[0], input->shape[2], input->shape[3] }, error);
  return out && rebnconv_into (ctx, layer, input, out, error) ? g_steal_pointer (&out) : NULL;
}

static AtelierTensor *
max_pool (AtelierContext *ctx, const AtelierTensor *input, GError **error)
{
  const AtelierPool2dParams params = { .kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2, .ceil_mode = TRUE };
  return atelier_pool2d (ctx, input, ATELIER_POOL_MAX, &params, error);
}

/* Writes @decoded (the level below's result) into @target, the first half of
 * a decoder concatenation, upsampled where the level below is smaller. */
static gboolean
upsample_into (AtelierContext *ctx, const AtelierTensor *decoded, AtelierTensor *target, GError **error)
{
  if (!atelier_tensor_same_shape (decoded, target))
    return atelier_resize_into (ctx, decoded, ATELIER_RESIZE_BILINEAR, target, error);
  memcpy (target->data, decoded->data, sizeof (float) * atelier_tensor_numel (decoded));
  return TRUE;
}

/* The concatenations [decoded below, encoded here] of a U-shaped block, by level. */
typedef struct
{
  AtelierTensor *level[MAX (ATELIER_ISNET_MAX_DEPTH, ATELIER_ISNET_MAX_STAGES)];
} Concats;

static void
concats_clear (Concats *c)
{
  for (gsize i = 0; i < G_N_ELEMENTS (c->level); i++)
    g_clear_pointer (&c->level[i], atelier_tensor_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Concats, concats_clear)

/* RSU-L on *@input, which it frees once its conv-in has read it, into @output
 * (1, out, H, W), which may be a view. Level i's encoder conv writes straight
 * into the second half of level i's concatenation, and the level below's
 * decoder result is upsampled into its first half: no concatenation is ever
 * copied, and each level's buffer is freed once its decoder conv has read it. */
static gboolean
rsu_forward (AtelierContext *ctx, const Rsu *rsu, AtelierTensor **input, AtelierTensor *output, GError **error)
{
  const AtelierIsnetStage *s = &rsu->shape;
  g_autoptr (AtelierTensor) hxin = rebnconv (ctx, &rsu->in, *input, error);
  if (hxin == NULL)
    return FALSE;
  g_clear_pointer (input, atelier_tensor_free);

  g_auto (Concats) concat = { { NULL } };
  g_autoptr (AtelierTensor) encoded = NULL; /* a view: the second half of the level above's concatenation */
  for (int i = 1; i < s->depth; i++)
    {
      g_autoptr (AtelierTensor) pooled = i > 1 && !s->dilated ? max_pool (ctx, encoded, error) : NULL;
      if (i > 1 && !s->dilated && pooled == NULL)
        return FALSE;
      const AtelierTensor *x = pooled ? pooled : i > 1 ? encoded : hxin;
      concat.level[i] = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 2 * s->mid, x->shape[2], x->shape[3] }, error);
      if (concat.level[i] == NULL)
        return FALSE;
      g_autoptr (AtelierTensor) half = channels (concat.level[i], s->mid, s->mid);
      if (!rebnconv_into (ctx, &rsu->down[i], x, half, error))
        return FALSE;
      g_clear_pointer (&encoded, atelier_tensor_free);
      encoded = g_steal_pointer (&half);
    }
  g_autoptr (AtelierTensor) bottom = channels (concat.level[s->depth - 1], 0, s->mid);
  if (!rebnconv_into (ctx, &rsu->down[s->depth], encoded, bottom, error))
    return FALSE;

  for (int i = s->depth - 1; i >= 1; i--)
    {
      if (i == 1)
        {
          if (!rebnconv_into (ctx, &rsu->up[1], concat.level[1], output, error))
            return FALSE;
          break;
        }
      g_autoptr (AtelierTensor) target = channels (concat.level[i - 1], 0, s->mid);
      g_autoptr (AtelierTensor) decoded = NULL;
      if (s->dilated ? !rebnconv_into (ctx, &rsu->up[i], concat.level[i], target, error)
                     : (decoded = rebnconv (ctx, &rsu->up[i], concat.level[i], error)) == NULL
                         || !upsample_into (ctx, decoded, target, error))
        return FALSE;
      g_clear_pointer (&concat.level[i], atelier_tensor_free);
    }
  return atelier_add_inplace (ctx, output, hxin, error);
}

/* ---------------------------------------------------------------- forward */

static gboolean
check_input (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *image, GError **error)
{
  const AtelierIsnetConfig *cfg = &net->config;
  if (!atelier_tensor_check_shape (image, "ISNet input", 4, (const int64_t[]) { 1, cfg->in_channels, -1, -1 }, error))
    return FALSE;
  const int min_size = atelier_isnet_min_size (net);
  if (image->shape[2] < min_size || image->shape[3] < min_size)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "ISNet needs an input of at least %dx%d, not %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT, min_size,
                   min_size, image->shape[3], image->shape[2]);
      return FALSE;
    }
  const gsize needed = atelier_isnet_activation_bytes (net, image->shape[2], image->shape[3]);
  if (needed > atelier_context_get_memory_budget (ctx))
    {
      /* Not tiled: every output pixel depends on the whole image (the
       * bottom stages see it at 1/64 of its size). */
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "ISNet on %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " needs about %" G_GSIZE_FORMAT
                   " MiB of activations, more than the memory budget of %" G_GSIZE_FORMAT " MiB",
                   image->shape[3], image->shape[2], needed >> 20, atelier_context_get_memory_budget (ctx) >> 20);
      return FALSE;
    }
  return TRUE;
}

AtelierTensor *
atelier_isnet_forward (AtelierContext *ctx, const AtelierIsnet *net, const AtelierTensor *image, GError **error)
{
  const AtelierIsnetConfig *cfg = &net->config;
  const int n = cfg->n_stages;
  if (!check_input (ctx, net, image, error))
    return NULL;
  g_autoptr (AtelierTensor) x = atelier_conv_layer_forward (ctx, &net->stem, image, ATELIER_ACTIVATION_NONE, error);
  if (x == NULL)
    return NULL;

  /* Encoder stage k writes into the second part of decoder stage k's input
   * concatenation [decoded below, encoded here]; the bottom stage into a
   * tensor of its own, the first decoded one. */
  g_auto (Concats) concat = { { NULL } };
  g_autoptr (AtelierTensor) encoded = NULL, decoded = NULL;
  int done = 0;
  for (int k = 0; k < n; k++)
    {
      atelier_context_report_progress (ctx, (double) done++ / (2 * n - 1), "Segmenting");
      if (k > 0 && (x = max_pool (ctx, encoded, error)) == NULL)
        return NULL;
      const gint64 h = x->shape[2], w = x->shape[3], out = cfg->encoder[k].out;
      g_autoptr (AtelierTensor) view = NULL;
      if (k < n - 1)
        {
          const gint64 channels_in = cfg->decoder[k].in;
          if ((concat.level[k] = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, channels_in, h, w }, error)) == NULL)
            return NULL;
          view = channels (concat.level[k], channels_in - out, out);
        }
      else if ((decoded = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, out, h, w }, error)) == NULL)
        return NULL;
      if (!rsu_forward (ctx, &net->encoder[k], &x, view ? view : decoded, error))
        return NULL;
      g_clear_pointer (&encoded, atelier_tensor_free);
      encoded = g_steal_pointer (&view);
    }

  for (int k = n - 2; k >= 0; k--)
    {
      atelier_context_report_progress (ctx, (double) done++ / (2 * n - 1), "Segmenting");
      const AtelierIsnetStage *s = &cfg->decoder[k];
      const gint64 h = concat.level[k]->shape[2], w = concat.level[k]->shape[3];
      g_autoptr (AtelierTensor) below = channels (concat.level[k], 0, s->in - cfg->encoder[k].out);
      if (!upsample_into (ctx, decoded, below, error))
        return NULL;
      g_clear_pointer (&decoded, atelier_tensor_free);
      if ((decoded = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, s->out, h, w }, error)) == NULL
          || !rsu_forward (ctx, &net->decoder[k], &concat.level[k], decoded, error))
        return NULL;
    }

  g_autoptr (AtelierTensor) side = atelier_conv_layer_forward (ctx, &net->side, decoded, ATELIER_ACTIVATION_NONE, error);
  g_clear_pointer (&decoded, atelier_tensor_free);
  if (side == NULL)
    return NULL;
  AtelierTensor *probability = atelier_resize (ctx, side, image->shape[2], image->shape[3], ATELIER_RESIZE_BILINEAR, error);
  if (probability != NULL)
    atelier_activation_inplace (ctx, probability, ATELIER_ACTIVATION_SIGMOID, 0.0f);
  atelier_context_report_progress (ctx, 1.0, "Segmenting");
  return probability;
}
