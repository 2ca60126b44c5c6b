/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Replace Background's generated background: the latent diffusion model paints everything around the kept
 * subject (inpainting with the subject's matte inverted, so that it sees the product's footprint and the new
 * surface meets it), at its working resolution; only that background is then enlarged to the picture's size. */

#include "networks/atelier-rdn.h"
#include "pipelines/atelier-latent-diffusion.h"

G_BEGIN_DECLS

typedef struct
{
  AtelierLatentDiffusionOptions diffusion; /* the sampler's label, seed, steps and guidance; its strength is set
                                              from keep_layout */
  float keep_layout;       /* 0: the background is new, a function of the subject's pixels alone; up to 1: the
                              old background restyled (image to image), more of its layout kept */
  const AtelierRdn *enlarger; /* super-resolution for the enlargement, or NULL: bicubic */
} AtelierGeneratedBackgroundOptions;

/* What the model is shown: @rgb (1, 3, H, W) with its subject (by @alpha (1, 1, H, W)) turned grey, its luminance
 * kept (Rec. 601: 0.299 R + 0.587 G + 0.114 B), as much as the subject covers the pixel (alpha). The model then sees
 * the subject's shape, shading and footprint but not its hue, which it otherwise continued into the new background
 * (a yellow glow beside a vitamin bottle's yellow label). */
AtelierTensor *atelier_background_subject_in_grey (const AtelierTensor *rgb, const AtelierTensor *alpha,
                                                   GError **error);

/* @rgb (1, 3, H, W) the picture, @alpha (1, 1, H, W) its subject -> a background (1, 3, H, W), RGB 0..1, to be
 * composed under the subject. Where @alpha is (within half an 8-bit step of) 1 it holds the model's view of the
 * subject, which the composition does not show. */
AtelierTensor *atelier_background_generate (AtelierContext *ctx, const AtelierLatentDiffusion *ld,
                                            const AtelierTensor *rgb, const AtelierTensor *alpha,
                                            const AtelierGeneratedBackgroundOptions *options, GError **error);

/* A surface with nothing kept: the whole picture painted from noise in @options' style at the working size
 * (1, 3, h, w) for @rgb's aspect (a tabletop scene, atelier-background-tabletop.h, lays it as its floor), through
 * the enlarger at its own scale when there is one (sharper near the camera), not resized to the picture's size.
 * keep_layout is not used. */
AtelierTensor *atelier_background_generate_surface (AtelierContext *ctx, const AtelierLatentDiffusion *ld,
                                                    const AtelierTensor *rgb,
                                                    const AtelierGeneratedBackgroundOptions *options, GError **error);

G_END_DECLS
