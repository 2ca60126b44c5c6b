/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "networks/atelier-unet.h"

#include "core/atelier-error.h"
#include "networks/atelier-conv-layer.h"
#include "ops/atelier-ops.h"

#include <math.h>
#include <string.h>

#define MAX_LEVELS 6

/* ---------------------------------------------------------------- config and weights */

typedef struct
{
  int latent_channels, base_channels, res_blocks, head_channels, groups, embed_channels;
  int scene_channels; /* 0 in v1 manifests, which have no scene vector */
  int distilled_steps;       /* a distilled student's sampler steps; 0 for a model trained as usual */
  double distilled_guidance; /* the guidance its teacher was sampled with, built into the student */
  int levels;
  int channels[MAX_LEVELS]; /* base_channels * channel_mult[level] */
  gboolean attention[MAX_LEVELS];
  float norm_eps;
} Config;

typedef struct
{
  AtelierTensor *weight, *bias; /* (C) */
} Norm;

/* x + conv2(silu(norm2(conv1(silu(norm1(x))) + embed(silu(emb))))), the skip a 1x1 conv when Cin != Cout */
typedef struct
{
  Norm norm1, norm2;
  AtelierConvLayer conv1, conv2; /* 3x3: Cin -> Cout, Cout -> Cout */
  AtelierConvLayer skip;         /* 1x1 Cin -> Cout, weight NULL for an identity skip */
  AtelierTensor *embed_weight;   /* (Cout, E) */
  AtelierTensor *embed_bias;     /* (Cout) */
} ResBlock;

/* x + proj(softmax(q k^T / sqrt(d)) v), q k v = split(qkv(norm(x))) into heads of head_channels */
typedef struct
{
  Norm norm;
  AtelierConvLayer qkv;  /* 1x1 C -> 3C, channel = (part * heads + head) * d + i */
  AtelierConvLayer proj; /* 1x1 C -> C */
  int heads;
} Attention;

typedef struct
{
  gboolean has_res, has_attn, has_downsample, has_upsample;
  ResBlock res;
  Attention attn;
  AtelierConvLayer resample; /* down: 3x3 stride 2; up: 3x3 after nearest x2 */
  int out_channels;
} Block;

struct _AtelierUNet
{
  Config config;
  char **labels;
  int label_count;
  AtelierPrediction prediction;
  double *alphas_cumprod; /* (schedule_steps) */
  int schedule_steps;
  AtelierTensor *latent_mean, *latent_std; /* (L) */

  AtelierTensor *time_weight1, *time_bias1; /* time_embed.0: (E, base) */
  AtelierTensor *time_weight2, *time_bias2; /* time_embed.2: (E, E) */
  AtelierTensor *label_embed;               /* (labels, E) */
  AtelierTensor *scene_embed;               /* (E, S), no bias; NULL when scene_channels is 0 */
  AtelierConvLayer conv_in;                 /* 3x3 2L+1 -> C0 */
  Block *down;
  int down_count;
  ResBlock mid_res1, mid_res2;
  Attention mid_attn;
  Block *up;
  int up_count;
  Norm norm_out;
  AtelierConvLayer conv_out; /* 3x3 C0 -> L */
};

static void
res_block_clear (ResBlock *r)
{
  AtelierTensor **tensors[] = { &r->norm1.weight, &r->norm1.bias, &r->norm2.weight, &r->norm2.bias,
                                &r->embed_weight, &r->embed_bias };
  for (guint i = 0; i < G_N_ELEMENTS (tensors); i++)
    g_clear_pointer (tensors[i], atelier_tensor_free);
  atelier_conv_layer_clear (&r->conv1);
  atelier_conv_layer_clear (&r->conv2);
  atelier_conv_layer_clear (&r->skip);
}

static void
attention_clear (Attention *a)
{
  g_clear_pointer (&a->norm.weight, atelier_tensor_free);
  g_clear_pointer (&a->norm.bias, atelier_tensor_free);
  atelier_conv_layer_clear (&a->qkv);
  atelier_conv_layer_clear (&a->proj);
}

static void
blocks_free (Block *blocks, int count)
{
  for (int i = 0; blocks != NULL && i < count; i++)
    {
      res_block_clear (&blocks[i].res);
      attention_clear (&blocks[i].attn);
      atelier_conv_layer_clear (&blocks[i].resample);
    }
  g_free (blocks);
}

