/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-params.h"

GimpParamDef *
atelier_pdb_params_new (const AtelierFilterInfo *info, int *n_params)
{
  *n_params = ATELIER_PDB_FIXED_ARGS + info->n_params;
  GimpParamDef *defs = g_new0 (GimpParamDef, *n_params);
  defs[0] = (GimpParamDef) { GIMP_PDB_INT32, g_strdup ("run-mode"), g_strdup ("The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }") };
  defs[1] = (GimpParamDef) { GIMP_PDB_IMAGE, g_strdup ("image"), g_strdup ("Input image") };
  defs[2] = (GimpParamDef) { GIMP_PDB_DRAWABLE, g_strdup ("drawable"), g_strdup ("Input drawable") };
  for (int i = 0; i < info->n_params; i++)
    {
      const AtelierParamSpec *spec = &info->params[i];
      g_autofree char *range = atelier_param_describe_range (spec);
      GString *text = g_string_new (spec->help);
      if (spec->type == ATELIER_PARAM_CHOICE)
        {
          g_string_append (text, " {");
          for (int c = 0; c < spec->n_choices; c++)
            g_string_append_printf (text, "%s %s (%d)", c ? "," : "", spec->choices[c].nick, c);
          g_string_append (text, " }");
        }
      else
        g_string_append_printf (text, " (%s)", range);
      defs[ATELIER_PDB_FIXED_ARGS + i] = (GimpParamDef) {
        spec->type == ATELIER_PARAM_DOUBLE ? GIMP_PDB_FLOAT : spec->type == ATELIER_PARAM_COLOUR ? GIMP_PDB_COLOR : GIMP_PDB_INT32,
        g_strdup (spec->name), g_string_free (text, FALSE),
      };
    }
  return defs;
}

int
atelier_pdb_result_type (const AtelierResultSpec *spec)
{
  switch (spec->type)
    {
    case ATELIER_RESULT_DOUBLE:
      return GIMP_PDB_FLOAT;
    case ATELIER_RESULT_INT:
    case ATELIER_RESULT_BOOLEAN:
      return GIMP_PDB_INT32;
    case ATELIER_RESULT_STRING:
      return GIMP_PDB_STRING;
    case ATELIER_RESULT_TEXTS:
    case ATELIER_RESULT_NUMBERS:
      break;
    }
  return -1;
}

GimpParamDef *
atelier_pdb_results_new (const AtelierFilterInfo *info, int *n_results)
{
  GimpParamDef *defs = g_new0 (GimpParamDef, MAX (1, info->n_results));
  *n_results = 0;
  for (int i = 0; i < info->n_results; i++)
    {
      const int type = atelier_pdb_result_type (&info->results[i]);
      if (type < 0)
        continue;
      g_autofree char *name = g_strdelimit (g_strdup (info->results[i].name), "_", '-');
      defs[(*n_results)++] = (GimpParamDef) { type, g_steal_pointer (&name), g_strdup (info->results[i].help) };
    }
  return defs;
}

void
atelier_pdb_params_free (GimpParamDef *params, int n_params)
{
  for (int i = 0; i < n_params; i++)
    {
      g_free (params[i].name);
      g_free (params[i].description);
    }
  g_free (params);
}

gboolean
atelier_pdb_params_read (AtelierFilterValues *values, int n_params, const GimpParam *params, GError **error)
{
  const AtelierFilterInfo *info = values->info;
  if (n_params != ATELIER_PDB_FIXED_ARGS + info->n_params)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "plug-in-atelier-%s takes %d arguments, not %d",
                   info->name, ATELIER_PDB_FIXED_ARGS + info->n_params, n_params);
      return FALSE;
    }
  for (int i = 0; i < info->n_params; i++)
    {
      const GimpParam *p = &params[ATELIER_PDB_FIXED_ARGS + i];
      switch (info->params[i].type)
        {
        case ATELIER_PARAM_DOUBLE:
          values->values[i] = p->data.d_float;
          break;
        case ATELIER_PARAM_COLOUR:
          {
            guchar r, g, b;
            gimp_rgb_get_uchar (&p->data.d_color, &r, &g, &b);
            values->values[i] = (double) ((r << 16) | (g << 8) | b);
            break;
          }
        default:
          values->values[i] = p->data.d_int32;
        }
    }
  return atelier_filter_values_validate (values, error);
}
