/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-layers.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "pipelines/atelier-background-compose.h"

#include <string.h>

void
atelier_background_layers_free (AtelierBackgroundLayers *layers)
{
  if (layers == NULL)
    return;
  atelier_tensor_free (layers->background);
  atelier_tensor_free (layers->shadow);
  atelier_tensor_free (layers->subject);
  atelier_tensor_free (layers->mask);
  g_free (layers);
}

/* Black, with the shadow's strength as alpha: one allocation, zeroed, the strength copied into its last plane. */
static AtelierTensor *
shadow_layer (const AtelierTensor *shadow, const AtelierTensor *like, int colours, GError **error)
{
  const gint64 plane = like->shape[2] * like->shape[3];
  AtelierTensor *layer = atelier_tensor_new_4d (1, colours + 1, like->shape[2], like->shape[3], error);
  if (layer != NULL && shadow != NULL)
    memcpy (layer->data + colours * plane, shadow->data, sizeof (float) * plane);
  return layer;
}

AtelierBackgroundLayers *
atelier_background_layers_new (const AtelierTensor *source, AtelierTensor *foreground, AtelierTensor *alpha,
                               AtelierTensor *background, const AtelierTensor *shadow, GError **error)
{
  g_autoptr (AtelierTensor) taken_background = background;
  g_autoptr (AtelierTensor) taken_foreground = foreground;
  g_autoptr (AtelierTensor) taken_alpha = alpha;
  const gint64 colours = source->shape[1], h = source->shape[2], w = source->shape[3], n = h * w;
  if (!atelier_tensor_same_shape (source, background) || (foreground && !atelier_tensor_same_shape (source, foreground))
      || alpha->shape[2] != h || alpha->shape[3] != w || (shadow && !atelier_tensor_same_shape (alpha, shadow)))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                           "background layers: the source, subject, background and shadow differ in size");
      return NULL;
    }
  g_autoptr (AtelierBackgroundLayers) layers = g_new0 (AtelierBackgroundLayers, 1);
  layers->background = g_steal_pointer (&taken_background);
  layers->shadow = shadow_layer (shadow, alpha, (int) colours, error);
  layers->subject = !layers->shadow ? NULL
                    : foreground    ? g_steal_pointer (&taken_foreground)
                                    : atelier_tensor_copy (source, error);
  if (layers->subject == NULL)
    return NULL;
  layers->mask = g_steal_pointer (&taken_alpha);
  for (gint64 i = 0; i < n; i++)
    {
      const float a = layers->mask->data[i];
      layers->mask->data[i] = a >= ATELIER_MATTE_OPAQUE_FROM ? 1.0f : a <= ATELIER_MATTE_CLEAR_BELOW ? 0.0f : a;
      /* The subject's own colours in its edge, the source itself where it counts as opaque. */
      for (gint64 c = 0; a >= ATELIER_MATTE_OPAQUE_FROM && c < colours; c++)
        layers->subject->data[c * n + i] = source->data[c * n + i];
    }
  return g_steal_pointer (&layers);
}