void
atelier_unet_free (AtelierUNet *u)
{
  if (u == NULL)
    return;
  g_strfreev (u->labels);
  g_free (u->alphas_cumprod);
  AtelierTensor **tensors[] = { &u->latent_mean, &u->latent_std, &u->time_weight1, &u->time_bias1,
                                &u->time_weight2, &u->time_bias2, &u->label_embed, &u->scene_embed, &u->norm_out.weight,
                                &u->norm_out.bias };
  for (guint i = 0; i < G_N_ELEMENTS (tensors); i++)
    g_clear_pointer (tensors[i], atelier_tensor_free);
  atelier_conv_layer_clear (&u->conv_in);
  atelier_conv_layer_clear (&u->conv_out);
  blocks_free (u->down, u->down_count);
  blocks_free (u->up, u->up_count);
  res_block_clear (&u->mid_res1);
  res_block_clear (&u->mid_res2);
  attention_clear (&u->mid_attn);
  g_free (u);
}

static gboolean
config_error (const AtelierModel *model, GError **error, const char *what)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_CORRUPT, "model %s: config: %s",
               atelier_manifest_get_name (atelier_model_get_manifest (model)), what);
  return FALSE;
}

static gboolean
read_config (Config *c, const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  gint64 latent, base, res_blocks, head, groups, embed;
  double eps;
  g_autofree gint64 *mult = NULL, *attention = NULL;
  guint mult_count = 0, attention_count = 0;
  if (!atelier_manifest_config_int (m, "latent_channels", &latent, error)
      || !atelier_manifest_config_int (m, "base_channels", &base, error)
      || !atelier_manifest_config_int (m, "res_blocks", &res_blocks, error)
      || !atelier_manifest_config_int (m, "head_channels", &head, error)
      || !atelier_manifest_config_int (m, "groups", &groups, error)
      || !atelier_manifest_config_int (m, "embed_channels", &embed, error)
      || !atelier_manifest_config_double (m, "norm_eps", &eps, error)
      || !atelier_manifest_config_int_array (m, "channel_mult", &mult, &mult_count, error)
      || !atelier_manifest_config_int_array (m, "attention_levels", &attention, &attention_count, error))
    return FALSE;
  if (latent < 1 || latent > 1024 || base < 2 || base > 4096 || base % 2 != 0 || res_blocks < 1
      || res_blocks > 16 || head < 1 || groups < 1 || embed < 1 || embed > 65536 || !(eps > 0))
    return config_error (model, error, "a channel, block or group count is out of range");
  if (mult_count < 1 || mult_count > MAX_LEVELS)
    return config_error (model, error, "channel_mult must have 1 to 6 levels");
  *c = (Config) { .latent_channels = (int) latent, .base_channels = (int) base, .res_blocks = (int) res_blocks,
                  .head_channels = (int) head, .groups = (int) groups, .embed_channels = (int) embed,
                  .levels = (int) mult_count, .norm_eps = (float) eps };
  for (guint i = 0; i < mult_count; i++)
    {
      if (mult[i] < 1 || mult[i] > 64 || (base * mult[i]) % groups != 0 || (base * mult[i]) % head != 0)
        return config_error (model, error, "every level's channels must divide into the groups and heads");
      c->channels[i] = (int) (base * mult[i]);
    }
  for (guint i = 0; i < attention_count; i++)
    {
      if (attention[i] < 0 || attention[i] >= mult_count)
        return config_error (model, error, "attention_levels names a level that does not exist");
      c->attention[attention[i]] = TRUE;
    }
  return TRUE;
}

