/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GIMP 2.10 plug-in: registers one PDB procedure per filter description
 * and translates between GIMP and the engine. No pixel math here. */
#include <libgimp/gimp.h>

#include <gegl.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "atelier-dialog.h"
#include "atelier.h"
#include "plugin-action.h"
#include "plugin-params.h"
#include "plugin-preview.h"

#define PDB_PREFIX "plug-in-atelier-"

/* Status, then the filter's results or an error message. */
#define MAX_RETURN_VALUES (1 + ATELIER_PDB_MAX_RESULTS)

static void
query (void)
{
  gimp_plugin_domain_register (GETTEXT_PACKAGE, ATELIER_LOCALEDIR);
  int n;
  const AtelierFilterInfo *const *filters = atelier_filters (&n);
  for (int f = 0; f < n; f++)
    {
      const AtelierFilterInfo *info = filters[f];
      int n_params, n_results;
      GimpParamDef *params = atelier_pdb_params_new (info, &n_params);
      GimpParamDef *results = atelier_pdb_results_new (info, &n_results);
      g_assert (n_results < MAX_RETURN_VALUES);
      g_autofree char *name = g_strconcat (PDB_PREFIX, info->name, NULL);
      gimp_install_procedure (name, info->blurb, info->help, "Atelier developers", "GPL-3.0-or-later", "2026",
                              info->menu_label, "RGB*, GRAY*", GIMP_PLUGIN, n_params, n_results, params,
                              n_results > 0 ? results : NULL);
      gimp_plugin_menu_register (name, "<Image>/Filters/Atelier");
      atelier_pdb_params_free (params, n_params);
      atelier_pdb_params_free (results, n_results);
    }
}

/* Each update is a PDB call that GIMP answers; the answer is logged (G_MESSAGES_DEBUG=Atelier-Plugin) so that a
 * test in gimp-console, which draws no progress bar, can see the updates reach GIMP through the whole job. */
static void
report_progress (double fraction, const char *step, gpointer data)
{
  (void) data;
  const gboolean taken = gimp_progress_set_text (step) && gimp_progress_update (fraction);
  g_log ("Atelier-Plugin", G_LOG_LEVEL_DEBUG, "progress %.3f %s", fraction, taken ? "taken by GIMP" : "refused by GIMP");
}

/* The dialog, with a preview of the drawable when the filter has one; the preview's runs share @filter's models
 * with the run that follows. */
static gboolean
run_dialog (AtelierFilter *filter, AtelierFilterValues *values, gint32 image, gint32 drawable)
{
  gtk_init (NULL, NULL);
  AtelierTensor *region, *selection;
  g_autoptr (GError) no_preview = NULL;
  if (!atelier_preview_source_read (values->info, image, drawable, &region, &selection, &no_preview))
    g_debug ("no preview: %s", no_preview->message);
  return atelier_dialog_run (filter, values, _(values->info->blurb), region, selection);
}

/* The values for this run: from the arguments, the last run, or the defaults. */
static gboolean
read_values (AtelierFilter *filter, AtelierFilterValues *values, GimpRunMode mode, const char *name, gint32 image,
             gint32 drawable, int n_params, const GimpParam *params, GError **error)
{
  const gsize size = sizeof (double) * values->info->n_params;
  switch (mode)
    {
    case GIMP_RUN_NONINTERACTIVE:
      return atelier_pdb_params_read (values, n_params, params, error);
    case GIMP_RUN_WITH_LAST_VALS:
    case GIMP_RUN_INTERACTIVE:
      /* Both start from the last values; an interactive run shows them in
       * the dialog first. */
      if (gimp_get_data_size (name) == (gint) size)
        gimp_get_data (name, values->values);
      if (mode == GIMP_RUN_INTERACTIVE)
        {
          if (!run_dialog (filter, values, image, drawable))
            {
              g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_CANCELLED, "cancelled");
              return FALSE;
            }
        }
      return atelier_filter_values_validate (values, error);
    }
  return FALSE;
}

static void
run (const gchar *name, gint n_params, const GimpParam *params, gint *n_return_vals, GimpParam **return_vals)
{
  static GimpParam values_out[MAX_RETURN_VALUES];
  static char message[1024];
  *n_return_vals = 1;
  *return_vals = values_out;
  values_out[0].type = GIMP_PDB_STATUS;
  values_out[0].data.d_status = GIMP_PDB_SUCCESS;

  atelier_i18n_init ();
  gegl_init (NULL, NULL);
  const AtelierFilterInfo *info = g_str_has_prefix (name, PDB_PREFIX) ? atelier_filter_find (name + strlen (PDB_PREFIX)) : NULL;
  if (info == NULL || n_params < ATELIER_PDB_FIXED_ARGS)
    {
      values_out[0].data.d_status = GIMP_PDB_CALLING_ERROR;
      return;
    }
  const GimpRunMode mode = params[0].data.d_int32;
  const gint32 image = params[1].data.d_image, drawable = params[2].data.d_drawable;

  g_autoptr (AtelierFilter) filter = atelier_filter_new (info);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (info);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (0);
  atelier_context_set_progress (ctx, report_progress, NULL);
  gboolean ok = read_values (filter, values, mode, name, image, drawable, n_params, params, &error);
  GimpParam *results = values_out + 1;
  int n_results = 0;
  for (int i = 0; i < info->n_results; i++)
    if (atelier_pdb_result_type (&info->results[i]) >= 0)
      results[n_results++].type = atelier_pdb_result_type (&info->results[i]);
  if (ok)
    {
      gimp_progress_init (_(info->blurb));
      ok = atelier_plugin_action_run (filter, ctx, values, mode, image, drawable, results, &error);
    }
  if (!ok && g_error_matches (error, ATELIER_ERROR, ATELIER_ERROR_CANCELLED))
    {
      values_out[0].data.d_status = GIMP_PDB_CANCEL;
      return;
    }
  if (!ok)
    {
      g_strlcpy (message, error ? error->message : "failed", sizeof message);
      values_out[0].data.d_status = mode == GIMP_RUN_NONINTERACTIVE && error && error->domain == ATELIER_ERROR
                                        && error->code == ATELIER_ERROR_INVALID_ARGUMENT
                                      ? GIMP_PDB_CALLING_ERROR : GIMP_PDB_EXECUTION_ERROR;
      values_out[1].type = GIMP_PDB_STRING;
      values_out[1].data.d_string = message;
      *n_return_vals = 2;
      return;
    }
  *n_return_vals = 1 + n_results;
  gimp_set_data (name, values->values, sizeof (double) * info->n_params);
  if (mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
}

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()
