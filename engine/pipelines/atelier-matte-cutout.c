/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-matte-cutout.h"

#include <string.h>

AtelierTensor *
atelier_matte_cutout (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *coarse,
                      const AtelierMatteOptions *matte, const AtelierForegroundOptions *foreground, GError **error)
{
  g_autoptr (AtelierTensor) alpha = atelier_matte_refine (ctx, image, coarse, matte, error);
  if (alpha == NULL)
    return NULL;
  g_autoptr (AtelierTensor) colours = atelier_foreground_estimate (ctx, image, alpha, foreground, error);
  if (colours == NULL)
    return NULL;
  const gint64 plane = image->shape[2] * image->shape[3];
  g_autoptr (AtelierTensor) rgba = atelier_tensor_new_uninitialized (
    4, (const int64_t[]) { 1, 4, image->shape[2], image->shape[3] }, error);
  if (rgba == NULL)
    return NULL;
  memcpy (rgba->data, colours->data, sizeof (float) * (gsize) (3 * plane));
  memcpy (rgba->data + 3 * plane, alpha->data, sizeof (float) * (gsize) plane);
  return g_steal_pointer (&rgba);
}