/* Cosine schedule (Nichol and Dhariwal 2021), as alphas_cumprod in models/unet/schedule.py. */
static gboolean
read_schedule (AtelierUNet *u, const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  const char *kind, *prediction;
  gint64 steps;
  double offset, max_beta;
  if (!atelier_manifest_config_string (m, "schedule", &kind, error)
      || !atelier_manifest_config_int (m, "schedule_steps", &steps, error)
      || !atelier_manifest_config_double (m, "schedule_offset", &offset, error)
      || !atelier_manifest_config_double (m, "schedule_max_beta", &max_beta, error)
      || !atelier_manifest_config_string (m, "prediction", &prediction, error))
    return FALSE;
  if (strcmp (kind, "cosine") != 0)
    return config_error (model, error, "schedule must be \"cosine\"");
  if (steps < 2 || steps > 100000 || !(offset >= 0) || !(max_beta > 0 && max_beta < 1))
    return config_error (model, error, "schedule_steps, schedule_offset or schedule_max_beta out of range");
  if (strcmp (prediction, "v") == 0)
    u->prediction = ATELIER_PREDICTION_V;
  else if (strcmp (prediction, "epsilon") == 0)
    u->prediction = ATELIER_PREDICTION_EPSILON;
  else
    return config_error (model, error, "prediction must be \"v\" or \"epsilon\"");
  u->schedule_steps = (int) steps;
  u->alphas_cumprod = g_new (double, steps);
  double product = 1.0, previous = pow (cos (offset / (1 + offset) * G_PI / 2), 2);
  for (gint64 t = 0; t < steps; t++)
    {
      double f = pow (cos (((double) (t + 1) / steps + offset) / (1 + offset) * G_PI / 2), 2);
      product *= 1 - MIN (1 - f / previous, max_beta);
      u->alphas_cumprod[t] = product;
      previous = f;
    }
  return TRUE;
}

static gboolean
load_norm (Norm *n, const AtelierModel *model, const char *prefix, int channels, GError **error)
{
  const int64_t shape[1] = { channels };
  return (n->weight = atelier_model_load_tensorf (model, 1, shape, error, "%s.weight", prefix))
         && (n->bias = atelier_model_load_tensorf (model, 1, shape, error, "%s.bias", prefix));
}

static gboolean
load_res_block (ResBlock *r, const AtelierModel *model, const Config *c, const char *prefix, int cin, int cout,
                GError **error)
{
  g_autofree char *norm1 = g_strdup_printf ("%s.norm1", prefix);
  g_autofree char *norm2 = g_strdup_printf ("%s.norm2", prefix);
  g_autofree char *conv1 = g_strdup_printf ("%s.conv1", prefix);
  g_autofree char *conv2 = g_strdup_printf ("%s.conv2", prefix);
  g_autofree char *skip = g_strdup_printf ("%s.skip", prefix);
  if (!load_norm (&r->norm1, model, norm1, cin, error) || !load_norm (&r->norm2, model, norm2, cout, error)
      || !atelier_conv_layer_load (&r->conv1, model, conv1, cout, cin, 3, error)
      || !atelier_conv_layer_load (&r->conv2, model, conv2, cout, cout, 3, error)
      || (cin != cout && !atelier_conv_layer_load (&r->skip, model, skip, cout, cin, 1, error)))
    return FALSE;
  return (r->embed_weight = atelier_model_load_tensorf (model, 2, (const int64_t[]) { cout, c->embed_channels },
                                                        error, "%s.embed.weight", prefix))
         && (r->embed_bias = atelier_model_load_tensorf (model, 1, (const int64_t[]) { cout }, error,
                                                         "%s.embed.bias", prefix));
}

static gboolean
load_attention (Attention *a, const AtelierModel *model, const Config *c, const char *prefix, int channels,
                GError **error)
{
  g_autofree char *norm = g_strdup_printf ("%s.norm", prefix);
  g_autofree char *qkv = g_strdup_printf ("%s.qkv", prefix);
  g_autofree char *proj = g_strdup_printf ("%s.proj", prefix);
  a->heads = channels / c->head_channels;
  return load_norm (&a->norm, model, norm, channels, error)
         && atelier_conv_layer_load (&a->qkv, model, qkv, 3 * channels, channels, 1, error)
         && atelier_conv_layer_load (&a->proj, model, proj, channels, channels, 1, error);
}

