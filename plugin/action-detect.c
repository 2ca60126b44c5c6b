/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-actions.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "plugin-pixels.h"

/* GIMP's JPEG loader leaves a "jpeg-settings" parasite on the image; a file
 * name is the fallback for images loaded some other way. */
static gboolean
image_came_from_jpeg (gint32 image)
{
  GimpParasite *settings = gimp_image_get_parasite (image, "jpeg-settings");
  if (settings != NULL)
    {
      gimp_parasite_free (settings);
      return TRUE;
    }
  g_autofree char *file = gimp_image_get_filename (image);
  g_autofree char *lower = file ? g_ascii_strdown (file, -1) : NULL;
  return lower != NULL && (g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg"));
}

static gboolean
add_heat_map_layer (gint32 image, gint32 drawable, const AtelierDetection *d, GError **error)
{
  const gboolean grey = gimp_drawable_is_gray (drawable);
  const gint w = gimp_drawable_width (drawable), h = gimp_drawable_height (drawable);
  g_autoptr (AtelierTensor) map = atelier_detection_render_heat_map (d, grey ? 1 : 3, w, h, error);
  if (map == NULL)
    return FALSE;
  g_autofree char *name = g_strdup_printf (_("AI-artifact heat map (p = %.2f)"), d->probability);
  /* Semi-transparent through the layer's opacity, not its pixels, so the
   * user can make it stronger or weaker afterwards. */
  const gint32 layer = gimp_layer_new (image, name, w, h, grey ? GIMP_GRAY_IMAGE : GIMP_RGB_IMAGE, 55,
                                       GIMP_LAYER_MODE_NORMAL);
  gint x, y;
  gimp_drawable_offsets (drawable, &x, &y);
  if (layer < 0 || !gimp_image_insert_layer (image, layer, gimp_item_get_parent (drawable),
                                             gimp_image_get_item_position (image, drawable)))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not add the heat-map layer"));
      return FALSE;
    }
  gimp_layer_set_offsets (layer, x, y);
  return atelier_drawable_write (layer, map, error);
}

static gboolean
open_spectrum (const AtelierDetection *d, GimpRunMode mode, GError **error)
{
  g_autoptr (AtelierTensor) picture = atelier_detection_render_spectrum (d, error);
  if (picture == NULL)
    return FALSE;
  const gint side = (gint) atelier_tensor_w (picture);
  const gint32 image = gimp_image_new (side, side, GIMP_RGB);
  const gint32 layer = gimp_layer_new (image, _("Residual spectrum, peaks ringed"), side, side, GIMP_RGB_IMAGE, 100,
                                       GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (image, layer, 0, 0);
  if (!atelier_drawable_write (layer, picture, error))
    {
      gimp_image_delete (image);
      return FALSE;
    }
  gimp_image_clean_all (image);
  if (mode != GIMP_RUN_NONINTERACTIVE)
    gimp_display_new (image);
  return TRUE;
}

static void
show_report (const AtelierDetection *d)
{
  GString *report = g_string_new (NULL);
  g_string_append_printf (report, _("Probability that the image is generated: %.0f%%\n%s\n"), d->probability * 100,
                          _(atelier_verdict_label (d->verdict)));
  for (int c = 0; c < d->n_cues; c++)
    g_string_append_printf (report, "\n• %s", _(d->cues[c].text));
  if (d->conditions & ATELIER_SPECTRAL_JPEG)
    g_string_append_printf (report, "\n\n%s",
                            _("The image was JPEG-compressed: patterns on JPEG's 8-pixel grid were set aside."));
  if (d->conditions & ATELIER_SPECTRAL_GREY)
    g_string_append_printf (report, "\n\n%s", _("The image has no colour: the colour of its fine detail was not judged."));
  else if (d->conditions & (ATELIER_SPECTRAL_ROUNDING_HIGH | ATELIER_SPECTRAL_ROUNDING_CORNER))
    g_string_append_printf (report, "\n\n%s",
                            _("The image's finest detail does not rise above the rounding of its pixels (a soft or smooth "
                              "image): the colour there was not judged."));
  gimp_message (report->str);
  g_string_free (report, TRUE);
}

gboolean
atelier_action_detect (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode, gint32 image,
                       gint32 drawable, GimpParam *results, GError **error)
{
  if (!gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           _("select a layer to analyse, not a mask or channel"));
      return FALSE;
    }
  g_autoptr (AtelierTensor) pixels = atelier_drawable_read (drawable, error);
  g_autoptr (AtelierDetection) d = pixels ? atelier_filter_detect_run (ctx, values, pixels, image_came_from_jpeg (image), error)
                                          : NULL;
  if (d == NULL)
    return FALSE;

  if (atelier_filter_values_get_int (values, "heat-map"))
    {
      gimp_image_undo_group_start (image);
      const gboolean added = add_heat_map_layer (image, drawable, d, error);
      gimp_image_undo_group_end (image);
      if (!added)
        return FALSE;
    }
  if (atelier_filter_values_get_int (values, "spectrum") && !open_spectrum (d, mode, error))
    return FALSE;
  if (mode != GIMP_RUN_NONINTERACTIVE)
    show_report (d);
  results[0].data.d_float = d->probability;
  results[1].data.d_string = (gchar *) atelier_verdict_nick (d->verdict);
  return TRUE;
}
