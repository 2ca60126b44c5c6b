/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-pixels.h"

#include <gegl.h>
#include <glib/gi18n-lib.h>

static const Babl *
float_format (gint32 drawable)
{
  const gboolean alpha = gimp_drawable_has_alpha (drawable);
  if (gimp_drawable_is_gray (drawable))
    return babl_format (alpha ? "Y'A float" : "Y' float");
  return babl_format (alpha ? "R'G'B'A float" : "R'G'B' float");
}

AtelierTensor *
atelier_drawable_read (gint32 drawable, GError **error)
{
  if (gimp_drawable_is_indexed (drawable))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED,
                           _("indexed images are not supported: convert the image to RGB (Image > Mode > RGB) first"));
      return NULL;
    }
  const Babl *format = float_format (drawable);
  const int channels = babl_format_get_n_components (format);
  const gint64 w = gimp_drawable_width (drawable), h = gimp_drawable_height (drawable);
  g_autoptr (AtelierTensor) planar = atelier_tensor_new_4d (1, channels, h, w, error);
  if (planar == NULL)
    return NULL;
  g_autofree float *interleaved = g_try_malloc (sizeof (float) * channels * w * h);
  if (interleaved == NULL)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory reading the layer");
      return NULL;
    }
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  gegl_buffer_get (buffer, GEGL_RECTANGLE (0, 0, w, h), 1.0, format, interleaved, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
  for (gint64 i = 0; i < w * h; i++)
    for (int c = 0; c < channels; c++)
      planar->data[c * w * h + i] = interleaved[i * channels + c];
  return g_steal_pointer (&planar);
}

gboolean
atelier_drawable_write (gint32 drawable, const AtelierTensor *pixels, GError **error)
{
  const Babl *format = float_format (drawable);
  const int channels = babl_format_get_n_components (format);
  const gint64 w = gimp_drawable_width (drawable), h = gimp_drawable_height (drawable);
  if (!atelier_tensor_check_shape (pixels, "result", 4, (const int64_t[]) { 1, channels, h, w }, error))
    return FALSE;
  g_autofree float *interleaved = g_try_malloc (sizeof (float) * channels * w * h);
  if (interleaved == NULL)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory writing the layer");
      return FALSE;
    }
  for (gint64 i = 0; i < w * h; i++)
    for (int c = 0; c < channels; c++)
      interleaved[i * channels + c] = pixels->data[c * w * h + i];
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, w, h), 0, format, interleaved, GEGL_AUTO_ROWSTRIDE);
  gegl_buffer_flush (buffer);
  g_object_unref (buffer);
  gimp_drawable_update (drawable, 0, 0, w, h);
  return TRUE;
}