/* Binds the blocks in the order unet_torch.UNet creates them, tracking the skip connections' channels. */
static gboolean
load_blocks (AtelierUNet *u, const AtelierModel *model, GError **error)
{
  const Config *c = &u->config;
  int skips[MAX_LEVELS * 17 + 1], skip_count = 0;
  int ch = c->channels[0];
  skips[skip_count++] = ch;
  u->down = g_new0 (Block, c->levels * (c->res_blocks + 1));
  for (int level = 0; level < c->levels; level++)
    {
      for (int i = 0; i <= c->res_blocks; i++)
        {
          gboolean downsample = i == c->res_blocks;
          if (downsample && level == c->levels - 1)
            break;
          Block *b = &u->down[u->down_count];
          g_autofree char *prefix = g_strdup_printf ("down.%d.%s", u->down_count++, downsample ? "downsample" : "res");
          if (downsample)
            {
              b->has_downsample = TRUE;
              if (!atelier_conv_layer_load_full (&b->resample, model, prefix, ch, ch, 3, 2, TRUE, error))
                return FALSE;
            }
          else
            {
              b->has_res = TRUE;
              b->has_attn = c->attention[level];
              g_autofree char *attn = g_strdup_printf ("down.%d.attn", u->down_count - 1);
              if (!load_res_block (&b->res, model, c, prefix, ch, c->channels[level], error)
                  || (b->has_attn && !load_attention (&b->attn, model, c, attn, c->channels[level], error)))
                return FALSE;
              ch = c->channels[level];
            }
          b->out_channels = ch;
          skips[skip_count++] = ch;
        }
    }
  if (!load_res_block (&u->mid_res1, model, c, "mid.res1", ch, ch, error)
      || !load_attention (&u->mid_attn, model, c, "mid.attn", ch, error)
      || !load_res_block (&u->mid_res2, model, c, "mid.res2", ch, ch, error))
    return FALSE;
  u->up = g_new0 (Block, c->levels * (c->res_blocks + 1));
  for (int level = c->levels - 1; level >= 0; level--)
    for (int i = 0; i <= c->res_blocks; i++)
      {
        Block *b = &u->up[u->up_count];
        int index = u->up_count++;
        g_autofree char *res = g_strdup_printf ("up.%d.res", index);
        g_autofree char *attn = g_strdup_printf ("up.%d.attn", index);
        g_autofree char *upsample = g_strdup_printf ("up.%d.upsample", index);
        int cout = c->channels[level];
        b->has_res = TRUE;
        b->has_attn = c->attention[level];
        b->has_upsample = level > 0 && i == c->res_blocks;
        if (!load_res_block (&b->res, model, c, res, ch + skips[--skip_count], cout, error)
            || (b->has_attn && !load_attention (&b->attn, model, c, attn, cout, error))
            || (b->has_upsample && !atelier_conv_layer_load (&b->resample, model, upsample, cout, cout, 3, error)))
          return FALSE;
        ch = b->out_channels = cout;
      }
  return TRUE;
}

/* v2 manifests name "scene_channels"; v1 manifests have none and keep loading, without the scene map. */
static gboolean
load_scene_embed (AtelierUNet *u, const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  if (!json_object_has_member (atelier_manifest_get_config (m), "scene_channels"))
    return TRUE;
  if (!atelier_manifest_config_int_in (m, "scene_channels", 1, ATELIER_UNET_MAX_SCENE_CHANNELS,
                                       &u->config.scene_channels, error))
    return FALSE;
  u->scene_embed = atelier_model_load_tensor (model, "scene_embed.weight", 2,
                                              (const int64_t[]) { u->config.embed_channels, u->config.scene_channels },
                                              error);
  return u->scene_embed != NULL;
}

/* A student of models/unet/distill.py names the steps it was distilled for and the guidance it learnt: it is
 * sampled at those steps with DDIM and no guidance pass of its own. Other manifests have neither. */
static gboolean
read_distillation (Config *c, const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  if (!json_object_has_member (atelier_manifest_get_config (m), "distilled_steps"))
    return TRUE;
  if (!atelier_manifest_config_int_in (m, "distilled_steps", 1, 1000, &c->distilled_steps, error)
      || !atelier_manifest_config_double (m, "distilled_guidance", &c->distilled_guidance, error))
    return FALSE;
  if (!(c->distilled_guidance >= 1.0 && c->distilled_guidance <= 100.0))
    return config_error (model, error, "distilled_guidance must be 1 to 100");
  return TRUE;
}

