/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What a filter run produces: pixels, the results its description lists, and pictures. */
#include "filters/atelier-filter.h"

#include <string.h>

static void
picture_free (gpointer p)
{
  AtelierFilterPicture *picture = p;
  g_free (picture->title);
  atelier_tensor_free (picture->pixels);
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
  g_free (out);
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

void
atelier_filter_output_add_picture (AtelierFilterOutput *out, const char *name, const char *title,
                                   AtelierPicturePlace place, double opacity, AtelierTensor *pixels)
{
  AtelierFilterPicture *picture = g_new0 (AtelierFilterPicture, 1);
  *picture = (AtelierFilterPicture) { name, g_strdup (title), place, opacity, pixels };
  g_ptr_array_add (out->pictures, picture);
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
