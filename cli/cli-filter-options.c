/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-filter-options.h"

#include "cli-commands.h"

struct _AtelierCliFilterOptions
{
  const AtelierFilterInfo *info;
  GOptionEntry *entries; /* up to 2 n_params + 1: a boolean has --NAME and --no-NAME */
  int *ints;             /* INT and BOOLEAN storage */
  double *doubles;       /* DOUBLE storage */
  char **strings;        /* CHOICE and COLOUR storage: the nick or #rrggbb, or NULL for the default */
  char **texts;          /* names, help and argument texts of the entries */
};

/* The selection mode and the layer mask act on what a GIMP image holds besides the layer, and a switch for every
 * layer on the image's other layers; a file has none of them, so the command line has no flag for them. */
static gboolean
acts_on_gimp_image (const AtelierFilterInfo *info, const AtelierParamSpec *spec)
{
  return spec->every_layer || g_strcmp0 (spec->name, info->selection_mode_param) == 0
         || g_strcmp0 (spec->name, info->layer_mask_param) == 0;
}

/* What the flag does, in the command line's own words where the description has them. */
static const char *
flag_help (const AtelierParamSpec *spec)
{
  return atelier_i18n (spec->cli_help != NULL ? spec->cli_help : spec->help);
}

AtelierCliFilterOptions *
atelier_cli_filter_options_new (const AtelierFilterInfo *info)
{
  AtelierCliFilterOptions *o = g_new0 (AtelierCliFilterOptions, 1);
  const int n = info->n_params;
  o->info = info;
  o->entries = g_new0 (GOptionEntry, 2 * n + 1);
  o->ints = g_new0 (int, MAX (n, 1));
  o->doubles = g_new0 (double, MAX (n, 1));
  o->strings = g_new0 (char *, MAX (n, 1));
  o->texts = g_new0 (char *, 4 * MAX (n, 1));
  int n_entries = 0;
  for (int i = 0; i < n; i++)
    {
      const AtelierParamSpec *spec = &info->params[i];
      if (acts_on_gimp_image (info, spec))
        {
          o->ints[i] = (int) spec->default_value;
          continue;
        }
      g_autofree char *range = atelier_param_describe_range_translated (spec);
      g_autofree char *fallback = spec->type == ATELIER_PARAM_CHOICE ? g_strdup (spec->choices[(int) spec->default_value].nick)
                                  : spec->type == ATELIER_PARAM_COLOUR ? atelier_colour_format (spec->default_value)
                                  : g_strdup_printf ("%g", spec->default_value);
      GOptionEntry *e = &o->entries[n_entries++];
      e->long_name = spec->name;
      char **text = &o->texts[4 * i];
      if (spec->type == ATELIER_PARAM_BOOLEAN)
        {
          /* A switch, as in every Unix tool: --heat-map turns it on,
           * --no-heat-map off. */
          e->arg = G_OPTION_ARG_NONE;
          e->description = text[0] = g_strdup_printf (spec->default_value ? atelier_i18n ("%s (default on)")
                                                                          : atelier_i18n ("%s (default off)"),
                                                      flag_help (spec));
          o->ints[i] = (int) spec->default_value;
          e->arg_data = &o->ints[i];
          GOptionEntry *off = &o->entries[n_entries++];
          off->long_name = text[1] = g_strconcat ("no-", spec->name, NULL);
          off->flags = G_OPTION_FLAG_REVERSE;
          off->arg = G_OPTION_ARG_NONE;
          off->arg_data = &o->ints[i];
          off->description = text[2] = g_strdup_printf (atelier_i18n ("Turn --%s off"), spec->name);
          continue;
        }
      e->description = text[0] = g_strdup_printf (atelier_i18n ("%s (%s; default %s)"), flag_help (spec), range,
                                                  fallback);
      e->arg_description = text[1] = g_strdup (spec->type == ATELIER_PARAM_CHOICE ? "NAME"
                                               : spec->type == ATELIER_PARAM_COLOUR ? "#RRGGBB" : "N");
      switch (spec->type)
        {
        case ATELIER_PARAM_BOOLEAN:
          g_assert_not_reached ();
        case ATELIER_PARAM_INT:
          e->arg = G_OPTION_ARG_INT;
          o->ints[i] = (int) spec->default_value;
          e->arg_data = &o->ints[i];
          break;
        case ATELIER_PARAM_DOUBLE:
          e->arg = G_OPTION_ARG_DOUBLE;
          o->doubles[i] = spec->default_value;
          e->arg_data = &o->doubles[i];
          break;
        case ATELIER_PARAM_CHOICE:
        case ATELIER_PARAM_COLOUR:
          e->arg = G_OPTION_ARG_STRING;
          e->arg_data = &o->strings[i];
          break;
        }
    }
  return o;
}

void
atelier_cli_filter_options_free (AtelierCliFilterOptions *o)
{
  if (o == NULL)
    return;
  for (int i = 0; i < o->info->n_params; i++)
    g_free (o->strings[i]);
  for (int i = 0; i < 4 * MAX (o->info->n_params, 1); i++)
    g_free (o->texts[i]);
  g_free (o->texts);
  g_free (o->strings);
  g_free (o->ints);
  g_free (o->doubles);
  g_free (o->entries);
  g_free (o);
}

const GOptionEntry *
atelier_cli_filter_options_entries (const AtelierCliFilterOptions *o)
{
  return o->entries;
}

AtelierFilterValues *
atelier_cli_filter_options_values (const AtelierCliFilterOptions *o, GError **error)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (o->info);
  for (int i = 0; i < o->info->n_params; i++)
    {
      const AtelierParamSpec *spec = &o->info->params[i];
      switch (spec->type)
        {
        case ATELIER_PARAM_INT:
        case ATELIER_PARAM_BOOLEAN:
          values->values[i] = o->ints[i];
          break;
        case ATELIER_PARAM_DOUBLE:
          values->values[i] = o->doubles[i];
          break;
        case ATELIER_PARAM_CHOICE:
          if (o->strings[i] != NULL && !atelier_filter_values_set_choice (values, spec->name, o->strings[i], error))
            return NULL;
          break;
        case ATELIER_PARAM_COLOUR:
          if (o->strings[i] != NULL && !atelier_colour_parse (o->strings[i], &values->values[i], error))
            return NULL;
          break;
        }
    }
  return atelier_filter_values_validate (values, error) ? g_steal_pointer (&values) : NULL;
}

AtelierFilterValues *
atelier_cli_filter_parse (const AtelierFilterInfo *info, const GOptionEntry *extra, const char *summary, int *argc,
                          char ***argv, int *status)
{
  g_autoptr (AtelierCliFilterOptions) filter_options = atelier_cli_filter_options_new (info);
  g_autoptr (GOptionContext) context = g_option_context_new (summary);
  g_option_context_add_main_entries (context, atelier_cli_filter_options_entries (filter_options), NULL);
  g_option_context_add_main_entries (context, extra, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *status = atelier_cli_usage_error (error);
      return NULL;
    }
  AtelierFilterValues *values = atelier_cli_filter_options_values (filter_options, &error);
  if (values == NULL)
    *status = atelier_cli_usage_error (error);
  return values;
}