AtelierUNet *
atelier_unet_new (const AtelierModel *model, GError **error)
{
  const AtelierManifest *m = atelier_model_get_manifest (model);
  if (!atelier_manifest_check_architecture (m, "latent-unet", error))
    return NULL;
  g_autoptr (AtelierUNet) u = g_new0 (AtelierUNet, 1);
  if (!read_config (&u->config, model, error) || !read_distillation (&u->config, model, error)
      || !read_schedule (u, model, error)
      || !atelier_manifest_config_string_array (m, "labels", &u->labels, error))
    return NULL;
  u->label_count = (int) g_strv_length (u->labels);
  if (u->label_count < 1)
    {
      config_error (model, error, "labels must list at least the null label");
      return NULL;
    }
  const Config *c = &u->config;
  const int64_t latent_shape[1] = { c->latent_channels };
  if (!(u->latent_mean = atelier_model_load_tensor (model, "latent_mean", 1, latent_shape, error))
      || !(u->latent_std = atelier_model_load_tensor (model, "latent_std", 1, latent_shape, error))
      || !(u->time_weight1 = atelier_model_load_tensor (model, "time_embed.0.weight", 2,
                                                         (const int64_t[]) { c->embed_channels, c->base_channels }, error))
      || !(u->time_bias1 = atelier_model_load_tensor (model, "time_embed.0.bias", 1,
                                                       (const int64_t[]) { c->embed_channels }, error))
      || !(u->time_weight2 = atelier_model_load_tensor (model, "time_embed.2.weight", 2,
                                                         (const int64_t[]) { c->embed_channels, c->embed_channels }, error))
      || !(u->time_bias2 = atelier_model_load_tensor (model, "time_embed.2.bias", 1,
                                                       (const int64_t[]) { c->embed_channels }, error))
      || !(u->label_embed = atelier_model_load_tensor (model, "label_embed.weight", 2,
                                                        (const int64_t[]) { u->label_count, c->embed_channels }, error))
      || !load_scene_embed (u, model, error)
      || !atelier_conv_layer_load (&u->conv_in, model, "conv_in", c->channels[0], 2 * c->latent_channels + 1, 3, error)
      || !load_blocks (u, model, error)
      || !load_norm (&u->norm_out, model, "norm_out", c->channels[0], error)
      || !atelier_conv_layer_load (&u->conv_out, model, "conv_out", c->latent_channels, c->channels[0], 3, error))
    return NULL;
  for (int i = 0; i < c->latent_channels; i++)
    if (!(u->latent_std->data[i] > 0) || !isfinite (u->latent_mean->data[i]))
      {
        config_error (model, error, "latent_std must be positive and latent_mean finite");
        return NULL;
      }
  return g_steal_pointer (&u);
}

int atelier_unet_get_latent_channels (const AtelierUNet *u) { return u->config.latent_channels; }
int atelier_unet_get_scene_channels (const AtelierUNet *u) { return u->config.scene_channels; }
int atelier_unet_get_distilled_steps (const AtelierUNet *u) { return u->config.distilled_steps; }
double atelier_unet_get_distilled_guidance (const AtelierUNet *u) { return u->config.distilled_guidance; }
int atelier_unet_get_size_multiple (const AtelierUNet *u) { return 1 << (u->config.levels - 1); }
AtelierPrediction atelier_unet_get_prediction (const AtelierUNet *u) { return u->prediction; }
const char *const *atelier_unet_get_labels (const AtelierUNet *u) { return (const char *const *) u->labels; }
const float *atelier_unet_get_latent_mean (const AtelierUNet *u) { return u->latent_mean->data; }
const float *atelier_unet_get_latent_std (const AtelierUNet *u) { return u->latent_std->data; }

const double *
atelier_unet_get_alphas_cumprod (const AtelierUNet *u, int *steps)
{
  *steps = u->schedule_steps;
  return u->alphas_cumprod;
}

int
atelier_unet_label_index (const AtelierUNet *u, const char *name, GError **error)
{
  for (int i = 0; i < u->label_count; i++)
    if (strcmp (u->labels[i], name) == 0)
      return i;
  g_autofree char *known = g_strjoinv (", ", u->labels);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "unknown style \"%s\" (known: %s)", name, known);
  return -1;
}

/* ---------------------------------------------------------------- blocks */

static AtelierTensor *
norm_silu (AtelierContext *ctx, const AtelierUNet *u, const Norm *n, const AtelierTensor *x, GError **error)
{
  AtelierTensor *y = atelier_group_norm (ctx, x, u->config.groups, n->weight, n->bias, u->config.norm_eps, error);
  if (y != NULL)
    atelier_activation_inplace (ctx, y, ATELIER_ACTIVATION_SILU, 0.0f);
  return y;
}

