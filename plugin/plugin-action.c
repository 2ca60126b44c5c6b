/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-action.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "plugin-params.h"
#include "plugin-pixels.h"
#include "provenance/atelier-provenance.h"

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
every_layer (const AtelierFilterValues *values)
{
  for (int i = 0; i < values->info->n_params; i++)
    if (values->info->params[i].every_layer && values->values[i] != 0.0)
      return TRUE;
  return FALSE;
}

/* The layers the filter runs on: the active one, and when the values ask for every layer, each other layer
 * that holds pixels (groups follow their children). */
static GArray *
source_layers (const AtelierFilterValues *values, gint32 image, gint32 drawable)
{
  GArray *layers = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_array_append_val (layers, drawable);
  if (!every_layer (values))
    return layers;
  gint n = 0;
  g_autofree gint32 *all = gimp_image_get_layers (image, &n);
  for (gint i = 0; i < n; i++)
    if (all[i] != drawable && !gimp_item_is_group (all[i]))
      g_array_append_val (layers, all[i]);
  return layers;
}

static gboolean
check_source (const AtelierFilterInfo *info, const AtelierFilterValues *values, gint32 image, gint32 drawable,
              GError **error)
{
  if (!gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           _("select a layer, not a mask or channel"));
      return FALSE;
    }
  if (info->needs_selection && gimp_selection_is_empty (image))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("the selection is empty: select the area to fill"));
      return FALSE;
    }
  if (info->layer_mask_param != NULL && atelier_filter_values_get (values, info->layer_mask_param) != 0.0
      && gimp_layer_get_mask (drawable) >= 0)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           _("the layer already has a layer mask: apply or delete it first, or turn the layer mask "
                             "option off"));
      return FALSE;
    }
  if (info->output_scale_param != NULL)
    {
      const int scale = atelier_filter_values_get_int (values, info->output_scale_param);
      const gint64 width = gimp_image_width (image), height = gimp_image_height (image);
      if (width * scale > GIMP_MAX_IMAGE_SIZE || height * scale > GIMP_MAX_IMAGE_SIZE)
        {
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                       _("%dx%d enlarged %d times exceeds GIMP's largest image (%d pixels a side)"), (int) width,
                       (int) height, scale, GIMP_MAX_IMAGE_SIZE);
          return FALSE;
        }
    }
  return TRUE;
}

static AtelierFilterOutput *
run_on_layer (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values, gint32 image,
              gint32 layer, GError **error)
{
  const AtelierFilterInfo *info = atelier_filter_get_info (filter);
  const gboolean selected = info->needs_selection || (info->uses_selection && !gimp_selection_is_empty (image));
  g_autoptr (AtelierTensor) pixels = atelier_drawable_read (layer, error);
  g_autoptr (AtelierTensor) selection = pixels && selected ? atelier_selection_read (image, layer, error) : NULL;
  if (pixels == NULL || (selected && selection == NULL))
    return NULL;
  /* The file the image was opened from, so that Detect AI Artifacts can read what it says about itself. */
  g_autofree char *path = gimp_image_get_filename (image);
  const AtelierFilterInput in = { pixels, selection, image_came_from_jpeg (image), path };
  return atelier_filter_apply (filter, ctx, values, &in, error);
}

static GimpImageType
layer_type (int channels)
{
  static const GimpImageType types[] = { GIMP_GRAY_IMAGE, GIMP_GRAYA_IMAGE, GIMP_RGB_IMAGE, GIMP_RGBA_IMAGE };
  return types[CLAMP (channels, 1, 4) - 1];
}

