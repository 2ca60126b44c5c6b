/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The latent diffusion U-Net (architecture "latent-unet", models/unet/unet_torch.py is the same network in
 * PyTorch). Input: noisy latent, inpainting mask (1 = to generate) and latent of the masked image, stacked
 * as 2 L + 1 channels; conditioning: a timestep and a style label (0 = the null label of classifier-free
 * guidance). Output: the model's prediction (v or epsilon, see atelier_unet_get_prediction) with L
 * channels. Latents are normalised per channel with the mean and standard deviation stored in the model. */

#include "core/atelier-context.h"
#include "model/atelier-model.h"

G_BEGIN_DECLS

typedef struct _AtelierUNet AtelierUNet;

typedef enum
{
  ATELIER_PREDICTION_EPSILON,
  ATELIER_PREDICTION_V,
} AtelierPrediction;

AtelierUNet *atelier_unet_new (const AtelierModel *model, GError **error);
void atelier_unet_free (AtelierUNet *unet);

int atelier_unet_get_latent_channels (const AtelierUNet *unet);
/* Length S of the scene vector a v2 model is conditioned on (light x, light y towards the light with y down
 * and length the strength; composition +1 horizon, -1 flat-lay, 0 unknown; the horizon's row relative to the
 * picture, 0 its middle, -0.5 its top); 0 for a v1 model. */
int atelier_unet_get_scene_channels (const AtelierUNet *unet);
/* The most scene channels a manifest may declare, so that callers can hold a vector on the stack. */
#define ATELIER_UNET_MAX_SCENE_CHANNELS 64
/* A student distilled for few-step sampling (models/unet/distill.py): the DDIM steps it was distilled for, 0 for
 * a model trained as usual; and the classifier-free guidance of the teacher it learnt, which it has built in, so
 * that it runs without a guidance pass of its own. */
int atelier_unet_get_distilled_steps (const AtelierUNet *unet);
double atelier_unet_get_distilled_guidance (const AtelierUNet *unet);
/* Latent sides must be multiples of this (the U-Net halves them levels - 1 times). */
int atelier_unet_get_size_multiple (const AtelierUNet *unet);
AtelierPrediction atelier_unet_get_prediction (const AtelierUNet *unet);
/* Style labels, index 0 being the null label; NULL-terminated, owned by the network. */
const char *const *atelier_unet_get_labels (const AtelierUNet *unet);
/* The label's index, or -1 with an error listing the labels. */
int atelier_unet_label_index (const AtelierUNet *unet, const char *name, GError **error);
/* alphas_cumprod of the model's discrete noise schedule, (steps) values; owned by the network. */
const double *atelier_unet_get_alphas_cumprod (const AtelierUNet *unet, int *steps);
/* (L) per-channel mean and standard deviation of the autoencoder's latents. */
const float *atelier_unet_get_latent_mean (const AtelierUNet *unet);
const float *atelier_unet_get_latent_std (const AtelierUNet *unet);

/* input (N, 2 L + 1, h, w) -> (N, L, h, w); sample i is conditioned on timesteps[i] and labels[i]. */
AtelierTensor *atelier_unet_forward (AtelierContext *ctx, const AtelierUNet *unet, const AtelierTensor *input,
                                     const float *timesteps, const int *labels, GError **error);

/* The same with (N, S) scene vectors, row i for sample i; NULL (or a v1 model, which ignores them) is the
 * all-zero vector, "not said". */
AtelierTensor *atelier_unet_forward_scene (AtelierContext *ctx, const AtelierUNet *unet, const AtelierTensor *input,
                                           const float *timesteps, const int *labels, const float *scenes,
                                           GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierUNet, atelier_unet_free)

G_END_DECLS
