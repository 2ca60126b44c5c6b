/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Super-resolution quality on Set5 and Set14 by the standard protocol (see
 * ../shared/data/README.md): HR cropped to a multiple of the scale, LR by
 * MATLAB-style antialiased bicubic, PSNR/SSIM on the Y channel with `scale`
 * pixels shaved. Prints a markdown table: every model beside bicubic and
 * Lanczos-3 up-sampling of the same LR images.
 *
 * usage: sr-eval [--data DIR] [--scales 2,3,4,8] [--models slim,medium,thick] */
#include "atelier-image-io.h"
#include "quality.h"
#include "resample.h"

#include <stdio.h>
#include <string.h>

typedef struct
{
  double psnr, ssim;
  int count;
} Score;

static AtelierTensor *
as_rgb (const AtelierImage *image, gint64 crop_h, gint64 crop_w)
{
  g_autoptr (GError) error = NULL;
  AtelierTensor *rgb = atelier_tensor_new_4d (1, 3, crop_h, crop_w, &error);
  const int channels = atelier_image_channels (image);
  const gint64 w = atelier_image_width (image), h = atelier_image_height (image);
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < crop_h; y++)
      memcpy (rgb->data + (c * crop_h + y) * crop_w,
              image->pixels->data + ((channels >= 3 ? c : 0) * h + y) * w, sizeof (float) * crop_w);
  return rgb;
}

int
main (int argc, char **argv)
{
  g_autofree char *data = g_strdup ("../shared/data/sr-dev");
  g_autofree char *scales_arg = g_strdup ("2,3,4,8");
  g_autofree char *models_arg = g_strdup ("slim,medium,thick");
  const GOptionEntry entries[] = {
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data, "Folder holding Set5/ and Set14/", "DIR" },
    { "scales", 0, 0, G_OPTION_ARG_STRING, &scales_arg, "Scales", "LIST" },
    { "models", 0, 0, G_OPTION_ARG_STRING, &models_arg, "Models", "LIST" },
    { NULL },
  };
  g_autoptr (GOptionContext) options = g_option_context_new ("- super-resolution PSNR/SSIM on Set5 and Set14");
  g_option_context_add_main_entries (options, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (options, &argc, &argv, &error))
    g_error ("%s", error->message);
  g_auto (GStrv) scales = g_strsplit (scales_arg, ",", -1);
  g_auto (GStrv) models = g_strsplit (models_arg, ",", -1);
  const char *sets[] = { "Set5", "Set14" };
  g_autoptr (AtelierContext) ctx = atelier_context_new (0);

  printf ("| set | scale | method | PSNR (dB) | SSIM | seconds |\n|---|---|---|---|---|---|\n");
  for (char **sc = scales; *sc; sc++)
    {
      const int scale = atoi (*sc);
      const guint n_methods = 2 + g_strv_length (models);
      g_autofree AtelierRdn **nets = g_new0 (AtelierRdn *, n_methods);
      for (guint m = 2; m < n_methods; m++)
        {
          nets[m] = atelier_rdn_open (models[m - 2], scale, &error);
          if (nets[m] == NULL)
            g_error ("%s", error->message);
        }
      for (gsize s = 0; s < G_N_ELEMENTS (sets); s++)
        {
          g_autofree Score *scores = g_new0 (Score, n_methods);
          g_autofree double *seconds = g_new0 (double, n_methods);
          g_autofree char *dir_path = g_build_filename (data, sets[s], NULL);
          g_autoptr (GDir) dir = g_dir_open (dir_path, 0, &error);
          if (dir == NULL)
            g_error ("%s", error->message);
          const char *file;
          while ((file = g_dir_read_name (dir)) != NULL)
            {
              g_autofree char *path = g_build_filename (dir_path, file, NULL);
              g_autoptr (AtelierImage) image = atelier_image_load (path, &error);
              if (image == NULL)
                g_error ("%s", error->message);
              const gint64 h = atelier_image_height (image) / scale * scale, w = atelier_image_width (image) / scale * scale;
              g_autoptr (AtelierTensor) hr = as_rgb (image, h, w);
              g_autoptr (AtelierTensor) lr = resample (hr, h / scale, w / scale, RESAMPLE_BICUBIC);
              for (guint m = 0; m < n_methods; m++)
                {
                  gint64 start = g_get_monotonic_time ();
                  g_autoptr (AtelierTensor) sr = m == 0 ? resample (lr, h, w, RESAMPLE_BICUBIC)
                                                 : m == 1 ? resample (lr, h, w, RESAMPLE_LANCZOS3)
                                                          : atelier_upscale (ctx, nets[m], lr, NULL, &error);
                  if (sr == NULL)
                    g_error ("%s", error->message);
                  seconds[m] += (g_get_monotonic_time () - start) / 1e6;
                  double psnr, ssim;
                  quality_y (sr, hr, scale, &psnr, &ssim);
                  scores[m].psnr += psnr;
                  scores[m].ssim += ssim;
                  scores[m].count++;
                }
            }
          for (guint m = 0; m < n_methods; m++)
            printf ("| %s | x%d | %s | %.2f | %.4f | %.1f |\n", sets[s], scale,
                    m == 0 ? "bicubic" : m == 1 ? "Lanczos-3" : models[m - 2],
                    scores[m].psnr / scores[m].count, scores[m].ssim / scores[m].count, seconds[m]);
          fflush (stdout);
        }
      for (guint m = 2; m < n_methods; m++)
        atelier_rdn_free (nets[m]);
    }
  return 0;
}
