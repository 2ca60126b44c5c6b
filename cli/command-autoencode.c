/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-output-check.h"
#include "cli-progress.h"
#include "cli-provenance.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int
atelier_command_autoencode (int argc, char **argv)
{
  gboolean quiet = FALSE;
  int tile = 0, threads = 0;
  g_autofree char *model_name = NULL;
  g_autofree char *summary = g_strdup_printf ("INPUT OUTPUT - %s",
                                              atelier_i18n ("round-trip an image through the latent autoencoder"));
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, atelier_i18n ("Autoencoder (default taef2)"), "NAME" },
    { "tile", 0, 0, G_OPTION_ARG_INT, &tile, atelier_i18n ("Tile side in pixels (default: from the memory budget)"), "PX" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, atelier_i18n ("Threads (default: all cores)"), "N" },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet, atelier_i18n ("No progress line on the terminal"), NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new (summary);
  g_option_context_add_main_entries (options, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return atelier_cli_usage_error (error);
  if (argc != 3)
    {
      g_printerr ("usage: atelier autoencode [OPTIONS] INPUT OUTPUT (see --help)\n");
      return 2;
    }
  const AtelierCliOutputPlan plan = { FALSE, 0, 92 };
  if (!atelier_cli_output_check (argv[2], &plan, &error))
    return atelier_cli_usage_error (error);
  g_autofree char *manifest = atelier_model_find (model_name ? model_name : "taef2", &error);
  g_autoptr (AtelierModel) model = manifest ? atelier_model_open (manifest, &error) : NULL;
  g_autoptr (AtelierAutoencoder) ae = model ? atelier_autoencoder_new (model, &error) : NULL;
  g_autoptr (AtelierImage) input = ae ? atelier_image_load (argv[1], &error) : NULL;
  g_autoptr (AtelierTensor) rgb = input ? atelier_planes_rgb (input->pixels, &error) : NULL;
  if (rgb == NULL)
    return atelier_cli_fail (error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  g_autoptr (AtelierCliProgress) progress = atelier_cli_progress_new (quiet);
  atelier_cli_progress_attach (progress, ctx);
  AtelierAutoencodeOptions ae_options = { tile };
  AtelierAutoencodeTimes times = { 0 };
  g_autoptr (AtelierTensor) out = atelier_autoencode_round_trip (ctx, ae, rgb, &ae_options, &times, &error);
  atelier_cli_progress_finish (progress);
  if (out == NULL)
    return atelier_cli_fail (error);

  const gint64 h = rgb->shape[2], w = rgb->shape[3];
  double squared = 0.0;
  for (gint64 i = 0; i < atelier_tensor_numel (out); i++)
    squared += (out->data[i] - rgb->data[i]) * (double) (out->data[i] - rgb->data[i]);
  g_autoptr (AtelierImage) output = atelier_image_new (g_steal_pointer (&out), input->bit_depth);
  atelier_image_keep_profile (output, input);
  /* Every pixel of the round trip comes from the trained decoder. */
  g_autofree char *parameters = g_strdup_printf ("autoencode: model %s", model_name ? model_name : "taef2");
  AtelierCliProvenance provenance = { argv[1], argv[2], { ATELIER_SOURCE_TRAINED, "edited", parameters, NULL }, w, h };
  if (!atelier_image_save_finished (output, argv[2], input->bit_depth, 92, atelier_cli_stamp_provenance, &provenance,
                                    &error))
    return atelier_cli_fail (error);
  printf ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " -> %s: PSNR %.2f dB, encode %.2f s, decode %.2f s\n", argv[1], w, h,
          argv[2], 10.0 * log10 (1.0 / MAX (squared / (3.0 * h * w), 1e-12)), times.encode_seconds, times.decode_seconds);
  return 0;
}
