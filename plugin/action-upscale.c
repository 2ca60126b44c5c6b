/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-actions.h"

#include <glib/gi18n-lib.h>
#include "plugin-pixels.h"

/* The layers the network enlarges: the active one, or every layer that holds
 * pixels (groups are enlarged by GIMP with their children). */
static GArray *
network_layers (const AtelierFilterValues *values, gint32 image, gint32 drawable)
{
  GArray *layers = g_array_new (FALSE, FALSE, sizeof (gint32));
  if (!atelier_filter_values_get_int (values, "all-layers"))
    {
      g_array_append_val (layers, drawable);
      return layers;
    }
  gint n = 0;
  g_autofree gint32 *all = gimp_image_get_layers (image, &n);
  for (gint i = 0; i < n; i++)
    if (!gimp_item_is_group (all[i]))
      g_array_append_val (layers, all[i]);
  return layers;
}

gboolean
atelier_action_upscale (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode, gint32 image,
                        gint32 drawable, GimpParam *pdb_results, GError **error)
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
  g_autoptr (GArray) layers = network_layers (values, image, drawable);
  g_autoptr (GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) atelier_tensor_free);
  for (guint i = 0; i < layers->len; i++)
    {
      g_autoptr (AtelierTensor) pixels = atelier_drawable_read (g_array_index (layers, gint32, i), error);
      AtelierTensor *result = pixels ? atelier_filter_upscale_run (ctx, values, pixels, error) : NULL;
      if (result == NULL)
        return FALSE;
      g_ptr_array_add (results, result);
    }

  /* Only now is the image changed: the canvas and every layer by GIMP's best
   * interpolation, then the network's results into their layers. */
  gimp_image_undo_group_start (image);
  gimp_context_push ();
  gimp_context_set_interpolation (GIMP_INTERPOLATION_NOHALO);
  gboolean ok = gimp_image_scale (image, (gint) (width * scale), (gint) (height * scale));
  for (guint i = 0; ok && i < layers->len; i++)
    ok = atelier_drawable_write (g_array_index (layers, gint32, i), results->pdata[i], error);
  gimp_context_pop ();
  gimp_image_undo_group_end (image);
  if (!ok && error != NULL && *error == NULL)
    g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not scale the image"));
  return ok;
}
