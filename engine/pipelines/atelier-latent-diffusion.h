/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Whole jobs of the latent diffusion model: the autoencoder (images <-> latents) and the U-Net with its
 * samplers. The diffusion runs at a working resolution whose long side is at most working_side pixels
 * (the cost of attention grows with the square of the latent's area); a larger region is reduced for it
 * and the result enlarged back, so memory and time stay bounded whatever the image size. */

#include "diffusion/atelier-sampler.h"
#include "networks/atelier-autoencoder.h"
#include "networks/atelier-unet.h"

G_BEGIN_DECLS

typedef struct _AtelierLatentDiffusion AtelierLatentDiffusion;

#define ATELIER_LATENT_DIFFUSION_DEFAULT_UNET "latent-unet"
#define ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER "taef2"
/* The default U-Net's student, distilled for few steps (models/unet/distill.py). */
#define ATELIER_LATENT_DIFFUSION_FAST_UNET "latent-unet-fast"

/* Finds and opens both models (names or manifest paths, see atelier_model_find); they must agree on the
 * latent channel count. */
AtelierLatentDiffusion *atelier_latent_diffusion_open (const char *unet_name, const char *autoencoder_name,
                                                       GError **error);
void atelier_latent_diffusion_free (AtelierLatentDiffusion *ld);
const AtelierUNet *atelier_latent_diffusion_get_unet (const AtelierLatentDiffusion *ld);
const AtelierAutoencoder *atelier_latent_diffusion_get_autoencoder (const AtelierLatentDiffusion *ld);

/* The sampler (atelier_sampler_run: known, mask and noise as there) with @unet as its denoiser, conditioned
 * on the mask and the known latent outside it, and on @scene (atelier_unet_get_scene_channels values, or NULL:
 * not said) wherever it is on the label (the guidance's unconditional pass has neither, as in training). Samples a
 * normalised latent (1, L, h, w). */
AtelierTensor *atelier_latent_diffusion_sample (AtelierContext *ctx, const AtelierUNet *unet,
                                                const AtelierSamplerParams *params, const float *scene,
                                                const AtelierTensor *known,
                                                const AtelierTensor *mask, const AtelierTensor *noise,
                                                GError **error);

/* @params made to run @ld's U-Net as the distilled student it is: DDIM without fresh noise at the steps it was
 * distilled for, guidance 1 (its teacher's guidance is built in, so one pass per step); label, seed and strength
 * are kept. An error when the U-Net is not a student. */
gboolean atelier_latent_diffusion_student_params (const AtelierLatentDiffusion *ld, AtelierSamplerParams *params,
                                                  GError **error);

typedef struct
{
  AtelierSamplerParams sampler;
  int working_side; /* pixels, at least 64 */
  int context;      /* inpainting: pixels of surroundings around the selection's box; < 0: as large as the box */
  /* The scene the background is to show (light, composition: atelier_unet_get_scene_channels), or NULL: not said.
   * A U-Net without scene channels ignores it. */
  const float *scene;
} AtelierLatentDiffusionOptions;

AtelierLatentDiffusionOptions atelier_latent_diffusion_options_default (void);

/* A new image (1, 3, height, width), RGB 0..1, of the options' style label. */
AtelierTensor *atelier_latent_diffusion_generate (AtelierContext *ctx, const AtelierLatentDiffusion *ld,
                                                  int width, int height,
                                                  const AtelierLatentDiffusionOptions *options, GError **error);

/* image (1, 3, H, W) RGB 0..1; selection (1, 1, H, W) 0..1, where > 0 is to be filled. The model fills the
 * selection's box and its surroundings, and the result is blended in by the selection's own values: pixels
 * outside it are the input's exactly. The fill reads only the unselected pixels (at or below
 * ATELIER_SELECTED_THRESHOLD, what 8-bit storage holds as 0): whatever the selected ones hold, a fully
 * selected pixel comes out the same, and a partly selected one is its own value blended with that same
 * fill. An empty selection, or one that leaves nothing of the image to go by, is an error. */
AtelierTensor *atelier_latent_diffusion_inpaint (AtelierContext *ctx, const AtelierLatentDiffusion *ld,
                                                 const AtelierTensor *image, const AtelierTensor *selection,
                                                 const AtelierLatentDiffusionOptions *options, GError **error);

/* The model's content for the selected part of @image (1, 3, H, W) and the kept rest, at the working resolution
 * (the long side at most working_side, on the latent grid): (1, 3, h, w). Unlike inpaint nothing is blended back,
 * colour-matched or enlarged, for callers that compose and enlarge the result themselves (Replace Background
 * generates everything around a subject, whose own pixels it keeps). With the sampler's strength at 1 the fill
 * reads only the unselected pixels, as inpaint's does (with every pixel selected, none: the generation of
 * _generate at the working size); below 1 it starts from the selected pixels' own content noised to that level
 * (image to image), so it keeps their layout. */
AtelierTensor *atelier_latent_diffusion_fill_at_working_size (AtelierContext *ctx, const AtelierLatentDiffusion *ld,
                                                              const AtelierTensor *image, const AtelierTensor *selection,
                                                              const AtelierLatentDiffusionOptions *options,
                                                              GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierLatentDiffusion, atelier_latent_diffusion_free)

G_END_DECLS
