/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a filter run produces: pixels, the results its description lists, pictures and its settings. */
#include "filters/atelier-filter.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "core/atelier-image-planes.h"
#include "model/atelier-manifest.h"
#include "model/atelier-model-path.h"

static void
picture_free (gpointer p)
{
  AtelierFilterPicture *picture = p;
  g_free (picture->title);
  atelier_tensor_free (picture->pixels);
  atelier_tensor_free (picture->mask);
  g_free (picture);
}

AtelierFilterOutput *
atelier_filter_output_new (const AtelierFilterInfo *info)
{
  AtelierFilterOutput *out = g_new0 (AtelierFilterOutput, 1);
  out->info = info;
  out->digital_source = info->digital_source;
  out->results = g_new0 (AtelierResultValue, MAX (info->n_results, 1));
  out->pictures = g_ptr_array_new_with_free_func (picture_free);
  return out;
}

void
atelier_filter_output_free (AtelierFilterOutput *out)
{
  if (out == NULL)
    return;
  for (int i = 0; i < out->info->n_results; i++)
    {
      g_free (out->results[i].text);
      if (out->results[i].texts != NULL)
        g_ptr_array_unref (out->results[i].texts);
      if (out->results[i].numbers != NULL)
        g_array_unref (out->results[i].numbers);
    }
  g_free (out->results);
  g_ptr_array_unref (out->pictures);
  atelier_tensor_free (out->pixels);
  g_free (out->settings);
  if (out->decided != NULL)
    g_hash_table_unref (out->decided);
  g_free (out);
}

void
atelier_filter_output_decide (AtelierFilterOutput *out, const char *row, const char *value)
{
  g_return_if_fail (atelier_filter_param_index (out->info, row) >= 0);
  if (out->decided == NULL)
    out->decided = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_replace (out->decided, g_strdup (row), g_strdup (value));
}

static int
result_index (const AtelierFilterInfo *info, const char *name)
{
  for (int i = 0; i < info->n_results; i++)
    if (strcmp (info->results[i].name, name) == 0)
      return i;
  return -1;
}

AtelierResultValue *
atelier_filter_output_result (AtelierFilterOutput *out, const char *name)
{
  const int i = result_index (out->info, name);
  g_return_val_if_fail (i >= 0, NULL);
  return &out->results[i];
}

const AtelierResultValue *
atelier_filter_output_get (const AtelierFilterOutput *out, const char *name)
{
  const int i = result_index (out->info, name);
  g_return_val_if_fail (i >= 0, NULL);
  return &out->results[i];
}

void
atelier_filter_output_set_number (AtelierFilterOutput *out, const char *name, double number)
{
  atelier_filter_output_result (out, name)->number = number;
}

void
atelier_filter_output_set_text (AtelierFilterOutput *out, const char *name, const char *text, const char *shown)
{
  AtelierResultValue *v = atelier_filter_output_result (out, name);
  g_free (v->text);
  v->text = g_strdup (text);
  v->shown = shown;
}

void
atelier_filter_output_add_text (AtelierFilterOutput *out, const char *name, const char *text)
{
  AtelierResultValue *v = atelier_filter_output_result (out, name);
  if (v->texts == NULL)
    v->texts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (v->texts, g_strdup (text));
}

void
atelier_filter_output_add_number (AtelierFilterOutput *out, const char *name, double number)
{
  AtelierResultValue *v = atelier_filter_output_result (out, name);
  if (v->numbers == NULL)
    v->numbers = g_array_new (FALSE, FALSE, sizeof (double));
  g_array_append_val (v->numbers, number);
}

AtelierFilterPicture *
atelier_filter_output_add_picture (AtelierFilterOutput *out, const char *name, const char *title,
                                   AtelierPicturePlace place, double opacity, AtelierTensor *pixels)
{
  AtelierFilterPicture *picture = g_new0 (AtelierFilterPicture, 1);
  *picture = (AtelierFilterPicture) { .name = name, .title = g_strdup (title), .place = place, .opacity = opacity,
                                      .pixels = pixels };
  g_ptr_array_add (out->pictures, picture);
  return picture;
}

/* ------------------------------------------------------------ settings */

static JsonNode *
value_node (const AtelierParamSpec *spec, double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      json_node_set_int (node, (gint64) value);
      break;
    case ATELIER_PARAM_DOUBLE:
      json_node_set_double (node, value);
      break;
    case ATELIER_PARAM_BOOLEAN:
      json_node_set_boolean (node, value != 0.0);
      break;
    case ATELIER_PARAM_CHOICE:
      json_node_set_string (node, spec->choices[(int) value].nick);
      break;
    case ATELIER_PARAM_COLOUR:
      {
        g_autofree char *colour = atelier_colour_format (value);
        json_node_set_string (node, colour);
      }
      break;
    }
  return node;
}

