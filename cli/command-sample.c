/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier sample`: an image of one style label from the latent diffusion model, from pure noise. For
 * contact sheets and for judging the model; the filters use the same pipeline. Steps, guidance, seed, sampler
 * and speed are the inpaint filter's own rows (engine/filters/atelier-sampling-params.h), defaults included. */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-filter-options.h"
#include "cli-output-check.h"
#include "cli-progress.h"
#include "cli-provenance.h"

#include <stdio.h>

int
atelier_command_sample (int argc, char **argv)
{
  gboolean quiet = FALSE;
  int threads = 0, width = 512, height = 512;
  double eta = 0.0;
  g_autofree char *style = NULL, *model = NULL;
  g_autofree char *unet_help = g_strdup_printf (atelier_i18n ("U-Net model (default %s)"),
                                                ATELIER_LATENT_DIFFUSION_DEFAULT_UNET);
  g_autofree char *summary = g_strdup_printf ("OUTPUT - %s", atelier_i18n ("generate an image of a style label"));
  const GOptionEntry entries[] = {
    { "style", 's', 0, G_OPTION_ARG_STRING, &style, atelier_i18n ("Style label (default photo; --style list prints them)"), "NAME" },
    { "eta", 0, 0, G_OPTION_ARG_DOUBLE, &eta, atelier_i18n ("DDIM's eta: 0 deterministic (default), 1 as DDPM"), "E" },
    { "width", 'W', 0, G_OPTION_ARG_INT, &width, atelier_i18n ("Width in pixels (default 512)"), "PX" },
    { "height", 'H', 0, G_OPTION_ARG_INT, &height, atelier_i18n ("Height in pixels (default 512)"), "PX" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model, unet_help, "NAME" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, atelier_i18n ("Threads (default: all cores)"), "N" },
    { "quiet", 0, 0, G_OPTION_ARG_NONE, &quiet, atelier_i18n ("No progress line on the terminal"), NULL },
    { NULL },
  };
  int parse_status;
  g_autoptr (AtelierFilterValues) values = atelier_cli_filter_parse (&atelier_sampling_params, entries,
                                                                     summary,
                                                                     &argc, &argv, &parse_status);
  if (values == NULL)
    return parse_status;
  g_autoptr (GError) error = NULL;
  gboolean list = style != NULL && g_strcmp0 (style, "list") == 0;
  if (argc != 2 && !list)
    {
      g_printerr ("usage: atelier sample [OPTIONS] OUTPUT (see --help)\n");
      return 2;
    }
  const AtelierCliOutputPlan plan = { FALSE, 0, 92 };
  if (!list && !atelier_cli_output_check (argv[1], &plan, &error))
    return atelier_cli_usage_error (error);
  /* Fast samples the distilled student (or --model's, which must be one) with the steps it was taught. */
  const char *unet_name = model ? model : atelier_sampling_unet_name (values);
  g_autoptr (AtelierLatentDiffusion) ld = atelier_latent_diffusion_open (unet_name, ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER,
                                                                         &error);
  if (ld == NULL)
    return atelier_cli_fail (error);
  const AtelierUNet *unet = atelier_latent_diffusion_get_unet (ld);
  if (list)
    {
      /* Every label --style takes, null (no style: the model's unconditional fill) among them. */
      for (const char *const *label = atelier_unet_get_labels (unet); *label; label++)
        printf ("%s\n", *label);
      return 0;
    }
  AtelierLatentDiffusionOptions ld_options = atelier_latent_diffusion_options_default ();
  AtelierSamplerParams *p = &ld_options.sampler;
  p->eta = (float) eta;
  ld_options.working_side = MAX (64, MAX (width, height));
  if (!atelier_sampling_params_for (ld, values, p, &error)
      || (p->label = atelier_unet_label_index (unet, style ? style : "photo", &error)) < 0)
    return atelier_cli_usage_error (error);

  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  g_autoptr (AtelierCliProgress) progress = atelier_cli_progress_new (quiet);
  atelier_cli_progress_attach (progress, ctx);
  gint64 start = g_get_monotonic_time ();
  AtelierTensor *pixels = atelier_latent_diffusion_generate (ctx, ld, width, height, &ld_options, &error);
  atelier_cli_progress_finish (progress);
  if (pixels == NULL)
    return atelier_cli_fail (error);
  g_autoptr (AtelierImage) output = atelier_image_new (pixels, 8);
  g_autofree char *settings = atelier_filter_values_describe (values, NULL);
  g_autofree char *parameters = g_strdup_printf ("sample: style %s, %s", style ? style : "photo", settings);
  /* Wholly generated: the file says so, as the EU AI Act's marking duty asks (docs/provenance.md). */
  AtelierCliProvenance provenance = { NULL, argv[1], { ATELIER_SOURCE_TRAINED, "created", parameters, NULL }, width,
                                      height };
  if (!atelier_image_save_finished (output, argv[1], 8, 92, atelier_cli_stamp_provenance, &provenance, &error))
    return atelier_cli_fail (error);
  printf ("%s %dx%d, style %s, seed %" G_GUINT64_FORMAT " (%.1f s)\n", argv[1], width, height,
          style ? style : "photo", p->seed, (g_get_monotonic_time () - start) / 1e6);
  return 0;
}
