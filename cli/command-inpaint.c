/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier inpaint`: the inpaint filter from the command line. Its flags come from the filter description
 * (engine/filters/atelier-filter-inpaint.c); the selection is a mask image (white = fill). */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-filter-options.h"
#include "cli-progress.h"

#include <stdio.h>
#include <string.h>

/* The mask's selection: its alpha when it has one and the alpha is not all opaque, else its grey value
 * (mean of the colours). */
static AtelierTensor *
selection_of (const AtelierImage *mask, GError **error)
{
  const AtelierTensor *p = mask->pixels;
  const int channels = (int) p->shape[1];
  const int64_t plane = p->shape[2] * p->shape[3];
  const gboolean has_alpha = channels == 2 || channels == 4;
  gboolean alpha_used = FALSE;
  for (int64_t i = 0; has_alpha && i < plane; i++)
    alpha_used |= p->data[(channels - 1) * plane + i] < 1.0f;
  AtelierTensor *selection = atelier_tensor_new_4d (1, 1, p->shape[2], p->shape[3], error);
  const int colours = has_alpha ? channels - 1 : channels;
  for (int64_t i = 0; selection != NULL && i < plane; i++)
    {
      float v = 0;
      for (int c = 0; c < colours; c++)
        v += p->data[c * plane + i] / colours;
      selection->data[i] = alpha_used ? p->data[(channels - 1) * plane + i] : v;
    }
  return selection;
}

int
atelier_command_inpaint (int argc, char **argv)
{
  int threads = 0, quality = 92;
  g_autofree char *mask_path = NULL;
  const GOptionEntry file_entries[] = {
    { "mask", 0, 0, G_OPTION_ARG_FILENAME, &mask_path, "Mask image of the input's size: white (or opaque) = fill", "FILE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "N" },
    { "quality", 'q', 0, G_OPTION_ARG_INT, &quality, "JPEG output quality (default 92)", "Q" },
    { NULL },
  };
  int parse_status;
  g_autoptr (AtelierFilterValues) values = atelier_cli_filter_parse (&atelier_filter_inpaint, file_entries,
                                                                     "INPUT OUTPUT - fill the masked area of an image",
                                                                     &argc, &argv, &parse_status);
  if (values == NULL)
    return parse_status;
  g_autoptr (GError) error = NULL;
  if (argc != 3 || mask_path == NULL)
    {
      g_printerr ("usage: atelier inpaint --mask MASK [OPTIONS] INPUT OUTPUT (see --help)\n");
      return 2;
    }
  g_autoptr (AtelierImage) input = atelier_image_load (argv[1], &error);
  g_autoptr (AtelierImage) mask = input ? atelier_image_load (mask_path, &error) : NULL;
  if (mask == NULL)
    return atelier_cli_fail (error);
  if (atelier_image_width (mask) != atelier_image_width (input) || atelier_image_height (mask) != atelier_image_height (input))
    {
      g_printerr ("atelier: the mask is %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ", the image %" G_GINT64_FORMAT
                  "x%" G_GINT64_FORMAT ": they must be the same size\n", atelier_image_width (mask),
                  atelier_image_height (mask), atelier_image_width (input), atelier_image_height (input));
      return 1;
    }
  g_autoptr (AtelierTensor) selection = selection_of (mask, &error);
  if (selection == NULL)
    return atelier_cli_fail (error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  atelier_cli_progress_attach (ctx);
  gint64 start = g_get_monotonic_time ();
  AtelierTensor *pixels = atelier_filter_inpaint_run (ctx, values, input->pixels, selection, &error);
  atelier_cli_progress_finish ();
  if (pixels == NULL)
    return atelier_cli_fail (error);
  g_autoptr (AtelierImage) output = atelier_image_new (pixels, input->bit_depth);
  if (!atelier_image_save (output, argv[2], input->bit_depth, quality, &error))
    return atelier_cli_fail (error);
  printf ("%s -> %s (%.1f s)\n", argv[1], argv[2], (g_get_monotonic_time () - start) / 1e6);
  return 0;
}
