/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-matte-feather.h"

#include "core/atelier-error.h"
#include "ops/box-filter.h"

#include <string.h>

gboolean
atelier_matte_feather (float *alpha, gint64 h, gint64 w, int pixels, GError **error)
{
  if (pixels <= 0)
    return TRUE;
  g_autofree float *blurred = g_try_new (float, h * w);
  g_autofree double *sums = g_try_new (double, w);
  if (blurred == NULL || sums == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory to feather a %" G_GINT64_FORMAT
                   " x %" G_GINT64_FORMAT " matte", w, h);
      return FALSE;
    }
  const int first = pixels / 2, second = pixels - first;
  if (first > 0)
    {
      atelier_box_mean_plane (alpha, blurred, h, w, first, first, sums);
      atelier_box_mean_plane (blurred, alpha, h, w, second, second, sums);
    }
  else
    {
      atelier_box_mean_plane (alpha, blurred, h, w, second, second, sums);
      memcpy (alpha, blurred, sizeof (float) * (gsize) (h * w));
    }
  return TRUE;
}
