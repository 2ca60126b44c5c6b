/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `atelier detect-features FILE...`: the detector's spectral features without
 * the classifier, as CSV: what the training script (models/detector) learns
 * from, before any model exists, and how far the finest detail rises above
 * rounding (the detector's soft-image rule). Also reached as `atelier detect
 * --features-only FILE...`, the form that script calls. The set_aside column
 * names the features the detector would set aside (for a JPEG file, as the
 * detect-ai filter's "auto" does), so that the script takes them as the engine
 * does. With --cnn MODEL, the residual CNN's 16 features follow, computed
 * with that model file's weights (the harness names the network it fits
 * beside the spectral features). */
#include "atelier-image-io.h"
#include "cli-commands.h"
#include "cli-report.h"

#include "forensics/atelier-residual-cnn.h"

#include <stdio.h>
#include <string.h>

static gboolean
features_row (AtelierContext *ctx, const AtelierResidualCnn *cnn, const char *path, GError **error)
{
  g_autoptr (AtelierImage) image = atelier_image_load (path, error);
  const gboolean jpeg = image != NULL && image->format == ATELIER_IMAGE_FORMAT_JPEG;
  const AtelierJpegOrigin origin = jpeg ? ATELIER_JPEG_ORIGIN_DECODED : ATELIER_JPEG_ORIGIN_FROM_PIXELS;
  g_autoptr (AtelierSpectralAnalysis) a
    = image ? atelier_spectral_analysis_run (ctx, image->pixels, origin, error) : NULL;
  float cnn_features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
  if (a == NULL || (cnn != NULL && !atelier_residual_cnn_features (ctx, cnn, image->pixels, cnn_features, error)))
    return FALSE;
  atelier_cli_csv_quoted (path);
  printf (",%d,%d,", image->jpeg_quality, a->tile_size);
  const guint64 set_aside = atelier_spectral_set_aside (a->conditions | (jpeg ? ATELIER_SPECTRAL_JPEG : 0));
  const char *separator = "";
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    if ((set_aside >> i) & 1)
      {
        printf ("%s%s", separator, atelier_spectral_feature_info (i)->name);
        separator = " ";
      }
  printf (",%.7g", a->detail_over_rounding);
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    printf (",%.7g", a->features[i]);
  for (int i = 0; cnn != NULL && i < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; i++)
    printf (",%.7g", cnn_features[i]);
  printf ("\n");
  return TRUE;
}

int
atelier_command_detect_features (int argc, char **argv)
{
  int threads = 0;
  gboolean features_only = FALSE;
  g_autofree char *cnn_model = NULL;
  const GOptionEntry entries[] = {
    { "cnn", 0, 0, G_OPTION_ARG_FILENAME, &cnn_model, "Also the residual CNN's features, with this model's weights",
      "MODEL" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &threads, "Threads (default: all cores)", "N" },
    { "features-only", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &features_only, "What this command does", NULL },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new (
    "FILE... - CSV of path, jpeg_quality, tile_size, the features set aside and every spectral feature (and the CNN's)");
  g_option_context_add_main_entries (options, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    return atelier_cli_usage_error (error);
  if (argc < 2)
    {
      g_printerr ("usage: atelier detect-features [OPTIONS] FILE... (see --help)\n");
      return 2;
    }
  g_autoptr (AtelierResidualCnn) cnn = NULL;
  if (cnn_model != NULL)
    {
      g_autofree char *path = atelier_model_find (cnn_model, &error);
      g_autoptr (AtelierModel) model = path ? atelier_model_open (path, &error) : NULL;
      cnn = model ? atelier_residual_cnn_load (model, &error) : NULL;
      if (cnn == NULL)
        {
          g_printerr ("atelier: %s\n", error->message);
          return 1;
        }
    }
  printf ("path,jpeg_quality,tile_size,set_aside,detail_over_rounding");
  for (int i = 0; i < ATELIER_SPECTRAL_FEATURE_COUNT; i++)
    printf (",%s", atelier_spectral_feature_info (i)->name);
  for (int i = 0; cnn != NULL && i < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; i++)
    printf (",%s", atelier_residual_cnn_feature_name (i));
  printf ("\n");
  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  int status = 0;
  for (int i = 1; i < argc; i++)
    {
      g_autoptr (GError) file_error = NULL;
      if (!features_row (ctx, cnn, argv[i], &file_error))
        {
          g_printerr ("atelier: %s: %s\n", argv[i], file_error->message);
          status = 1;
        }
      fflush (stdout);
    }
  return status;
}
