/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-inpaint-params.h"

/* Slim: the enlargement of a fill made at the working side costs 0.3 s at 256x256 x4 (models/esrgan/README.md).
 * The region pipeline takes the smallest scale that reaches a window. Not x8: an RDN's cost grows with its output,
 * and x8 of 384x384 took 17.2 CPU s (Extend Canvas to 2000x2000), x3 of 384x384 1.3 (tools/bench-inpaint.sh). */
static const int enlarger_scales[] = { 2, 3, 4 };

static gpointer
open_enlarger (gconstpointer data, GError **error)
{
  return atelier_rdn_open ("slim", *(const int *) data, error);
}

const AtelierLatentDiffusion *
atelier_inpaint_setup (AtelierModelCache *models, const AtelierFilterValues *values,
                       AtelierInpaintRegionsOptions *options, GError **error)
{
  *options = (AtelierInpaintRegionsOptions) { atelier_latent_diffusion_options_default (), { NULL },
                                              ATELIER_INPAINT_FILL_DIFFUSION, 0 };
  options->diffusion.working_side = atelier_filter_values_get_int (values, "working-size");
  const AtelierLatentDiffusion *ld = atelier_sampling_setup (models, values, &options->diffusion.sampler, error);
  if (ld == NULL
      || (options->diffusion.sampler.label = atelier_unet_label_index (atelier_latent_diffusion_get_unet (ld), "photo",
                                                                       error)) < 0)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (enlarger_scales); i++)
    {
      g_autofree char *key = g_strdup_printf ("esrgan-slim-x%d", enlarger_scales[i]);
      if (!(options->enlargers[i] = atelier_model_cache_get (models, key, open_enlarger, &enlarger_scales[i],
                                                             (GDestroyNotify) atelier_rdn_free, error)))
        return NULL;
    }
  return ld;
}
