/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-inpaint-params.h"

/* Slim: the enlargement of a fill made at the working side costs 0.3 s at 256x256 x4 (models/esrgan/README.md);
 * an RDN's cost is almost all at the input's size, so x4 then an area reduction serves every factor up to 4. */
static gpointer
open_enlarger (gconstpointer data, GError **error)
{
  (void) data;
  return atelier_rdn_open ("slim", 4, error);
}

const AtelierLatentDiffusion *
atelier_inpaint_setup (AtelierModelCache *models, const AtelierFilterValues *values,
                       AtelierInpaintRegionsOptions *options, GError **error)
{
  *options = (AtelierInpaintRegionsOptions) { atelier_latent_diffusion_options_default (), NULL,
                                              ATELIER_INPAINT_FILL_DIFFUSION, 0 };
  options->diffusion.working_side = atelier_filter_values_get_int (values, "working-size");
  if (!atelier_sampler_params_from_values (values, &options->diffusion.sampler, error))
    return NULL;
  const AtelierLatentDiffusion *ld = atelier_latent_diffusion_cached (models, error);
  if (ld == NULL
      || (options->diffusion.sampler.label = atelier_unet_label_index (atelier_latent_diffusion_get_unet (ld), "photo",
                                                                       error)) < 0
      || !(options->enlarger = atelier_model_cache_get (models, "esrgan-slim-x4", open_enlarger, NULL,
                                                        (GDestroyNotify) atelier_rdn_free, error)))
    return NULL;
  return ld;
}