void
atelier_filter_output_set_settings (AtelierFilterOutput *out, const AtelierFilterValues *values, const char *extra)
{
  g_autoptr (JsonObject) settings = json_object_new ();
  JsonObject *params = json_object_new ();
  for (int i = 0; i < values->info->n_params; i++)
    json_object_set_member (params, values->info->params[i].name,
                            value_node (&values->info->params[i], values->values[i]));
  json_object_set_string_member (settings, "filter", values->info->name);
  json_object_set_string_member (settings, "version", ATELIER_VERSION);
  json_object_set_object_member (settings, "values", params);
  /* The values regenerate the result; what the run decided in their place is said beside them, for people. */
  if (out->decided != NULL)
    {
      JsonObject *decided = json_object_new ();
      for (int i = 0; i < values->info->n_params; i++)
        {
          const char *value = g_hash_table_lookup (out->decided, values->info->params[i].name);
          if (value != NULL)
            json_object_set_string_member (decided, values->info->params[i].name, value);
        }
      json_object_set_object_member (settings, "decided", decided);
    }
  g_autoptr (JsonNode) more = extra ? json_from_string (extra, NULL) : NULL;
  g_return_if_fail (extra == NULL || (more != NULL && JSON_NODE_HOLDS_OBJECT (more)));
  if (more != NULL)
    {
      JsonObjectIter members;
      const char *name;
      JsonNode *member;
      json_object_iter_init (&members, json_node_get_object (more));
      while (json_object_iter_next (&members, &name, &member))
        json_object_set_member (settings, name, json_node_copy (member));
    }
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), settings);
  g_free (out->settings);
  out->settings = json_to_string (root, FALSE);
}

char *
atelier_filter_models_json (const char *const *names, GError **error)
{
  g_autoptr (JsonArray) models = json_array_new ();
  for (int i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = atelier_model_find (names[i], error);
      g_autoptr (AtelierManifest) manifest = path ? atelier_manifest_load (path, error) : NULL;
      if (manifest == NULL)
        return NULL;
      JsonObject *model = json_object_new ();
      json_object_set_string_member (model, "name", names[i]);
      json_object_set_string_member (model, "sha256", atelier_manifest_get_sha256 (manifest));
      json_array_add_object_element (models, model);
    }
  g_autoptr (JsonObject) extra = json_object_new ();
  json_object_set_array_member (extra, "models", json_array_ref (models));
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), extra);
  return json_to_string (root, FALSE);
}

/* ------------------------------------------------------------ composite */

static gboolean
all_opaque (const AtelierTensor *image)
{
  g_autoptr (AtelierTensor) alpha = atelier_planes_alpha_view (image);
  for (int64_t i = 0; i < atelier_tensor_numel (alpha); i++)
    if (alpha->data[i] < 1.0f)
      return FALSE;
  return TRUE;
}

AtelierTensor *
atelier_filter_output_composite (const AtelierFilterOutput *out, const AtelierTensor *source, GError **error)
{
  const int channels = (int) source->shape[1], colours = atelier_planes_colours (channels);
  /* With the source hidden the layers make the picture, on their own canvas (Replace Background's square). */
  const AtelierFilterPicture *first = out->pictures->len > 0 ? out->pictures->pdata[0] : NULL;
  const int64_t height = out->hide_source && first ? first->pixels->shape[2] : source->shape[2];
  const int64_t width = out->hide_source && first ? first->pixels->shape[3] : source->shape[3];
  g_autoptr (AtelierTensor) seen = out->hide_source ? atelier_tensor_new_4d (1, colours + 1, height, width, error)
                                                    : atelier_tensor_copy (source, error);
  if (seen == NULL)
    return NULL;
  for (guint i = 0; i < out->pictures->len; i++)
    {
      const AtelierFilterPicture *picture = out->pictures->pdata[i];
      if (picture->place != ATELIER_PICTURE_LAYER || picture->hidden)
        continue;
      if (!atelier_planes_over_in_place (picture->pixels, picture->mask, (float) (picture->opacity / 100.0), seen,
                                         error))
        return NULL;
    }
  /* Alpha the source did not have is dropped when the composite is opaque everywhere, so a JPEG stays one. */
  if (!atelier_planes_have_alpha (channels) && atelier_planes_have_alpha ((int) seen->shape[1]) && all_opaque (seen))
    return atelier_planes_colour (seen, error);
  return g_steal_pointer (&seen);
}

char *
atelier_filter_output_describe (const AtelierFilterOutput *out)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < out->info->n_results; i++)
    {
      const AtelierResultSpec *spec = &out->info->results[i];
      const AtelierResultValue *v = &out->results[i];
      if (spec->label == NULL)
        continue;
      g_string_append_printf (s, "%s%s:", s->len ? "\n" : "", atelier_i18n (spec->label));
      switch (spec->type)
        {
        case ATELIER_RESULT_DOUBLE:
          g_string_append_printf (s, " %.2f", v->number);
          break;
        case ATELIER_RESULT_INT:
          g_string_append_printf (s, " %.0f", v->number);
          break;
        case ATELIER_RESULT_BOOLEAN:
          g_string_append_printf (s, " %s", v->number ? "yes" : "no");
          break;
        case ATELIER_RESULT_STRING:
          g_string_append_printf (s, " %s", v->shown ? atelier_i18n (v->shown) : v->text ? v->text : "");
          break;
        case ATELIER_RESULT_TEXTS:
          for (guint t = 0; v->texts != NULL && t < v->texts->len; t++)
            g_string_append_printf (s, "\n• %s", atelier_i18n (v->texts->pdata[t]));
          break;
        case ATELIER_RESULT_NUMBERS:
          for (guint n = 0; v->numbers != NULL && n < v->numbers->len; n++)
            g_string_append_printf (s, " %.3g", g_array_index (v->numbers, double, n));
          break;
        }
    }
  return g_string_free (s, FALSE);
}
