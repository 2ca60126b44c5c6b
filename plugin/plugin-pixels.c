/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-pixels.h"

#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <math.h>

/* A channel (the selection, a layer mask) holds coverage, not light: GIMP keeps the selection in the image's
 * perceptual encoding and layer masks in linear light, and uses the stored value as the opacity either way. Read
 * and written as floats in the buffer's own encoding, no tone curve moves the values (a linear format on a
 * perceptual selection turned 6/255 into 0.0018; a perceptual one on a mask made its edges too transparent). */
static const Babl *
coverage_format (GeglBuffer *buffer)
{
  g_autofree char *name = g_strdup_printf ("%s float", babl_get_name (babl_format_get_model (gegl_buffer_get_format (buffer))));
  return babl_format (name);
}

static const Babl *
float_format (gint32 drawable)
{
  const gboolean alpha = gimp_drawable_has_alpha (drawable);
  if (gimp_drawable_is_gray (drawable))
    return babl_format (alpha ? "Y'A float" : "Y' float");
  return babl_format (alpha ? "R'G'B'A float" : "R'G'B' float");
}

/* The rectangle that gegl_buffer_get reads at @scale: in scaled coordinates, @offset (x, y) added first. */
static GeglRectangle
scaled_rectangle (const gint64 area[4], double scale, gint x_offset, gint y_offset)
{
  const gint x = (gint) floor ((double) (area[1] + x_offset) * scale);
  const gint y = (gint) floor ((double) (area[0] + y_offset) * scale);
  const gint w = MAX (1, (gint) lround ((double) area[3] * scale));
  const gint h = MAX (1, (gint) lround ((double) area[2] * scale));
  return (GeglRectangle) { x, y, w, h };
}

/* @rect of @buffer at @scale, as planes (1, C, h, w) of @format's C components. */
static AtelierTensor *
buffer_read_planes (GeglBuffer *buffer, const GeglRectangle *rect, double scale, const Babl *format, GError **error)
{
  const int channels = babl_format_get_n_components (format);
  const gint64 w = rect->width, h = rect->height;
  g_autoptr (AtelierTensor) planar = atelier_tensor_new_4d (1, channels, h, w, error);
  if (planar == NULL)
    return NULL;
  g_autofree float *interleaved = g_try_malloc (sizeof (float) * channels * w * h);
  if (interleaved == NULL)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory reading the layer");
      return NULL;
    }
  gegl_buffer_get (buffer, rect, scale, format, interleaved, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  for (gint64 i = 0; i < w * h; i++)
    for (int c = 0; c < channels; c++)
      planar->data[c * w * h + i] = interleaved[i * channels + c];
  return g_steal_pointer (&planar);
}

AtelierTensor *
atelier_drawable_read_area (gint32 drawable, const gint64 area[4], double scale, GError **error)
{
  if (gimp_drawable_is_indexed (drawable))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED,
                           _("indexed images are not supported: convert the image to RGB (Image > Mode > RGB) first"));
      return NULL;
    }
  const GeglRectangle rect = scaled_rectangle (area, scale, 0, 0);
  GeglBuffer *buffer = gimp_drawable_get_buffer (drawable);
  AtelierTensor *pixels = buffer_read_planes (buffer, &rect, scale, float_format (drawable), error);
  g_object_unref (buffer);
  return pixels;
}

static void
whole_area (gint32 drawable, gint64 area[4])
{
  area[0] = area[1] = 0;
  area[2] = gimp_drawable_height (drawable);
  area[3] = gimp_drawable_width (drawable);
}

AtelierTensor *
atelier_drawable_read (gint32 drawable, GError **error)
{
  gint64 area[4];
  whole_area (drawable, area);
  return atelier_drawable_read_area (drawable, area, 1.0, error);
}

AtelierTensor *
atelier_selection_read_area (gint32 image, gint32 drawable, const gint64 area[4], double scale, GError **error)
{
  gint x, y;
  gimp_drawable_offsets (drawable, &x, &y);
  const GeglRectangle rect = scaled_rectangle (area, scale, x, y);
  GeglBuffer *buffer = gimp_drawable_get_buffer (gimp_image_get_selection (image));
  AtelierTensor *selection = buffer_read_planes (buffer, &rect, scale, coverage_format (buffer), error);
  g_object_unref (buffer);
  return selection;
}

AtelierTensor *
atelier_selection_read (gint32 image, gint32 drawable, GError **error)
{
  gint64 area[4];
  whole_area (drawable, area);
  return atelier_selection_read_area (image, drawable, area, 1.0, error);
}

gboolean
atelier_drawable_write (gint32 drawable, const AtelierTensor *pixels, GError **error)
{
  g_autoptr (GeglBuffer) buffer = gimp_drawable_get_buffer (drawable);
  const Babl *format = gimp_item_is_channel (drawable) ? coverage_format (buffer) : float_format (drawable);
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
  gegl_buffer_set (buffer, GEGL_RECTANGLE (0, 0, w, h), 0, format, interleaved, GEGL_AUTO_ROWSTRIDE);
  gegl_buffer_flush (buffer);
  gimp_drawable_update (drawable, 0, 0, w, h);
  return TRUE;
}
