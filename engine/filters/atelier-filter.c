/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-filter.h"

#include "core/atelier-error.h"
#include "filters/atelier-filter-detect.h"
#include "filters/atelier-filter-inpaint.h"
#include "filters/atelier-filter-upscale.h"
#include "pipelines/atelier-selection.h"

#include <math.h>
#include <string.h>

AtelierFilterValues *
atelier_filter_values_new (const AtelierFilterInfo *info)
{
  AtelierFilterValues *v = g_new0 (AtelierFilterValues, 1);
  v->info = info;
  v->values = g_new0 (double, MAX (info->n_params, 1));
  for (int i = 0; i < info->n_params; i++)
    v->values[i] = info->params[i].default_value;
  return v;
}

AtelierFilterValues *
atelier_filter_values_copy (const AtelierFilterValues *values)
{
  AtelierFilterValues *v = atelier_filter_values_new (values->info);
  memcpy (v->values, values->values, sizeof (double) * values->info->n_params);
  return v;
}

void
atelier_filter_values_free (AtelierFilterValues *values)
{
  if (values == NULL)
    return;
  g_free (values->values);
  g_free (values);
}

int
atelier_filter_param_index (const AtelierFilterInfo *info, const char *name)
{
  for (int i = 0; i < info->n_params; i++)
    if (strcmp (info->params[i].name, name) == 0)
      return i;
  return -1;
}

double
atelier_filter_values_get (const AtelierFilterValues *values, const char *name)
{
  int i = atelier_filter_param_index (values->info, name);
  g_return_val_if_fail (i >= 0, 0.0);
  return values->values[i];
}

int
atelier_filter_values_get_int (const AtelierFilterValues *values, const char *name)
{
  return (int) lround (atelier_filter_values_get (values, name));
}

const char *
atelier_filter_values_get_choice (const AtelierFilterValues *values, const char *name)
{
  int i = atelier_filter_param_index (values->info, name);
  g_return_val_if_fail (i >= 0 && values->info->params[i].type == ATELIER_PARAM_CHOICE, NULL);
  return values->info->params[i].choices[(int) values->values[i]].nick;
}

static gboolean
unknown_param (const AtelierFilterInfo *info, const char *name, GError **error)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s has no parameter \"%s\"", info->name, name);
  return FALSE;
}

gboolean
atelier_filter_values_set (AtelierFilterValues *values, const char *name, double value, GError **error)
{
  int i = atelier_filter_param_index (values->info, name);
  if (i < 0)
    return unknown_param (values->info, name, error);
  values->values[i] = value;
  return TRUE;
}

gboolean
atelier_filter_values_set_choice (AtelierFilterValues *values, const char *name, const char *nick, GError **error)
{
  int i = atelier_filter_param_index (values->info, name);
  if (i < 0)
    return unknown_param (values->info, name, error);
  const AtelierParamSpec *spec = &values->info->params[i];
  for (int c = 0; spec->choices && spec->choices[c].nick; c++)
    if (g_strcmp0 (spec->choices[c].nick, nick) == 0)
      {
        values->values[i] = c;
        return TRUE;
      }
  g_autofree char *range = atelier_param_describe_range (spec);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s: %s must be %s, not \"%s\"",
               values->info->name, spec->name, range, nick);
  return FALSE;
}

static int
choice_count (const AtelierParamSpec *spec)
{
  int n = 0;
  while (spec->choices && spec->choices[n].nick)
    n++;
  return n;
}

char *
atelier_param_describe_range (const AtelierParamSpec *spec)
{
  GString *s = g_string_new (NULL);
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (spec->allowed != NULL)
        for (int i = 0; spec->allowed[i]; i++)
          g_string_append_printf (s, "%s%d", i == 0 ? "" : spec->allowed[i + 1] ? ", " : " or ", spec->allowed[i]);
      else
        g_string_append_printf (s, "%.0f to %.0f", spec->min, spec->max);
      break;
    case ATELIER_PARAM_DOUBLE:
      g_string_append_printf (s, "%.*f to %.*f", spec->digits, spec->min, spec->digits, spec->max);
      break;
    case ATELIER_PARAM_BOOLEAN:
      g_string_append (s, "0 or 1");
      break;
    case ATELIER_PARAM_CHOICE:
      {
        int n = choice_count (spec);
        for (int i = 0; i < n; i++)
          g_string_append_printf (s, "%s%s", i == 0 ? "" : i + 1 < n ? ", " : " or ", spec->choices[i].nick);
        break;
      }
    }
  return g_string_free (s, FALSE);
}

