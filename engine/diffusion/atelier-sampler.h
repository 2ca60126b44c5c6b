/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Samplers for the latent U-Net on its own discrete noise schedule: DDIM (Song et al. 2021, with eta) and
 * DPM-Solver++(2M) (Lu et al. 2022, data prediction, first order on the first and last steps), with
 * classifier-free guidance, image-to-image strength and inpainting. models/unet/sampling.py is the
 * reference implementation that the golden test compares against. */

#include "networks/atelier-unet.h"

G_BEGIN_DECLS

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
int *atelier_sampler_timesteps (const AtelierUNet *unet, int steps, int *count);

/* Samples a normalised latent (1, L, h, w).
 * known: (1, L, h, w) normalised latent of the image whose unmasked cells are kept, or NULL (zeros: pure
 *   generation); mask: (1, 1, h, w), 1 where to generate, or NULL (everywhere). In the kept cells the
 *   model's denoised estimate is replaced by the known latent at every step, so they end exactly on it.
 * noise: the initial noise (1, L, h, w), or NULL to draw it from the seed (stream 0).
 * Progress: "Denoising i/n" through the context, as a fraction of the steps. */
AtelierTensor *atelier_sampler_run (AtelierContext *ctx, const AtelierUNet *unet, const AtelierSamplerParams *params,
                                    const AtelierTensor *known, const AtelierTensor *mask, const AtelierTensor *noise,
                                    GError **error);

G_END_DECLS