/* A new layer of @pixels' size and channels right above @below, at its offsets; its id, or -1 with @error. */
static gint32
add_layer_above (gint32 image, gint32 below, const char *name, double opacity, const AtelierTensor *pixels,
                 GError **error)
{
  const gint32 layer = gimp_layer_new (image, name, (gint) pixels->shape[3], (gint) pixels->shape[2],
                                       layer_type ((int) pixels->shape[1]), opacity, GIMP_LAYER_MODE_NORMAL);
  if (layer < 0 || !gimp_image_insert_layer (image, layer, gimp_item_get_parent (below),
                                             gimp_image_get_item_position (image, below)))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not add the layer \"%s\""), name);
      return -1;
    }
  gint x, y;
  gimp_drawable_offsets (below, &x, &y);
  gimp_layer_set_offsets (layer, x, y);
  /* GIMP 2.10 composites a normal layer in linear light by default; the engine (the command line's output, the
   * previews) composites the sRGB values, so a half-transparent shadow or edge would look different in GIMP. */
  gimp_layer_set_composite_space (layer, GIMP_LAYER_COLOR_SPACE_RGB_PERCEPTUAL);
  return atelier_drawable_write (layer, pixels, error) ? layer : -1;
}

/* @pixels (1, 1, h, w) as @layer's new mask. */
static gboolean
add_mask (gint32 layer, const AtelierTensor *pixels, GError **error)
{
  const gint32 mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_WHITE);
  if (mask < 0 || !gimp_layer_add_mask (layer, mask))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not add the layer mask"));
      return FALSE;
    }
  return atelier_drawable_write (mask, pixels, error);
}

static gboolean
open_as_image (const AtelierFilterPicture *picture, GimpRunMode mode, GError **error)
{
  const AtelierTensor *pixels = picture->pixels;
  const int channels = (int) pixels->shape[1];
  const gint w = (gint) pixels->shape[3], h = (gint) pixels->shape[2];
  const gint32 image = gimp_image_new (w, h, channels >= 3 ? GIMP_RGB : GIMP_GRAY);
  const gint32 layer = gimp_layer_new (image, picture->title, w, h, layer_type (channels), 100, GIMP_LAYER_MODE_NORMAL);
  gimp_image_insert_layer (image, layer, 0, 0);
  if (!atelier_drawable_write (layer, pixels, error))
    {
      gimp_image_delete (image);
      return FALSE;
    }
  gimp_image_clean_all (image);
  if (mode != GIMP_RUN_NONINTERACTIVE)
    gimp_display_new (image);
  return TRUE;
}

/* ------------------------------------------------- one per output kind */

/* The canvas and every layer by GIMP's best interpolation first, then the results into their layers. */
static gboolean
apply_replace (gint32 image, GArray *layers, GPtrArray *outputs, GError **error)
{
  const AtelierFilterOutput *first = outputs->pdata[0];
  const gint width = gimp_drawable_width (g_array_index (layers, gint32, 0));
  const int scale = (int) (first->pixels->shape[3] / MAX (width, 1));
  gboolean ok = TRUE;
  if (scale > 1)
    {
      gimp_context_push ();
      gimp_context_set_interpolation (GIMP_INTERPOLATION_NOHALO);
      ok = gimp_image_scale (image, gimp_image_width (image) * scale, gimp_image_height (image) * scale);
      gimp_context_pop ();
      if (!ok)
        g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not scale the image"));
    }
  for (guint i = 0; ok && i < layers->len; i++)
    ok = atelier_drawable_write (g_array_index (layers, gint32, i),
                                 ((const AtelierFilterOutput *) outputs->pdata[i])->pixels, error);
  return ok;
}

/* A result of @height x @width on a canvas of its own (Extend Canvas, Replace Background's square) changes the
 * image's canvas by as much as it differs from the source, everything moved so that the source's corner lies
 * canvas_offset into the result (a negative offset crops). */
