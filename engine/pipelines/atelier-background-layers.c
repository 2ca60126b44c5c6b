/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-layers.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"

#include <string.h>

/* The same rule as atelier_background_compose's: a matte within half an 8-bit step of 1 (or 0) is 1 (or 0), so
 * the layers composite to its picture and the kept product is never blended by a rounding step. */
#define OPAQUE_FROM (1.0f - 0.5f / 255.0f)
#define CLEAR_BELOW (0.5f / 255.0f)

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

static AtelierTensor *
shadow_layer (const AtelierTensor *shadow, const AtelierTensor *like, int colours, GError **error)
{
  g_autoptr (AtelierTensor) black = atelier_tensor_new_4d (1, colours, like->shape[2], like->shape[3], error);
  g_autoptr (AtelierTensor) strength = black ? atelier_tensor_new_like (like, error) : NULL;
  if (strength == NULL)
    return NULL;
  if (shadow != NULL)
    memcpy (strength->data, shadow->data, sizeof (float) * atelier_tensor_numel (strength));
  return atelier_planes_join (black, strength, error);
}

AtelierBackgroundLayers *
atelier_background_layers_new (const AtelierTensor *source, const AtelierTensor *foreground, const AtelierTensor *alpha,
                               AtelierTensor *background, const AtelierTensor *shadow, GError **error)
{
  g_autoptr (AtelierTensor) taken = background;
  const gint64 colours = source->shape[1], h = source->shape[2], w = source->shape[3], n = h * w;
  if (!atelier_tensor_same_shape (source, background) || (foreground && !atelier_tensor_same_shape (source, foreground))
      || alpha->shape[2] != h || alpha->shape[3] != w || (shadow && !atelier_tensor_same_shape (alpha, shadow)))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                           "background layers: the source, subject, background and shadow differ in size");
      return NULL;
    }
  g_autoptr (AtelierBackgroundLayers) layers = g_new0 (AtelierBackgroundLayers, 1);
  layers->background = g_steal_pointer (&taken);
  layers->shadow = shadow_layer (shadow, alpha, (int) colours, error);
  layers->subject = layers->shadow ? atelier_tensor_copy (source, error) : NULL;
  layers->mask = layers->subject ? atelier_tensor_new_like (alpha, error) : NULL;
  if (layers->mask == NULL)
    return NULL;
  for (gint64 i = 0; i < n; i++)
    {
      const float a = alpha->data[i];
      layers->mask->data[i] = a >= OPAQUE_FROM ? 1.0f : a <= CLEAR_BELOW ? 0.0f : a;
      for (gint64 c = 0; foreground != NULL && a < OPAQUE_FROM && c < colours; c++)
        layers->subject->data[c * n + i] = foreground->data[c * n + i];
    }
  return g_steal_pointer (&layers);
}
