/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-progress.h"

#include <stdio.h>

int
atelier_command_upscale (int argc, char **argv)
{
  int scale = 4, tile = 0, margin = -1, threads = 0, bit_depth = 0, quality = 92;
  g_autofree char *model_name = NULL; /* GOption would leak a default allocated here */
  const GOptionEntry entries[] = {
    { "scale", 's', 0, G_OPTION_ARG_INT, &scale, "Enlargement factor: 2, 3, 4 or 8 (default 4)", "N" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name,
      "slim, medium, thick (default) or a model manifest path", "NAME" },
    { "tile", 0, 0, G_OPTION_ARG_INT, &tile, "Tile side in input pixels (default: from the memory budget)", "PX" },
    { "margin", 0, 0, G_OPTION_ARG_INT, &margin, "Tile margin in input pixels (default 16)", "PX" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "N" },
    { "bit-depth", 0, 0, G_OPTION_ARG_INT, &bit_depth, "PNG output bit depth, 8 or 16 (default: the input's)", "N" },
    { "quality", 'q', 0, G_OPTION_ARG_INT, &quality, "JPEG output quality (default 92)", "Q" },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("INPUT OUTPUT - enlarge an image with a super-resolution network");
  g_option_context_add_main_entries (options, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return atelier_cli_fail (error);
  if (argc != 3)
    {
      g_printerr ("usage: atelier upscale [OPTIONS] INPUT OUTPUT (see --help)\n");
      return 2;
    }
  if (model_name == NULL)
    model_name = g_strdup ("thick");
  if (scale != 2 && scale != 3 && scale != 4 && scale != 8)
    {
      g_printerr ("atelier: --scale must be 2, 3, 4 or 8, not %d\n", scale);
      return 2;
    }

  g_autoptr (AtelierRdn) net = atelier_rdn_open (model_name, scale, &error);
  if (net == NULL)
    return atelier_cli_fail (error);
  g_autoptr (AtelierImage) input = atelier_image_load (argv[1], &error);
  if (input == NULL)
    return atelier_cli_fail (error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  atelier_cli_progress_attach (ctx);
  AtelierUpscaleOptions upscale_options = { tile, margin };
  gint64 start = g_get_monotonic_time ();
  AtelierTensor *pixels = atelier_upscale (ctx, net, input->pixels, &upscale_options, &error);
  atelier_cli_progress_finish ();
  if (pixels == NULL)
    return atelier_cli_fail (error);
  g_autoptr (AtelierImage) output = atelier_image_new (pixels, input->bit_depth);
  if (!atelier_image_save (output, argv[2], bit_depth ? bit_depth : input->bit_depth, quality, &error))
    return atelier_cli_fail (error);
  printf ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " -> %s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
          " (%s, %.1f s)\n", argv[1], atelier_image_width (input), atelier_image_height (input), argv[2],
          atelier_image_width (output), atelier_image_height (output),
          atelier_rdn_get_name (net),
          (g_get_monotonic_time () - start) / 1e6);
  return 0;
}