/* silu_emb: (N, E), the conditioning embedding after SiLU, shared by every block. */
static AtelierTensor *
res_block_forward (AtelierContext *ctx, const AtelierUNet *u, const ResBlock *r, const AtelierTensor *x,
                   const AtelierTensor *silu_emb, GError **error)
{
  g_autoptr (AtelierTensor) a = norm_silu (ctx, u, &r->norm1, x, error);
  g_autoptr (AtelierTensor) h = a ? atelier_conv_layer_forward (ctx, &r->conv1, a, ATELIER_ACTIVATION_NONE, error) : NULL;
  g_autoptr (AtelierTensor) shift = h ? atelier_linear (ctx, silu_emb, r->embed_weight, r->embed_bias, error) : NULL;
  if (shift == NULL
      || !atelier_tensor_reshape (shift, 4, (const int64_t[]) { x->shape[0], h->shape[1], 1, 1 }, error)
      || !atelier_add_inplace (ctx, h, shift, error))
    return NULL;
  g_autoptr (AtelierTensor) b = norm_silu (ctx, u, &r->norm2, h, error);
  g_autoptr (AtelierTensor) y = b ? atelier_conv_layer_forward (ctx, &r->conv2, b, ATELIER_ACTIVATION_NONE, error) : NULL;
  if (y == NULL)
    return NULL;
  g_autoptr (AtelierTensor) skip = NULL;
  if (r->skip.weight != NULL && !(skip = atelier_conv_layer_forward (ctx, &r->skip, x, ATELIER_ACTIVATION_NONE, error)))
    return NULL;
  if (!atelier_add_inplace (ctx, y, skip != NULL ? skip : x, error))
    return NULL;
  return g_steal_pointer (&y);
}

/* Copies part @part of every head from qkv (N, 3 C, T) into (N heads, T, d), or with @to_channels the
 * other way, from heads (N heads, T, d) into channels (N, C, T). */
static void
gather_heads (float *channels, float *heads, int64_t n, int parts, int part, int head_count, int64_t d,
              int64_t tokens, gboolean to_channels)
{
  for (int64_t b = 0; b < n * head_count; b++)
    {
      const int64_t sample = b / head_count, head = b % head_count;
      const int64_t channel0 = ((sample * parts + part) * head_count + head) * d;
      for (int64_t i = 0; i < d; i++)
        for (int64_t t = 0; t < tokens; t++)
          {
            float *h = &heads[(b * tokens + t) * d + i];
            float *c = &channels[(channel0 + i) * tokens + t];
            if (to_channels)
              *c = *h;
            else
              *h = *c;
          }
    }
}

static AtelierTensor *
attention_forward (AtelierContext *ctx, const AtelierUNet *u, const Attention *a, const AtelierTensor *x,
                   GError **error)
{
  const int64_t n = x->shape[0], c = x->shape[1], tokens = x->shape[2] * x->shape[3];
  const int64_t d = c / a->heads;
  g_autoptr (AtelierTensor) normed = atelier_group_norm (ctx, x, u->config.groups, a->norm.weight, a->norm.bias,
                                                         u->config.norm_eps, error);
  g_autoptr (AtelierTensor) qkv = normed ? atelier_conv_layer_forward (ctx, &a->qkv, normed, ATELIER_ACTIVATION_NONE, error) : NULL;
  if (qkv == NULL)
    return NULL;
  const int64_t head_shape[3] = { n * a->heads, tokens, d };
  g_autoptr (AtelierTensor) q = atelier_tensor_new_uninitialized (3, head_shape, error);
  g_autoptr (AtelierTensor) k = q ? atelier_tensor_new_uninitialized (3, head_shape, error) : NULL;
  g_autoptr (AtelierTensor) v = k ? atelier_tensor_new_uninitialized (3, head_shape, error) : NULL;
  if (v == NULL)
    return NULL;
  AtelierTensor *parts[3] = { q, k, v };
  for (int part = 0; part < 3; part++)
    gather_heads (qkv->data, parts[part]->data, n, 3, part, a->heads, d, tokens, FALSE);
  g_autoptr (AtelierTensor) out = atelier_attention (ctx, q, k, v, 0.0f, error);
  g_autoptr (AtelierTensor) merged = out ? atelier_tensor_new_like (x, error) : NULL;
  if (merged == NULL)
    return NULL;
  gather_heads (merged->data, out->data, n, 1, 0, a->heads, d, tokens, TRUE);
  AtelierTensor *y = atelier_conv_layer_forward (ctx, &a->proj, merged, ATELIER_ACTIVATION_NONE, error);
  if (y != NULL && !atelier_add_inplace (ctx, y, x, error))
    g_clear_pointer (&y, atelier_tensor_free);
  return y;
}

