/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "core/atelier-image-planes.h"

#include "core/atelier-error.h"

#include <string.h>

static int64_t
plane_size (const AtelierTensor *image)
{
  return image->shape[2] * image->shape[3];
}

gboolean
atelier_planes_check (const AtelierTensor *image, const char *what, GError **error)
{
  if (!atelier_tensor_check_shape (image, what, 4, (const int64_t[]) { 1, -1, -1, -1 }, error))
    return FALSE;
  if (image->shape[1] < 1 || image->shape[1] > 4)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "%s needs grey or RGB pixels, with or without alpha (1 to 4 channels), not %" G_GINT64_FORMAT, what,
                   image->shape[1]);
      return FALSE;
    }
  return TRUE;
}

AtelierTensor *
atelier_planes_colour (const AtelierTensor *image, GError **error)
{
  const int colours = atelier_planes_colours ((int) image->shape[1]);
  AtelierTensor *colour = atelier_tensor_new_4d (1, colours, image->shape[2], image->shape[3], error);
  if (colour != NULL)
    memcpy (colour->data, image->data, sizeof (float) * colours * plane_size (image));
  return colour;
}

AtelierTensor *
atelier_planes_alpha_view (const AtelierTensor *image)
{
  const int channels = (int) image->shape[1];
  if (!atelier_planes_have_alpha (channels))
    return NULL;
  const int64_t shape[4] = { 1, 1, image->shape[2], image->shape[3] };
  return atelier_tensor_new_view (image->data + (channels - 1) * plane_size (image), 4, shape);
}

AtelierTensor *
atelier_planes_join (const AtelierTensor *colour, const AtelierTensor *alpha, GError **error)
{
  const int colours = (int) colour->shape[1];
  const int64_t plane = plane_size (colour);
  AtelierTensor *image = atelier_tensor_new_4d (1, colours + (alpha != NULL), colour->shape[2], colour->shape[3], error);
  if (image == NULL)
    return NULL;
  memcpy (image->data, colour->data, sizeof (float) * colours * plane);
  if (alpha != NULL)
    memcpy (image->data + colours * plane, alpha->data, sizeof (float) * plane);
  return image;
}

AtelierTensor *
atelier_planes_rgb (const AtelierTensor *image, GError **error)
{
  const int64_t plane = plane_size (image);
  const gboolean grey = atelier_planes_colours ((int) image->shape[1]) == 1;
  AtelierTensor *rgb = atelier_tensor_new_4d (1, 3, image->shape[2], image->shape[3], error);
  for (int c = 0; rgb != NULL && c < 3; c++)
    memcpy (rgb->data + c * plane, image->data + (grey ? 0 : c) * plane, sizeof (float) * plane);
  return rgb;
}

AtelierTensor *
atelier_planes_from_rgb (const AtelierTensor *rgb, int colours, GError **error)
{
  if (colours == 3)
    return atelier_tensor_copy (rgb, error);
  const int64_t plane = plane_size (rgb);
  AtelierTensor *grey = atelier_tensor_new_4d (1, 1, rgb->shape[2], rgb->shape[3], error);
  for (int64_t i = 0; grey != NULL && i < plane; i++)
    grey->data[i] = (rgb->data[i] + rgb->data[plane + i] + rgb->data[2 * plane + i]) / 3.0f;
  return grey;
}

void
atelier_planes_premultiply (AtelierTensor *colour, const AtelierTensor *alpha)
{
  const int64_t plane = plane_size (colour);
  for (int64_t c = 0; c < colour->shape[1]; c++)
    for (int64_t i = 0; i < plane; i++)
      colour->data[c * plane + i] *= alpha->data[i];
}

/* Layer @layer's colour @c at pixel @i, in a layout of @colours colours: grey repeated, RGB averaged as
 * atelier_planes_from_rgb does, else its own value, bit for bit. */
static inline float
layer_colour_at (const AtelierTensor *layer, int layer_colours, int colours, int c, int64_t plane, int64_t i)
{
  if (layer_colours == colours)
    return layer->data[c * plane + i];
  if (layer_colours == 1)
    return layer->data[i];
  return (layer->data[i] + layer->data[plane + i] + layer->data[2 * plane + i]) / 3.0f;
}

gboolean
atelier_planes_over_in_place (const AtelierTensor *layer, const AtelierTensor *mask, float opacity,
                              AtelierTensor *below, GError **error)
{
  const int below_channels = (int) below->shape[1], colours = atelier_planes_colours (below_channels);
  const int layer_channels = (int) layer->shape[1], layer_colours = atelier_planes_colours (layer_channels);
  const int64_t plane = plane_size (below);
  if (layer->shape[2] != below->shape[2] || layer->shape[3] != below->shape[3]
      || (mask != NULL && (mask->shape[1] != 1 || mask->shape[2] != below->shape[2] || mask->shape[3] != below->shape[3])))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                           "a layer (and its mask) composited over an image needs the image's size");
      return FALSE;
    }
  const float *layer_alpha = atelier_planes_have_alpha (layer_channels) ? layer->data + layer_colours * plane : NULL;
  const gboolean below_alpha = atelier_planes_have_alpha (below_channels);
  for (int64_t i = 0; i < plane; i++)
    {
      const float a = (layer_alpha ? layer_alpha[i] : 1.0f) * (mask ? mask->data[i] : 1.0f) * opacity;
      if (a <= 0.0f)
        continue;
      const float b = below_alpha ? below->data[colours * plane + i] : 1.0f;
      /* Over an opaque pixel the result is opaque, exactly: a + (1 - a) can round below 1. */
      const float total = b >= 1.0f ? 1.0f : a + b * (1.0f - a);
      for (int c = 0; c < colours; c++)
        {
          const float top = layer_colour_at (layer, layer_colours, colours, c, plane, i);
          below->data[c * plane + i] = a >= 1.0f ? top : (top * a + below->data[c * plane + i] * b * (1.0f - a)) / total;
        }
      if (below_alpha)
        below->data[colours * plane + i] = total;
    }
  return TRUE;
}

AtelierTensor *
atelier_planes_over (const AtelierTensor *layer, const AtelierTensor *below, GError **error)
{
  if (!atelier_planes_have_alpha ((int) layer->shape[1]))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "a layer composited over an image needs alpha and the image's size");
      return NULL;
    }
  g_autoptr (AtelierTensor) out = atelier_tensor_copy (below, error);
  return out && atelier_planes_over_in_place (layer, NULL, 1.0f, out, error) ? g_steal_pointer (&out) : NULL;
}
