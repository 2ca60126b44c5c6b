/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-actions.h"

#include <glib/gi18n-lib.h>
#include "plugin-pixels.h"

gboolean
atelier_action_upscale (AtelierContext *ctx, const AtelierFilterValues *values, gint32 image, gint32 drawable,
                        GError **error)
{
  if (!gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("select a layer to upscale, not a mask or channel"));
      return FALSE;
    }
  const int scale = atelier_filter_values_get_int (values, "scale");
  const gint64 width = gimp_image_width (image), height = gimp_image_height (image);
  if (width * scale > GIMP_MAX_IMAGE_SIZE || height * scale > GIMP_MAX_IMAGE_SIZE)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   _("%dx%d enlarged %d times exceeds GIMP's largest image (%d pixels a side)"),
                   (int) width, (int) height, scale, GIMP_MAX_IMAGE_SIZE);
      return FALSE;
    }
  g_autoptr (AtelierTensor) pixels = atelier_drawable_read (drawable, error);
  g_autoptr (AtelierTensor) result = pixels ? atelier_filter_upscale_run (ctx, values, pixels, error) : NULL;
  if (result == NULL)
    return FALSE;

  /* Only now is the image changed: the canvas and every layer by GIMP's best
   * interpolation, then the network's result into the active layer. */
  gimp_image_undo_group_start (image);
  gimp_context_push ();
  gimp_context_set_interpolation (GIMP_INTERPOLATION_NOHALO);
  gboolean ok = gimp_image_scale (image, (gint) (width * scale), (gint) (height * scale))
                && atelier_drawable_write (drawable, result, error);
  gimp_context_pop ();
  gimp_image_undo_group_end (image);
  if (!ok && error != NULL && *error == NULL)
    g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not scale the image"));
  return ok;
}
