/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-filter.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "filters/atelier-model-cache.h"

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

gboolean
atelier_filter_values_row_unused (const AtelierFilterValues *values, int row)
{
  const char *when = values->info->params[row].unused_when;
  if (when == NULL)
    return FALSE;
  const char *equals = strchr (when, '=');
  g_return_val_if_fail (equals != NULL && equals > when, FALSE);
  const gboolean negated = equals[-1] == '!';
  g_autofree char *name = g_strndup (when, (gsize) (equals - when - negated));
  g_auto (GStrv) nicks = g_strsplit (equals + 1, "|", -1);
  const gboolean chosen = g_strv_contains ((const char *const *) nicks, atelier_filter_values_get_choice (values, name));
  return negated ? !chosen : chosen;
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
  for (int c = 0; c < spec->n_choices; c++)
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

void
atelier_filter_values_get_colour (const AtelierFilterValues *values, const char *name, float rgb[3])
{
  const guint32 packed = (guint32) atelier_filter_values_get (values, name);
  for (int c = 0; c < 3; c++)
    rgb[c] = (float) ((packed >> (16 - 8 * c)) & 0xff) / 255.0f;
}

gboolean
atelier_colour_parse (const char *text, double *value, GError **error)
{
  const char *hex = text[0] == '#' ? text + 1 : text;
  gboolean ok = strlen (hex) == 6;
  for (int i = 0; ok && i < 6; i++)
    ok = g_ascii_isxdigit (hex[i]);
  if (!ok)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "\"%s\" is not a colour: write it as #rrggbb",
                   text);
      return FALSE;
    }
  *value = (double) g_ascii_strtoull (hex, NULL, 16);
  return TRUE;
}

char *
atelier_colour_format (double value)
{
  return g_strdup_printf ("#%06x", (guint32) value);
}

/* @text in the reader's language when @translate, else as written (messages and the PDB stay English). */
static const char *
phrase (gboolean translate, const char *text)
{
  return translate ? atelier_i18n (text) : text;
}

/* "2, 3, 4 or 8": takes @items. */
static char *
join_alternatives (GPtrArray *items, gboolean translate)
{
  g_autoptr (GPtrArray) owned = items;
  if (owned->len == 1)
    return g_strdup (owned->pdata[0]);
  g_autofree char *last = g_strdup (owned->pdata[owned->len - 1]);
  g_ptr_array_set_size (owned, owned->len - 1);
  g_ptr_array_add (owned, NULL);
  g_autofree char *head = g_strjoinv (", ", (char **) owned->pdata);
  return g_strdup_printf (phrase (translate, ATELIER_N_ ("%s or %s")), head, last);
}

static char *
describe_range (const AtelierParamSpec *spec, gboolean translate)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_free);
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (spec->allowed == NULL)
        break;
      for (int i = 0; i < spec->n_allowed; i++)
        g_ptr_array_add (items, g_strdup_printf ("%d", spec->allowed[i]));
      return join_alternatives (items, translate);
    case ATELIER_PARAM_DOUBLE:
      break;
    case ATELIER_PARAM_BOOLEAN:
      g_ptr_array_add (items, g_strdup ("0"));
      g_ptr_array_add (items, g_strdup ("1"));
      return join_alternatives (items, translate);
    case ATELIER_PARAM_CHOICE:
      for (int i = 0; i < spec->n_choices; i++)
        g_ptr_array_add (items, g_strdup (spec->choices[i].nick));
      return join_alternatives (items, translate);
    case ATELIER_PARAM_COLOUR:
      g_ptr_array_unref (items);
      return g_strdup (phrase (translate, ATELIER_N_ ("a colour #rrggbb")));
    }
  g_ptr_array_unref (items);
  const int digits = spec->type == ATELIER_PARAM_DOUBLE ? spec->digits : 0;
  g_autofree char *min = g_strdup_printf ("%.*f", digits, spec->min);
  g_autofree char *max = g_strdup_printf ("%.*f", digits, spec->max);
  return g_strdup_printf (phrase (translate, ATELIER_N_ ("%s to %s")), min, max);
}

char *
atelier_param_describe_range (const AtelierParamSpec *spec)
{
  return describe_range (spec, FALSE);
}