static gboolean
fit_canvas (gint32 image, gint32 source, gint64 height, gint64 width, const AtelierFilterOutput *out, GError **error)
{
  const gint grow_w = (gint) width - gimp_drawable_width (source);
  const gint grow_h = (gint) height - gimp_drawable_height (source);
  if (grow_w == 0 && grow_h == 0 && out->canvas_offset[0] == 0 && out->canvas_offset[1] == 0)
    return TRUE;
  if (!gimp_image_resize (image, gimp_image_width (image) + grow_w, gimp_image_height (image) + grow_h,
                          (gint) out->canvas_offset[1], (gint) out->canvas_offset[0]))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not enlarge the canvas"));
      return FALSE;
    }
  return TRUE;
}

/* @layer where the result's corner lies: canvas_offset before the source's. */
static void
place_on_canvas (gint32 layer, gint32 source, const AtelierFilterOutput *out)
{
  gint x, y;
  gimp_drawable_offsets (source, &x, &y);
  gimp_layer_set_offsets (layer, x - (gint) out->canvas_offset[1], y - (gint) out->canvas_offset[0]);
}

static gboolean
apply_new_layer (const AtelierFilterInfo *info, gint32 image, gint32 source, const AtelierFilterOutput *out,
                 GArray *added, GError **error)
{
  if (!fit_canvas (image, source, out->pixels->shape[2], out->pixels->shape[3], out, error))
    return FALSE;
  const gint32 layer = add_layer_above (image, source, _(info->new_layer_name), 100, out->pixels, error);
  if (layer < 0)
    return FALSE;
  place_on_canvas (layer, source, out);
  g_array_append_val (added, layer);
  return TRUE;
}

/* How the result combines with the selection there is: the CHOICE the description names, replace without one. */
static GimpChannelOps
selection_operation (const AtelierFilterInfo *info, const AtelierFilterValues *values)
{
  static const struct
  {
    const char *nick;
    GimpChannelOps operation;
  } operations[] = {
    { "add", GIMP_CHANNEL_OP_ADD },
    { "subtract", GIMP_CHANNEL_OP_SUBTRACT },
    { "intersect", GIMP_CHANNEL_OP_INTERSECT },
  };
  const char *nick = info->selection_mode_param ? atelier_filter_values_get_choice (values, info->selection_mode_param)
                                                : "replace";
  for (gsize i = 0; i < G_N_ELEMENTS (operations); i++)
    if (strcmp (nick, operations[i].nick) == 0)
      return operations[i].operation;
  return GIMP_CHANNEL_OP_REPLACE;
}

/* The result itself (not the combined selection) as the layer's new mask, when the values ask for one. */
static gboolean
add_layer_mask (const AtelierFilterInfo *info, const AtelierFilterValues *values, gint32 source,
                const AtelierFilterOutput *out, GError **error)
{
  if (info->layer_mask_param == NULL || atelier_filter_values_get (values, info->layer_mask_param) == 0.0)
    return TRUE;
  return add_mask (source, out->pixels, error);
}

/* A menu label as an item's name: "Select _Subject..." -> "Select Subject". */
static char *
name_from_menu_label (const char *label)
{
  GString *name = g_string_new (NULL);
  for (const char *c = label; *c != '\0'; c++)
    if (*c != '_')
      g_string_append_c (name, *c);
  while (name->len > 0 && (name->str[name->len - 1] == '.' || g_str_has_suffix (name->str, "…")))
    g_string_truncate (name, name->str[name->len - 1] == '.' ? name->len - 1 : name->len - strlen ("…"));
  return g_string_free (name, FALSE);
}

/* The result as a channel of its own (kept, so it can be loaded again), which becomes or changes the selection;
 * optionally also the layer's mask. */
/* A channel @name of @pixels (1, 1, h, w) over @source, on top of the channels; its id, or -1 with @error. */
static gint32
add_channel (gint32 image, gint32 source, const char *name, const AtelierTensor *pixels, GError **error)
{
  const gint32 channel = gimp_channel_new (image, name, gimp_drawable_width (source),
                                           gimp_drawable_height (source), 100, &(GimpRGB) { 0, 0, 0, 1 });
  if (channel < 0 || !gimp_image_insert_channel (image, channel, 0, 0))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not add the channel"));
      return -1;
    }
  gint x, y;
  gimp_drawable_offsets (source, &x, &y);
  gimp_item_transform_translate (channel, x, y);
  return atelier_drawable_write (channel, pixels, error) ? channel : -1;
}

