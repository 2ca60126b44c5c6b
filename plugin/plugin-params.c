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
          for (int c = 0; spec->choices[c].nick; c++)
            g_string_append_printf (text, "%s %s (%d)", c ? "," : "", spec->choices[c].nick, c);
          g_string_append (text, " }");
        }
      else
        g_string_append_printf (text, " (%s)", range);
      defs[ATELIER_PDB_FIXED_ARGS + i] = (GimpParamDef) {
        spec->type == ATELIER_PARAM_DOUBLE ? GIMP_PDB_FLOAT : GIMP_PDB_INT32,
        g_strdup (spec->name), g_string_free (text, FALSE),
      };
    }
  return defs;
}

GimpParamDef *
atelier_pdb_results_new (const AtelierFilterInfo *info, int *n_results)
{
  *n_results = info->n_results;
  GimpParamDef *defs = g_new0 (GimpParamDef, MAX (1, info->n_results));
  for (int i = 0; i < info->n_results; i++)
    defs[i] = (GimpParamDef) { info->results[i].type == ATELIER_RESULT_DOUBLE ? GIMP_PDB_FLOAT : GIMP_PDB_STRING,
                               g_strdup (info->results[i].name), g_strdup (info->results[i].help) };
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
      values->values[i] = info->params[i].type == ATELIER_PARAM_DOUBLE ? p->data.d_float : p->data.d_int32;
    }
  return atelier_filter_values_validate (values, error);
}
