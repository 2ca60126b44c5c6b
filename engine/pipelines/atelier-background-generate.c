/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-generate.h"

#include "core/atelier-error.h"
#include "ops/atelier-ops.h"
#include "pipelines/atelier-upscale.h"

static AtelierTensor *
inverted (const AtelierTensor *alpha, GError **error)
{
  AtelierTensor *selection = atelier_tensor_new_like (alpha, error);
  for (gint64 i = 0; selection != NULL && i < atelier_tensor_numel (alpha); i++)
    selection->data[i] = 1.0f - CLAMP (alpha->data[i], 0.0f, 1.0f);
  return selection;
}

AtelierTensor *
atelier_background_subject_in_grey (const AtelierTensor *rgb, const AtelierTensor *alpha, GError **error)
{
  AtelierTensor *out = atelier_tensor_copy (rgb, error);
  const gint64 n = atelier_tensor_numel (alpha);
  for (gint64 i = 0; out != NULL && i < n; i++)
    {
      const float a = CLAMP (alpha->data[i], 0.0f, 1.0f);
      const float y = 0.299f * rgb->data[i] + 0.587f * rgb->data[n + i] + 0.114f * rgb->data[2 * n + i];
      for (int c = 0; c < 3; c++)
        out->data[c * n + i] += (y - out->data[c * n + i]) * a;
    }
  return out;
}

/* @image (or NULL, passed on) with its values brought back into 0..1: resampling overshoots at edges. */
static AtelierTensor *
clamped (AtelierTensor *image)
{
  for (gint64 i = 0; image != NULL && i < atelier_tensor_numel (image); i++)
    image->data[i] = CLAMP (image->data[i], 0.0f, 1.0f);
  return image;
}

/* @small through the super-resolution network, at the network's own scale. */
static AtelierTensor *
sharpened (AtelierContext *ctx, const AtelierTensor *small, const AtelierRdn *enlarger, GError **error)
{
  const AtelierUpscaleOptions upscale_options = { 0, -1 };
  return atelier_upscale (ctx, enlarger, small, &upscale_options, error);
}

/* @small to h x w: through the super-resolution network first when there is one and the background is to be
 * enlarged, then bicubic to the exact size. */
static AtelierTensor *
enlarge (AtelierContext *ctx, const AtelierTensor *small, const AtelierRdn *enlarger, gint64 h, gint64 w,
         GError **error)
{
  g_autoptr (AtelierTensor) sharp = NULL;
  if (enlarger != NULL && (small->shape[2] < h || small->shape[3] < w)
      && (sharp = sharpened (ctx, small, enlarger, error)) == NULL)
    return NULL;
  return clamped (atelier_resize (ctx, sharp ? sharp : small, h, w, ATELIER_RESIZE_BICUBIC, error));
}

AtelierTensor *
atelier_background_generate (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *rgb,
                             const AtelierTensor *alpha, const AtelierGeneratedBackgroundOptions *options,
                             GError **error)
{
  if (options->keep_layout < 0.0f || options->keep_layout >= 1.0f)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "generated background: keep layout must be at least 0 and below 1");
      return NULL;
    }
  AtelierLatentDiffusionOptions diffusion = options->diffusion;
  diffusion.sampler.strength = 1.0f - options->keep_layout;
  g_autoptr (AtelierTensor) selection = inverted (alpha, error);
  g_autoptr (AtelierTensor) grey = selection ? atelier_background_subject_in_grey (rgb, alpha, error) : NULL;
  g_autoptr (AtelierTensor) small
    = grey ? atelier_latent_diffusion_fill_at_working_size (ctx, ld, grey, selection, &diffusion, error) : NULL;
  return small ? enlarge (ctx, small, options->enlarger, rgb->shape[2], rgb->shape[3], error) : NULL;
}

AtelierTensor *
atelier_background_generate_surface (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *rgb,
                                     const AtelierGeneratedBackgroundOptions *options, GError **error)
{
  AtelierLatentDiffusionOptions diffusion = options->diffusion;
  diffusion.sampler.strength = 1.0f;
  g_autoptr (AtelierTensor) everything = atelier_tensor_new_4d (1, 1, rgb->shape[2], rgb->shape[3], error);
  if (everything == NULL)
    return NULL;
  atelier_tensor_fill (everything, 1.0f);
  g_autoptr (AtelierTensor) small = atelier_latent_diffusion_fill_at_working_size (ctx, ld, rgb, everything,
                                                                                  &diffusion, error);
  if (small == NULL || options->enlarger == NULL)
    return g_steal_pointer (&small);
  return clamped (sharpened (ctx, small, options->enlarger, error));
}
