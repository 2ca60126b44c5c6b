/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-sampling-params.h"

static const AtelierParamSpec sampling_rows[] = { ATELIER_SAMPLING_PARAM_ROWS };

const AtelierFilterInfo atelier_sampling_params = {
  .name = "sample",
  .params = sampling_rows,
  .n_params = G_N_ELEMENTS (sampling_rows),
};

static gpointer
open_latent_diffusion (gconstpointer data, GError **error)
{
  (void) data;
  return atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                        ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER, error);
}

const AtelierLatentDiffusion *
atelier_latent_diffusion_cached (AtelierModelCache *models, GError **error)
{
  return atelier_model_cache_get (models, "latent-diffusion", open_latent_diffusion, NULL,
                                  (GDestroyNotify) atelier_latent_diffusion_free, error);
}

gboolean
atelier_sampler_params_from_values (const AtelierFilterValues *values, AtelierSamplerParams *params, GError **error)
{
  params->steps = atelier_filter_values_get_int (values, "steps");
  params->guidance = (float) atelier_filter_values_get (values, "guidance");
  params->seed = (guint64) atelier_filter_values_get_int (values, "seed");
  return atelier_sampler_kind_from_name (atelier_filter_values_get_choice (values, "sampler"), &params->kind, error);
}