static gboolean
value_is_valid (const AtelierParamSpec *spec, double v)
{
  if (!isfinite (v))
    return FALSE;
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (v != floor (v))
        return FALSE;
      if (spec->allowed != NULL)
        {
          for (int i = 0; spec->allowed[i]; i++)
            if ((int) v == spec->allowed[i])
              return TRUE;
          return FALSE;
        }
      return v >= spec->min && v <= spec->max;
    case ATELIER_PARAM_DOUBLE:
      return v >= spec->min && v <= spec->max;
    case ATELIER_PARAM_BOOLEAN:
      return v == 0.0 || v == 1.0;
    case ATELIER_PARAM_CHOICE:
      return v == floor (v) && v >= 0 && v < choice_count (spec);
    }
  return FALSE;
}

gboolean
atelier_filter_values_validate (const AtelierFilterValues *values, GError **error)
{
  for (int i = 0; i < values->info->n_params; i++)
    {
      const AtelierParamSpec *spec = &values->info->params[i];
      if (!value_is_valid (spec, values->values[i]))
        {
          g_autofree char *range = atelier_param_describe_range (spec);
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s: %s must be %s, not %g",
                       values->info->name, spec->name, range, values->values[i]);
          return FALSE;
        }
    }
  return TRUE;
}

const AtelierFilterInfo *const *
atelier_filters (int *count)
{
  static const AtelierFilterInfo *const filters[] = { &atelier_filter_upscale, &atelier_filter_inpaint,
                                                        &atelier_filter_detect };
  *count = G_N_ELEMENTS (filters);
  return filters;
}

const AtelierFilterInfo *
atelier_filter_find (const char *name)
{
  int n;
  const AtelierFilterInfo *const *all = atelier_filters (&n);
  for (int i = 0; i < n; i++)
    if (strcmp (all[i]->name, name) == 0)
      return all[i];
  return NULL;
}

/* A window of region_side around the selection's centre (the layer's when nothing is selected), kept inside
 * the source. */
static void
window_area (const AtelierFilterPreview *preview, int64_t height, int64_t width, const AtelierTensor *selection,
             int64_t area[4])
{
  int64_t bounds[4] = { 0, 0, height, width };
  if (selection != NULL)
    atelier_selection_bounds (selection, bounds);
  const int64_t h = MIN (preview->region_side, height), w = MIN (preview->region_side, width);
  area[0] = CLAMP (bounds[0] + bounds[2] / 2 - h / 2, 0, height - h);
  area[1] = CLAMP (bounds[1] + bounds[3] / 2 - w / 2, 0, width - w);
  area[2] = h;
  area[3] = w;
}

gboolean
atelier_filter_preview_area (const AtelierFilterPreview *preview, int64_t height, int64_t width,
                             const AtelierTensor *selection, int64_t area[4], double *scale, GError **error)
{
  if (height < 1 || width < 1)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "nothing to preview in an empty image");
      return FALSE;
    }
  switch (preview->region)
    {
    case ATELIER_PREVIEW_WINDOW:
      window_area (preview, height, width, selection, area);
      *scale = 1.0;
      return TRUE;
    case ATELIER_PREVIEW_SELECTION:
      if (selection == NULL)
        {
          g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "the selection is empty: select the area to fill");
          return FALSE;
        }
      if (!atelier_selection_context_box (selection, -1, area, error))
        return FALSE;
      *scale = MIN (1.0, (double) preview->region_side / (double) MAX (area[2], area[3]));
      return TRUE;
    }
  g_assert_not_reached ();
}