/* SiLU(time_embed(sinusoid(t)) + label_embed[label] + scene_embed scene): (N, E). The sinusoid's first half is
 * cosines, as in unet_torch.UNet.embed. */
static AtelierTensor *
conditioning (AtelierContext *ctx, const AtelierUNet *u, int64_t n, const float *timesteps, const int *labels,
              const float *scenes, GError **error)
{
  const int half = u->config.base_channels / 2;
  g_autoptr (AtelierTensor) sinusoid = atelier_tensor_new (2, (const int64_t[]) { n, 2 * half }, error);
  if (sinusoid == NULL)
    return NULL;
  for (int64_t s = 0; s < n; s++)
    for (int i = 0; i < half; i++)
      {
        const double angle = timesteps[s] * exp (-log (10000.0) * i / half);
        sinusoid->data[s * 2 * half + i] = (float) cos (angle);
        sinusoid->data[s * 2 * half + half + i] = (float) sin (angle);
      }
  g_autoptr (AtelierTensor) hidden = atelier_linear (ctx, sinusoid, u->time_weight1, u->time_bias1, error);
  if (hidden == NULL)
    return NULL;
  atelier_activation_inplace (ctx, hidden, ATELIER_ACTIVATION_SILU, 0.0f);
  AtelierTensor *emb = atelier_linear (ctx, hidden, u->time_weight2, u->time_bias2, error);
  if (emb == NULL)
    return NULL;
  const int e = u->config.embed_channels;
  for (int64_t s = 0; s < n; s++)
    for (int i = 0; i < e; i++)
      emb->data[s * e + i] += u->label_embed->data[(int64_t) labels[s] * e + i];
  const int sc = u->config.scene_channels;
  for (int64_t s = 0; scenes != NULL && s < n; s++)
    for (int i = 0; i < e; i++)
      for (int j = 0; j < sc; j++)
        emb->data[s * e + i] += u->scene_embed->data[(int64_t) i * sc + j] * scenes[s * sc + j];
  atelier_activation_inplace (ctx, emb, ATELIER_ACTIVATION_SILU, 0.0f);
  return emb;
}

static AtelierTensor *
block_forward (AtelierContext *ctx, const AtelierUNet *u, const Block *b, const AtelierTensor *x,
               const AtelierTensor *silu_emb, GError **error)
{
  if (b->has_downsample)
    return atelier_conv_layer_forward (ctx, &b->resample, x, ATELIER_ACTIVATION_NONE, error);
  g_autoptr (AtelierTensor) h = res_block_forward (ctx, u, &b->res, x, silu_emb, error);
  if (h != NULL && b->has_attn)
    {
      AtelierTensor *attended = attention_forward (ctx, u, &b->attn, h, error);
      atelier_tensor_free (h);
      h = attended;
    }
  if (h == NULL || !b->has_upsample)
    return g_steal_pointer (&h);
  g_autoptr (AtelierTensor) up = atelier_resize (ctx, h, 2 * h->shape[2], 2 * h->shape[3], ATELIER_RESIZE_NEAREST, error);
  return up ? atelier_conv_layer_forward (ctx, &b->resample, up, ATELIER_ACTIVATION_NONE, error) : NULL;
}

/* ---------------------------------------------------------------- forward */

/* The down path's outputs, conv_in's first, which the up path joins in reverse order. */
typedef struct
{
  AtelierTensor **tensors;
  int count;
} Skips;

static void
skips_clear (Skips *skips)
{
  for (int i = 0; i < skips->count; i++)
    atelier_tensor_free (skips->tensors[i]);
  g_free (skips->tensors);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Skips, skips_clear)