static gboolean
apply_selection (const AtelierFilterInfo *info, const AtelierFilterValues *values, gint32 image, gint32 source,
                 const AtelierFilterOutput *out, GError **error)
{
  g_autofree char *name = name_from_menu_label (_(info->menu_label));
  const gint32 channel = add_channel (image, source, name, out->pixels, error);
  return channel >= 0 && gimp_image_select_item (image, selection_operation (info, values), channel)
         && add_layer_mask (info, values, source, out, error);
}

/* The layers in order, each right above the one before (the first above the source), with their masks and
 * visibility; the images opened. */
static gboolean
apply_pictures (gint32 image, gint32 source, const AtelierFilterOutput *out, GimpRunMode mode, GArray *added,
                GError **error)
{
  gint32 below = source;
  for (guint i = 0; i < out->pictures->len; i++)
    {
      const AtelierFilterPicture *picture = out->pictures->pdata[i];
      if (picture->place == ATELIER_PICTURE_IMAGE)
        {
          if (!open_as_image (picture, mode, error))
            return FALSE;
          continue;
        }
      if (picture->place == ATELIER_PICTURE_CHANNEL)
        {
          if (add_channel (image, source, picture->title, picture->pixels, error) < 0)
            return FALSE;
          continue;
        }
      below = add_layer_above (image, below, picture->title, picture->opacity, picture->pixels, error);
      if (below < 0 || (picture->mask != NULL && !add_mask (below, picture->mask, error)))
        return FALSE;
      place_on_canvas (below, source, out);
      gimp_item_set_visible (below, !picture->hidden);
      g_array_append_val (added, below);
    }
  return TRUE;
}

/* The image's metadata gets the record of this run, so that GIMP's own export writes it (its metadata options
 * on, the default). It never stops a run: the layers are already in place, and the message says what failed. */
static void
record_provenance (gint32 image, const AtelierFilterValues *values, const AtelierFilterOutput *out)
{
  GimpMetadata *metadata = gimp_image_get_metadata (image);
  if (metadata == NULL)
    metadata = gimp_metadata_new ();
  g_autofree char *parameters = atelier_filter_values_record (values, out);
  const AtelierProvenanceEvent event = { out->digital_source, "edited", parameters, NULL };
  g_autoptr (GError) error = NULL;
  if (!atelier_provenance_stamp (GEXIV2_METADATA (metadata), &event, &error) || !gimp_image_set_metadata (image, metadata))
    g_message (_("Atelier could not record how the image was changed in its metadata: %s"),
               error ? error->message : _("GIMP refused the metadata"));
  g_object_unref (metadata);
}

/* The settings that regenerate the result, on each layer the run added (or on the image when it added none), so
 * that they stay with what they made in an XCF and leave with it on undo. */
static gboolean
attach_settings (gint32 image, GArray *added, const char *settings, GError **error)
{
  if (settings == NULL)
    return TRUE;
  GimpParasite *parasite = gimp_parasite_new (ATELIER_SETTINGS_PARASITE,
                                              GIMP_PARASITE_PERSISTENT | GIMP_PARASITE_UNDOABLE,
                                              (guint32) strlen (settings) + 1, settings);
  gboolean ok = added->len > 0 || gimp_image_attach_parasite (image, parasite);
  for (guint i = 0; ok && i < added->len; i++)
    ok = gimp_item_attach_parasite (g_array_index (added, gint32, i), parasite);
  gimp_parasite_free (parasite);
  if (!ok)
    g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, _("GIMP could not store the settings"));
  return ok;
}

