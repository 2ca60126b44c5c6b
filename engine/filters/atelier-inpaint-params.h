/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What Inpaint and Extend Canvas share: the working size row, and the models and options their runs start
 * from, so that both fill alike and open each model once per filter instance. */

#include "filters/atelier-model-cache.h"
#include "filters/atelier-sampling-params.h"
#include "pipelines/atelier-inpaint-regions.h"

G_BEGIN_DECLS

#define ATELIER_INPAINT_WORKING_SIZE_ROW                                                                           \
  { .name = "working-size", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Working size"),                     \
    .help = ATELIER_N_ ("Longest side, in pixels, at which the selection and its surroundings are generated; larger " \
                        "areas are reduced for it and enlarged back"),                                            \
    .cli_help = ATELIER_N_ ("Longest side, in pixels, at which the mask's white area and its surroundings are "     \
                            "generated; larger areas are reduced for it and enlarged back"),                      \
    .min = 128, .max = 1024, .default_value = 512, .step = 64 }

/* The latent diffusion model (owned by @models) and @options from @values (the sampling rows and the working
 * size; the style label "photo", the super-resolution enlarger, automatic context, the model's fill). */
const AtelierLatentDiffusion *atelier_inpaint_setup (AtelierModelCache *models, const AtelierFilterValues *values,
                                                     AtelierInpaintRegionsOptions *options, GError **error);

G_END_DECLS
