/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier upscale`: the upscale filter from the command line. Its flags come
 * from the filter description (engine/filters/atelier-filter-upscale.c); only
 * file-related ones are added here. */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-filter-options.h"
#include "cli-progress.h"

#include <stdio.h>

int
atelier_command_upscale (int argc, char **argv)
{
  int threads = 0, bit_depth = 0, quality = 92;
  const GOptionEntry file_entries[] = {
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "N" },
    { "bit-depth", 0, 0, G_OPTION_ARG_INT, &bit_depth, "PNG output bit depth, 8 or 16 (default: the input's)", "N" },
    { "quality", 'q', 0, G_OPTION_ARG_INT, &quality, "JPEG output quality (default 92)", "Q" },
    { NULL },
  };
  int parse_status;
  g_autoptr (AtelierFilterValues) values = atelier_cli_filter_parse (&atelier_filter_upscale, file_entries,
                                                                     "INPUT OUTPUT - enlarge an image with a super-resolution network",
                                                                     &argc, &argv, &parse_status);
  if (values == NULL)
    return parse_status;
  g_autoptr (GError) error = NULL;
  if (argc != 3)
    {
      g_printerr ("usage: atelier upscale [OPTIONS] INPUT OUTPUT (see --help)\n");
      return 2;
    }
  g_autoptr (AtelierImage) input = atelier_image_load (argv[1], &error);
  if (input == NULL)
    return atelier_cli_fail (error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  atelier_cli_progress_attach (ctx);
  gint64 start = g_get_monotonic_time ();
  AtelierTensor *pixels = atelier_filter_upscale_run (ctx, values, input->pixels, &error);
  atelier_cli_progress_finish ();
  if (pixels == NULL)
    return atelier_cli_fail (error);
  g_autoptr (AtelierImage) output = atelier_image_new (pixels, input->bit_depth);
  if (!atelier_image_save (output, argv[2], bit_depth ? bit_depth : input->bit_depth, quality, &error))
    return atelier_cli_fail (error);
  printf ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " -> %s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT
          " (esrgan-%s-x%d, %.1f s)\n", argv[1], atelier_image_width (input), atelier_image_height (input), argv[2],
          atelier_image_width (output), atelier_image_height (output),
          atelier_filter_values_get_choice (values, "model"), atelier_filter_values_get_int (values, "scale"),
          (g_get_monotonic_time () - start) / 1e6);
  return 0;
}