static gboolean
check_input (const AtelierUNet *u, const AtelierTensor *input, const int *labels, GError **error)
{
  const int multiple = atelier_unet_get_size_multiple (u);
  if (!atelier_tensor_check_shape (input, "U-Net input", 4,
                                   (const int64_t[]) { -1, 2 * u->config.latent_channels + 1, -1, -1 }, error))
    return FALSE;
  if (input->shape[2] % multiple != 0 || input->shape[3] % multiple != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "U-Net input sides must be multiples of %d latent pixels", multiple);
      return FALSE;
    }
  for (int64_t s = 0; s < input->shape[0]; s++)
    if (labels[s] < 0 || labels[s] >= u->label_count)
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "style label %d out of range", labels[s]);
        return FALSE;
      }
  return TRUE;
}

/* conv_in, then the down blocks, every output kept in @skips; returns the last of them (@skips owns it). */
static const AtelierTensor *
down_path (AtelierContext *ctx, const AtelierUNet *u, const AtelierTensor *input, const AtelierTensor *emb,
           Skips *skips, GError **error)
{
  skips->tensors = g_new0 (AtelierTensor *, 1 + u->down_count);
  AtelierTensor *h = atelier_conv_layer_forward (ctx, &u->conv_in, input, ATELIER_ACTIVATION_NONE, error);
  for (int i = 0; h != NULL; i++)
    {
      skips->tensors[skips->count++] = h;
      if (i == u->down_count)
        return h;
      h = block_forward (ctx, u, &u->down[i], h, emb, error);
    }
  return NULL;
}

/* Residual block, attention, residual block at the lowest resolution. */
static AtelierTensor *
middle (AtelierContext *ctx, const AtelierUNet *u, const AtelierTensor *x, const AtelierTensor *emb, GError **error)
{
  g_autoptr (AtelierTensor) first = res_block_forward (ctx, u, &u->mid_res1, x, emb, error);
  g_autoptr (AtelierTensor) attended = first ? attention_forward (ctx, u, &u->mid_attn, first, error) : NULL;
  g_clear_pointer (&first, atelier_tensor_free);
  return attended ? res_block_forward (ctx, u, &u->mid_res2, attended, emb, error) : NULL;
}

/* The up blocks, each on the previous output (@h, taken) joined with the latest skip; both are freed once
 * joined, so that the up path holds no more than it needs. */
static AtelierTensor *
up_path (AtelierContext *ctx, const AtelierUNet *u, AtelierTensor *h, const AtelierTensor *emb, Skips *skips,
         GError **error)
{
  for (int i = 0; h != NULL && i < u->up_count; i++)
    {
      AtelierTensor *skip = skips->tensors[--skips->count];
      const AtelierTensor *pair[2] = { h, skip };
      g_autoptr (AtelierTensor) joined = atelier_concat (ctx, pair, 2, 1, error);
      atelier_tensor_free (h);
      atelier_tensor_free (skip);
      h = joined ? block_forward (ctx, u, &u->up[i], joined, emb, error) : NULL;
    }
  return h;
}

AtelierTensor *
atelier_unet_forward (AtelierContext *ctx, const AtelierUNet *u, const AtelierTensor *input,
                      const float *timesteps, const int *labels, GError **error)
{
  return atelier_unet_forward_scene (ctx, u, input, timesteps, labels, NULL, error);
}

AtelierTensor *
atelier_unet_forward_scene (AtelierContext *ctx, const AtelierUNet *u, const AtelierTensor *input,
                            const float *timesteps, const int *labels, const float *scenes, GError **error)
{
  if (!check_input (u, input, labels, error))
    return NULL;
  const float *scene_values = u->config.scene_channels > 0 ? scenes : NULL;
  g_autoptr (AtelierTensor) emb = conditioning (ctx, u, input->shape[0], timesteps, labels, scene_values, error);
  if (emb == NULL)
    return NULL;
  g_auto (Skips) skips = { NULL, 0 };
  const AtelierTensor *lowest = down_path (ctx, u, input, emb, &skips, error);
  AtelierTensor *bottom = lowest ? middle (ctx, u, lowest, emb, error) : NULL;
  g_autoptr (AtelierTensor) last = bottom ? up_path (ctx, u, bottom, emb, &skips, error) : NULL;
  g_autoptr (AtelierTensor) out = last ? norm_silu (ctx, u, &u->norm_out, last, error) : NULL;
  return out ? atelier_conv_layer_forward (ctx, &u->conv_out, out, ATELIER_ACTIVATION_NONE, error) : NULL;
}
