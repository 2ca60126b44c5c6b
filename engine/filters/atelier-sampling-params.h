/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The latent diffusion sampler's parameter rows, written once: the inpaint
 * filter's description holds them, and `atelier sample` reads its flags and
 * defaults from the same rows. */

#include "diffusion/atelier-sampler.h"
#include "filters/atelier-filter.h"
#include "filters/atelier-model-cache.h"
#include "pipelines/atelier-latent-diffusion.h"

G_BEGIN_DECLS

#define ATELIER_SAMPLING_PARAM_ROWS                                                                            \
  { .name = "steps", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("S_teps"),                                \
    .help = ATELIER_N_ ("Denoising steps: more are slower and refine the fill"),                               \
    .min = 1, .max = 100, .default_value = 20, .unused_when = "speed=fast" },                                  \
  { .name = "guidance", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("_Guidance"),                       \
    .help = ATELIER_N_ ("How strongly the fill follows the look of photographs (classifier-free guidance); 1 " \
                        "turns it off"),                                                                       \
    .min = 1.0, .max = 10.0, .default_value = 2.0, .step = 0.5, .digits = 1, .unused_when = "speed=fast" },    \
  { .name = "seed", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("S_eed"),                                  \
    .help = ATELIER_N_ ("Start of the random noise: the same seed gives the same fill, another seed another "  \
                        "fill"),                                                                               \
    .min = 0, .max = G_MAXINT32, .default_value = 0 },                                                         \
  { .name = "sampler", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("Sa_mpler"),                         \
    .help = ATELIER_N_ ("DPM-Solver++ reaches a clean result in fewer steps; DDIM is the classic method"),     \
    .default_value = 0, .unused_when = "speed=fast",                                                           \
    ATELIER_CHOICES ({ "dpmpp-2m", ATELIER_N_ ("DPM-Solver++ (2M)") }, { "ddim", ATELIER_N_ ("DDIM") }) }

/* Full or fast sampling, the last row of each filter that samples: appended after the rows above so that scripts
 * written before it keep their argument positions. Fast runs the default U-Net's distilled student
 * (ATELIER_LATENT_DIFFUSION_FAST_UNET) at the steps it was distilled for; steps, guidance and sampler are then
 * the student's own. */
#define ATELIER_SAMPLING_SPEED_ROW                                                                                  \
  { .name = "speed", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("Spee_d"),                                  \
    .help = ATELIER_N_ ("Full samples the model with the steps, guidance and sampler above; fast samples a model "  \
                        "distilled from it in 4 steps and ignores them: its sampling is about three times quicker " \
                        "(the whole filter about twice), its result a little less refined"),                        \
    .default_value = 0,                                                                                             \
    ATELIER_CHOICES ({ "full", ATELIER_N_ ("Full") }, { "fast", ATELIER_N_ ("Fast (distilled model)") }) }

/* The rows alone, as a description without a run, for tools that sample. */
extern const AtelierFilterInfo atelier_sampling_params;

/* Steps, guidance, seed and sampler from @values (of any description holding the rows) into @params. */
gboolean atelier_sampler_params_from_values (const AtelierFilterValues *values, AtelierSamplerParams *params,
                                             GError **error);

/* The U-Net that @values' speed row chooses: the default one, or for "fast" its distilled student. */
const char *atelier_sampling_unet_name (const AtelierFilterValues *values);

/* @params from @values (rows and speed row) for @ld: the rows' steps, guidance and sampler, or for "fast" those
 * @ld's U-Net was distilled for (an error when it was not distilled). */
gboolean atelier_sampling_params_for (const AtelierLatentDiffusion *ld, const AtelierFilterValues *values,
                                      AtelierSamplerParams *params, GError **error);

/* The latent diffusion model of a filter instance, opened once through @models, and its sampler @params from
 * @values (of a description holding the rows and the speed row): the default U-Net with the rows' steps, guidance
 * and sampler, or for speed "fast" its distilled student with its own. What Inpaint, Extend Canvas and Replace
 * Background's generated backgrounds sample with; the label is the caller's. */
const AtelierLatentDiffusion *atelier_sampling_setup (AtelierModelCache *models, const AtelierFilterValues *values,
                                                      AtelierSamplerParams *params, GError **error);

G_END_DECLS