char *
atelier_param_describe_range_translated (const AtelierParamSpec *spec)
{
  return describe_range (spec, TRUE);
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
          for (int i = 0; i < spec->n_allowed; i++)
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
      return v == floor (v) && v >= 0 && v < spec->n_choices;
    case ATELIER_PARAM_COLOUR:
      return v == floor (v) && v >= 0 && v <= 0xffffff;
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

char *
atelier_filter_values_describe (const AtelierFilterValues *values, const AtelierFilterOutput *out)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < values->info->n_params; i++)
    {
      /* A row another choice makes meaningless (steps under fast sampling) would claim a setting that did not
       * shape the result. */
      if (atelier_filter_values_row_unused (values, i))
        continue;
      const AtelierParamSpec *spec = &values->info->params[i];
      const double v = values->values[i];
      g_string_append_printf (s, "%s%s ", s->len ? ", " : "", spec->name);
      const char *decided = out && out->decided ? g_hash_table_lookup (out->decided, spec->name) : NULL;
      if (decided != NULL)
        {
          g_string_append (s, decided);
          continue;
        }
      switch (spec->type)
        {
        case ATELIER_PARAM_INT:
          g_string_append_printf (s, "%.0f", v);
          break;
        case ATELIER_PARAM_DOUBLE:
          g_string_append_printf (s, "%.*f", spec->digits, v);
          break;
        case ATELIER_PARAM_BOOLEAN:
          g_string_append (s, v ? "on" : "off");
          break;
        case ATELIER_PARAM_CHOICE:
          g_string_append (s, spec->choices[(int) v].nick);
          break;
        case ATELIER_PARAM_COLOUR:
          g_string_append_printf (s, "#%06x", (guint32) v);
          break;
        }
    }
  return g_string_free (s, FALSE);
}

char *
atelier_filter_values_record (const AtelierFilterValues *values, const AtelierFilterOutput *out)
{
  g_autofree char *settings = atelier_filter_values_describe (values, out);
  return g_strdup_printf ("%s: %s", values->info->name, settings);
}

/* ------------------------------------------------------------ instances */

struct _AtelierFilter
{
  gint refs;
  const AtelierFilterInfo *info;
  AtelierModelCache *models;
};

AtelierFilter *
atelier_filter_new (const AtelierFilterInfo *info)
{
  AtelierFilter *filter = g_new0 (AtelierFilter, 1);
  filter->refs = 1;
  filter->info = info;
  filter->models = atelier_model_cache_new ();
  return filter;
}

AtelierFilter *
atelier_filter_ref (AtelierFilter *filter)
{
  g_atomic_int_inc (&filter->refs);
  return filter;
}

void
atelier_filter_unref (AtelierFilter *filter)
{
  if (filter == NULL || !g_atomic_int_dec_and_test (&filter->refs))
    return;
  atelier_model_cache_free (filter->models);
  g_free (filter);
}

const AtelierFilterInfo *
atelier_filter_get_info (const AtelierFilter *filter)
{
  return filter->info;
}

AtelierModelCache *
atelier_filter_get_models (AtelierFilter *filter)
{
  return filter->models;
}

static gboolean
selection_is_empty (const AtelierTensor *selection)
{
  for (int64_t i = 0; selection != NULL && i < atelier_tensor_numel (selection); i++)
    if (selection->data[i] > 0.0f)
      return FALSE;
  return TRUE;
}

static gboolean
check_input (const AtelierFilterInfo *info, const AtelierFilterInput *in, GError **error)
{
  if (!atelier_planes_check (in->image, "the image", error))
    return FALSE;
  /* Only a 32-bit float layer can hold them; a network would spread them over the result (Select Subject then
   * reported "no subject" on a photograph with one NaN pixel), so every filter refuses them alike. */
  if (!atelier_tensor_all_finite (in->image))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "the image holds NaN or infinite values (a 32-bit floating-point layer?): replace them "
                           "with numbers first");
      return FALSE;
    }
  if (in->selection != NULL
      && !atelier_tensor_check_shape (in->selection, "selection", 4,
                                      (const int64_t[]) { 1, 1, in->image->shape[2], in->image->shape[3] }, error))
    return FALSE;
  if (info->needs_selection && selection_is_empty (in->selection))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "the selection is empty: select the area to fill");
      return FALSE;
    }
  /* A front end passes no selection rather than an empty one; an empty mask file is a mistake, not "find it". */
  if (info->uses_selection && in->selection != NULL && selection_is_empty (in->selection))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "%s: the selection (mask) is empty: select the subject, or leave it out to have it found",
                   info->name);
      return FALSE;
    }
  return TRUE;
}

gboolean
atelier_filter_run (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                    const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  g_return_val_if_fail (values->info == filter->info && out->info == filter->info, FALSE);
  return atelier_filter_values_validate (values, error) && check_input (filter->info, in, error)
         && filter->info->run (ctx, filter->models, values, in, out, error);
}

AtelierFilterOutput *
atelier_filter_apply (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                      const AtelierFilterInput *in, GError **error)
{
  g_autoptr (AtelierFilterOutput) out = atelier_filter_output_new (filter->info);
  return atelier_filter_run (filter, ctx, values, in, out, error) ? g_steal_pointer (&out) : NULL;
}

/* ------------------------------------------------------------- registry */

/* engine/meson.build lists the filters (one name each) and passes them as
 * ATELIER_FILTERS, a list of ATELIER_FILTER (name): adding a filter is its
 * file and that line, no header and no table here. */
#define ATELIER_FILTER(name) extern const AtelierFilterInfo atelier_filter_##name;
ATELIER_FILTERS
#undef ATELIER_FILTER

const AtelierFilterInfo *const *
atelier_filters (int *count)
{
#define ATELIER_FILTER(name) &atelier_filter_##name,
  static const AtelierFilterInfo *const filters[] = { ATELIER_FILTERS };
#undef ATELIER_FILTER
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
