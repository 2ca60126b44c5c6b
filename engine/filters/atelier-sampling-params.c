/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-sampling-params.h"

#include <string.h>

static const AtelierParamSpec sampling_rows[] = { ATELIER_SAMPLING_PARAM_ROWS, ATELIER_SAMPLING_SPEED_ROW };

const AtelierFilterInfo atelier_sampling_params = {
  .name = "sample",
  .params = sampling_rows,
  .n_params = G_N_ELEMENTS (sampling_rows),
};

static gpointer
open_latent_diffusion (gconstpointer data, GError **error)
{
  return atelier_latent_diffusion_open (data, ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER, error);
}

static gboolean
speed_is_fast (const AtelierFilterValues *values)
{
  return strcmp (atelier_filter_values_get_choice (values, "speed"), "fast") == 0;
}

const char *
atelier_sampling_unet_name (const AtelierFilterValues *values)
{
  return speed_is_fast (values) ? ATELIER_LATENT_DIFFUSION_FAST_UNET : ATELIER_LATENT_DIFFUSION_DEFAULT_UNET;
}

gboolean
atelier_sampling_params_for (const AtelierLatentDiffusion *ld, const AtelierFilterValues *values,
                             AtelierSamplerParams *params, GError **error)
{
  return atelier_sampler_params_from_values (values, params, error)
         && (!speed_is_fast (values) || atelier_latent_diffusion_student_params (ld, params, error));
}

const AtelierLatentDiffusion *
atelier_sampling_setup (AtelierModelCache *models, const AtelierFilterValues *values, AtelierSamplerParams *params,
                        GError **error)
{
  const char *unet = atelier_sampling_unet_name (values);
  const AtelierLatentDiffusion *ld = atelier_model_cache_get (models, unet, open_latent_diffusion, unet,
                                                              (GDestroyNotify) atelier_latent_diffusion_free, error);
  if (ld == NULL || !atelier_sampling_params_for (ld, values, params, error))
    return NULL;
  return ld;
}

gboolean
atelier_sampler_params_from_values (const AtelierFilterValues *values, AtelierSamplerParams *params, GError **error)
{
  params->steps = atelier_filter_values_get_int (values, "steps");
  params->guidance = (float) atelier_filter_values_get (values, "guidance");
  params->seed = (guint64) atelier_filter_values_get_int (values, "seed");
  return atelier_sampler_kind_from_name (atelier_filter_values_get_choice (values, "sampler"), &params->kind, error);
}
