/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-actions.h"

#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "plugin-pixels.h"

/* The fill as a layer of its own: the result's colour, opaque where the selection is (times the source's
 * alpha), so that stacked above the source it shows exactly the inpainted image and can be masked,
 * hidden or deleted without touching the source. */
static AtelierTensor *
fill_layer_pixels (const AtelierTensor *result, const AtelierTensor *selection, GError **error)
{
  const int channels = (int) result->shape[1];
  const gboolean has_alpha = channels == 2 || channels == 4;
  const int colours = has_alpha ? channels - 1 : channels;
  const int64_t plane = selection->shape[2] * selection->shape[3];
  AtelierTensor *layer = atelier_tensor_new_4d (1, colours + 1, selection->shape[2], selection->shape[3], error);
  if (layer == NULL)
    return NULL;
  memcpy (layer->data, result->data, sizeof (float) * colours * plane);
  for (int64_t i = 0; i < plane; i++)
    layer->data[colours * plane + i] = CLAMP (selection->data[i], 0.0f, 1.0f)
                                       * (has_alpha ? result->data[colours * plane + i] : 1.0f);
  return layer;
}

gboolean
atelier_action_inpaint (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode, gint32 image,
                        gint32 drawable, GimpParam *results, GError **error)
{
  (void) mode;
  (void) results;
  if (!gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("select a layer to inpaint, not a mask or channel"));
      return FALSE;
    }
  if (gimp_selection_is_empty (image))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("the selection is empty: select the area to fill"));
      return FALSE;
    }
  g_autoptr (AtelierTensor) pixels = atelier_drawable_read (drawable, error);
  g_autoptr (AtelierTensor) selection = pixels ? atelier_selection_read (image, drawable, error) : NULL;
  g_autoptr (AtelierTensor) result = selection ? atelier_filter_inpaint_run (ctx, values, pixels, selection, error) : NULL;
  g_autoptr (AtelierTensor) fill = result ? fill_layer_pixels (result, selection, error) : NULL;
  if (fill == NULL)
    return FALSE;

  gint x, y;
  gimp_drawable_offsets (drawable, &x, &y);
  gimp_image_undo_group_start (image);
  const gint32 layer = gimp_layer_new (image, _("Inpainted"), gimp_drawable_width (drawable),
                                       gimp_drawable_height (drawable),
                                       gimp_drawable_is_gray (drawable) ? GIMP_GRAYA_IMAGE : GIMP_RGBA_IMAGE, 100,
                                       GIMP_LAYER_MODE_NORMAL);
  gboolean ok = layer >= 0 && gimp_image_insert_layer (image, layer, gimp_item_get_parent (drawable),
                                                       gimp_image_get_item_position (image, drawable));
  if (ok)
    {
      gimp_layer_set_offsets (layer, x, y);
      ok = atelier_drawable_write (layer, fill, error);
    }
  else
    g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not add the inpainted layer"));
  gimp_image_undo_group_end (image);
  return ok;
}
