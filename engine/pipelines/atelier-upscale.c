/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-upscale.h"

#include "core/atelier-error.h"
#include "pipelines/atelier-alpha-fill.h"

#include <string.h>

static AtelierTensor *
upscale_tile (AtelierContext *ctx, const AtelierTensor *tile, gpointer net, GError **error)
{
  return atelier_rdn_forward (ctx, net, tile, error);
}

static AtelierTensor *
plane_view (const AtelierTensor *image, int channel)
{
  const int64_t shape[4] = { 1, 1, image->shape[2], image->shape[3] };
  return atelier_tensor_new_view (image->data + channel * image->shape[2] * image->shape[3], 4, shape);
}

/* The colour planes as RGB (grey repeated), with invisible pixels' colour filled. */
static AtelierTensor *
network_input (AtelierContext *ctx, const AtelierTensor *image, gboolean grey, gboolean has_alpha, float range,
               GError **error)
{
  const gint64 plane = image->shape[2] * image->shape[3];
  const int colour_channels = grey ? 1 : 3;
  g_autoptr (AtelierTensor) colour = atelier_tensor_new_4d (1, colour_channels, image->shape[2], image->shape[3], error);
  if (colour == NULL)
    return NULL;
  memcpy (colour->data, image->data, sizeof (float) * colour_channels * plane);
  if (has_alpha)
    {
      g_autoptr (AtelierTensor) alpha = plane_view (image, colour_channels);
      AtelierTensor *filled = atelier_alpha_fill (ctx, colour, alpha, error);
      if (filled == NULL)
        return NULL;
      atelier_tensor_free (colour);
      colour = filled;
    }
  AtelierTensor *rgb = atelier_tensor_new_4d (1, 3, image->shape[2], image->shape[3], error);
  if (rgb == NULL)
    return NULL;
  for (int c = 0; c < 3; c++)
    for (gint64 i = 0; i < plane; i++)
      rgb->data[c * plane + i] = colour->data[(grey ? 0 : c) * plane + i] * range;
  return rgb;
}

static gboolean
validate (const AtelierTensor *image, GError **error)
{
  if (image->rank != 4 || image->shape[0] != 1 || image->shape[1] < 1 || image->shape[1] > 4
      || image->shape[2] < 1 || image->shape[3] < 1)
    {
      g_autofree char *s = atelier_tensor_shape_string (image);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "upscaling needs one image of 1 to 4 channels, got shape %s", s);
      return FALSE;
    }
  if (!atelier_tensor_all_finite (image))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "the image contains NaN or infinite values");
      return FALSE;
    }
  return TRUE;
}

AtelierTensor *
atelier_upscale (AtelierContext *ctx, const AtelierRdn *net, const AtelierTensor *image,
                 const AtelierUpscaleOptions *options, GError **error)
{
  if (!validate (image, error))
    return NULL;
  const AtelierRdnConfig *cfg = atelier_rdn_get_config (net);
  const int channels = (int) image->shape[1];
  const gboolean grey = channels <= 2, has_alpha = channels == 2 || channels == 4;
  const int s = cfg->scale;
  const gint64 h = image->shape[2], w = image->shape[3];

  int margin = options && options->margin >= 0 ? options->margin
                                               : MIN (ATELIER_UPSCALE_DEFAULT_MARGIN, atelier_rdn_receptive_radius (net));
  int tile = options && options->tile_size > 0
               ? options->tile_size
               : atelier_tile_size_for_budget (ctx, atelier_rdn_bytes_per_pixel (net), margin, 1);
  tile = MAX (tile, 6 * margin);
  AtelierTileSpec spec = { tile, margin, s, 1, 3, "Upscaling" };

  g_autoptr (AtelierTensor) rgb = network_input (ctx, image, grey, has_alpha, cfg->value_range, error);
  g_autoptr (AtelierTensor) up = rgb ? atelier_tiled_run (ctx, rgb, &spec, upscale_tile, (gpointer) net, error) : NULL;
  if (up == NULL)
    return NULL;
  g_clear_pointer (&rgb, atelier_tensor_free);

  const gint64 plane = h * s * w * s;
  const float inv_range = 1.0f / cfg->value_range;
  if (channels == 3)
    {
      /* RGB: the tiled result becomes the output in place, so a large image
       * never holds two full-size copies. */
      for (gint64 i = 0; i < 3 * plane; i++)
        up->data[i] = CLAMP (up->data[i] * inv_range, 0.0f, 1.0f);
      return g_steal_pointer (&up);
    }
  g_autoptr (AtelierTensor) out = atelier_tensor_new_4d (1, channels, h * s, w * s, error);
  if (out == NULL)
    return NULL;
  for (gint64 i = 0; i < plane; i++)
    {
      if (grey)
        out->data[i] = CLAMP ((up->data[i] + up->data[plane + i] + up->data[2 * plane + i]) * inv_range / 3.0f, 0.0f, 1.0f);
      else
        for (int c = 0; c < 3; c++)
          out->data[c * plane + i] = CLAMP (up->data[c * plane + i] * inv_range, 0.0f, 1.0f);
    }
  if (has_alpha)
    {
      g_autoptr (AtelierTensor) alpha = plane_view (image, channels - 1);
      g_autoptr (AtelierTensor) alpha_up = atelier_resize (ctx, alpha, h * s, w * s, ATELIER_RESIZE_BICUBIC, error);
      if (alpha_up == NULL)
        return NULL;
      for (gint64 i = 0; i < plane; i++)
        out->data[(channels - 1) * plane + i] = CLAMP (alpha_up->data[i], 0.0f, 1.0f);
    }
  return g_steal_pointer (&out);
}