/* Everything the run changes in one undo group, so that one undo takes it all back. */
static gboolean
apply (const AtelierFilterInfo *info, const AtelierFilterValues *values, GimpRunMode mode, gint32 image,
       GArray *layers, GPtrArray *outputs, GError **error)
{
  const gint32 source = g_array_index (layers, gint32, 0);
  const AtelierFilterOutput *out = outputs->pdata[0];
  g_autoptr (GArray) added = g_array_new (FALSE, FALSE, sizeof (gint32));
  gimp_image_undo_group_start (image);
  gboolean ok = TRUE;
  switch (info->output)
    {
    case ATELIER_OUTPUT_REPLACE:
      ok = apply_replace (image, layers, outputs, error);
      break;
    case ATELIER_OUTPUT_NEW_LAYER:
      ok = apply_new_layer (info, image, source, out, added, error);
      break;
    case ATELIER_OUTPUT_SELECTION:
      ok = apply_selection (info, values, image, source, out, error);
      break;
    case ATELIER_OUTPUT_LAYERS:
      {
        const AtelierFilterPicture *first = out->pictures->len > 0 ? out->pictures->pdata[0] : NULL;
        ok = first == NULL || fit_canvas (image, source, first->pixels->shape[2], first->pixels->shape[3], out, error);
      }
      break;
    case ATELIER_OUTPUT_REPORT:
      break;
    }
  ok = ok && apply_pictures (image, source, out, mode, added, error) && attach_settings (image, added, out->settings, error);
  if (ok && out->hide_source)
    gimp_item_set_visible (source, FALSE);
  if (ok && info->output != ATELIER_OUTPUT_REPORT && info->output != ATELIER_OUTPUT_SELECTION)
    record_provenance (image, values, out);
  gimp_image_undo_group_end (image);
  return ok;
}

/* ---------------------------------------------------------- the results */

static void
fill_results (const AtelierFilterOutput *out, GimpParam *results)
{
  static char texts[ATELIER_PDB_MAX_RESULTS][256];
  int r = 0;
  for (int i = 0; i < out->info->n_results; i++)
    {
      const AtelierResultValue *v = &out->results[i];
      switch (out->info->results[i].type)
        {
        case ATELIER_RESULT_DOUBLE:
          results[r++].data.d_float = v->number;
          break;
        case ATELIER_RESULT_INT:
        case ATELIER_RESULT_BOOLEAN:
          results[r++].data.d_int32 = (gint32) v->number;
          break;
        case ATELIER_RESULT_STRING:
          g_strlcpy (texts[r], v->text ? v->text : "", sizeof texts[r]);
          results[r].data.d_string = texts[r];
          r++;
          break;
        case ATELIER_RESULT_TEXTS:
        case ATELIER_RESULT_NUMBERS:
          break; /* lists are read in the message, not returned */
        }
    }
}

gboolean
atelier_plugin_action_run (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                           GimpRunMode mode, gint32 image, gint32 drawable, GimpParam *results, GError **error)
{
  const AtelierFilterInfo *info = atelier_filter_get_info (filter);
  if (!check_source (info, values, image, drawable, error))
    return FALSE;
  g_autoptr (GArray) layers = source_layers (values, image, drawable);
  g_autoptr (GPtrArray) outputs = g_ptr_array_new_with_free_func ((GDestroyNotify) atelier_filter_output_free);
  for (guint i = 0; i < layers->len; i++)
    {
      AtelierFilterOutput *out = run_on_layer (filter, ctx, values, image, g_array_index (layers, gint32, i), error);
      if (out == NULL)
        return FALSE;
      g_ptr_array_add (outputs, out);
    }
  if (!apply (info, values, mode, image, layers, outputs, error))
    return FALSE;
  const AtelierFilterOutput *out = outputs->pdata[0];
  fill_results (out, results);
  if (mode != GIMP_RUN_NONINTERACTIVE && info->n_results > 0)
    {
      g_autofree char *report = atelier_filter_output_describe (out);
      gimp_message (report);
    }
  return TRUE;
}
