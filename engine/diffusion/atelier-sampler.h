/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Samplers for a latent denoiser on its own discrete noise schedule: DDIM (Song et al. 2021, with eta) and
 * DPM-Solver++(2M) (Lu et al. 2022, data prediction, first order on the first and last steps), with
 * classifier-free guidance, image-to-image strength and inpainting. models/unet/sampling.py is the
 * reference implementation that the golden test compares against. The network is a callback, so that
 * any denoiser can be sampled: the latent U-Net is one (atelier_latent_diffusion_sample). */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* What a denoiser's output predicts of the noisy latent x = alpha x0 + sigma epsilon. */
typedef enum
{
  ATELIER_DENOISER_PREDICTS_EPSILON,
  ATELIER_DENOISER_PREDICTS_V, /* alpha epsilon - sigma x0 (Salimans & Ho 2022) */
} AtelierDenoiserPrediction;

/* The network's output for @count copies of the noisy latent @x (1, L, h, w) at timestep @t, copy i
 * conditioned on labels[i] (label 0 is the null label of classifier-free guidance): (count, L, h, w). */
typedef AtelierTensor *(*AtelierDenoiseFunc) (AtelierContext *ctx, gpointer user_data, const AtelierTensor *x,
                                              int t, const int *labels, int count, GError **error);

typedef struct
{
  int latent_channels;           /* L */
  const double *alphas_cumprod;  /* (schedule_steps): the discrete noise schedule it was trained on */
  int schedule_steps;
  AtelierDenoiserPrediction prediction;
  AtelierDenoiseFunc denoise;
  gpointer user_data;
} AtelierDenoiser;

typedef enum
{
  ATELIER_SAMPLER_DDIM,
  ATELIER_SAMPLER_DPMPP_2M,
} AtelierSamplerKind;

gboolean atelier_sampler_kind_from_name (const char *name, AtelierSamplerKind *kind, GError **error);

typedef struct
{
  AtelierSamplerKind kind;
  int steps;      /* solver steps over the whole schedule (1..1000); strength runs the last of them */
  float eta;      /* DDIM: 0 deterministic, 1 as DDPM; ignored by DPM-Solver++ */
  float guidance; /* classifier-free guidance scale; 1 runs only the conditional pass */
  float strength; /* 0..1: 1 starts from pure noise, less from the known latent noised to that level */
  int label;      /* style label index (0 = unconditional) */
  guint64 seed;
} AtelierSamplerParams;

AtelierSamplerParams atelier_sampler_params_default (void);

/* The timesteps the sampler visits, from the noisiest: "trailing" spacing, so that the first is the last
 * step of the schedule (pure noise); *count is min (steps, schedule steps). */
int *atelier_sampler_timesteps (int schedule_steps, int steps, int *count);

/* Samples a normalised latent (1, L, h, w).
 * known: (1, L, h, w) normalised latent of the image whose unmasked cells are kept, or NULL (zeros: pure
 *   generation); mask: (1, 1, h, w), 1 where to generate, or NULL (everywhere). In the kept cells the
 *   model's denoised estimate is replaced by the known latent at every step, so they end exactly on it.
 * noise: the initial noise (1, L, h, w), or NULL to draw it from the seed (stream 0).
 * Progress: "Denoising i/n" through the context, as a fraction of the steps. */
AtelierTensor *atelier_sampler_run (AtelierContext *ctx, const AtelierDenoiser *denoiser,
                                    const AtelierSamplerParams *params, const AtelierTensor *known,
                                    const AtelierTensor *mask, const AtelierTensor *noise, GError **error);

G_END_DECLS
