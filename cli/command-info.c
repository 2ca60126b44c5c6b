/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-commands.h"

#include "atelier.h"

#include <stdio.h>

int
atelier_command_info (int argc, char **argv)
{
  g_autoptr (GOptionContext) options = g_option_context_new ("MODEL.json - print a model's manifest and tensors");
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return atelier_cli_usage_error (error);
  if (argc != 2)
    {
      g_printerr ("usage: atelier info MODEL.json\n");
      return 2;
    }
  g_autoptr (AtelierModel) model = atelier_model_open (argv[1], &error);
  if (model == NULL)
    return atelier_cli_fail (error);

  g_autofree char *manifest = atelier_manifest_to_string (atelier_model_get_manifest (model));
  printf ("%s\n\n", manifest);
  const AtelierSafetensors *weights = atelier_model_get_weights (model);
  guint n = atelier_safetensors_get_n_tensors (weights);
  gint64 parameters = 0;
  printf ("%-48s %-5s %s\n", "tensor", "dtype", "shape");
  for (guint i = 0; i < n; i++)
    {
      const AtelierSafetensorsEntry *e = atelier_safetensors_get_entry (weights, i);
      g_autofree char *shape = atelier_shape_to_string (e->rank, e->shape);
      gint64 count = 1;
      for (int d = 0; d < e->rank; d++)
        count *= e->shape[d];
      parameters += count;
      printf ("%-48s %-5s %s\n", e->name, atelier_dtype_name (e->dtype), shape);
    }
  printf ("\n%u tensors, %" G_GINT64_FORMAT " parameters, sha256 verified\n", n, parameters);
  return 0;
}
