/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-filter-inpaint.h"

#include "core/atelier-error.h"
#include "pipelines/atelier-autoencode.h"
#include "pipelines/atelier-latent-diffusion.h"

#include <string.h>

static const AtelierParamChoice inpaint_samplers[] = {
  { "dpmpp-2m", ATELIER_N_ ("DPM-Solver++ (2M)") },
  { "ddim", ATELIER_N_ ("DDIM") },
  { NULL },
};

static const AtelierParamSpec inpaint_params[] = {
  { "steps", ATELIER_PARAM_INT, ATELIER_N_ ("S_teps"),
    ATELIER_N_ ("Denoising steps: more are slower and refine the fill"), 1, 100, 20, 1, 0, NULL, NULL },
  { "guidance", ATELIER_PARAM_DOUBLE, ATELIER_N_ ("_Guidance"),
    ATELIER_N_ ("How strongly the fill follows the look of photographs (classifier-free guidance); 1 turns it off"),
    1.0, 10.0, 2.0, 0.5, 1, NULL, NULL },
  { "seed", ATELIER_PARAM_INT, ATELIER_N_ ("S_eed"),
    ATELIER_N_ ("Start of the random noise: the same seed gives the same fill, another seed another fill"),
    0, G_MAXINT32, 0, 1, 0, NULL, NULL },
  { "sampler", ATELIER_PARAM_CHOICE, ATELIER_N_ ("Sa_mpler"),
    ATELIER_N_ ("DPM-Solver++ reaches a clean result in fewer steps; DDIM is the classic method"),
    0, 1, 0, 1, 0, NULL, inpaint_samplers },
  { "working-size", ATELIER_PARAM_INT, ATELIER_N_ ("_Working size"),
    ATELIER_N_ ("Longest side, in pixels, at which the selection and its surroundings are generated; larger "
                "areas are reduced for it and enlarged back"),
    128, 1024, 512, 64, 0, NULL, NULL },
};

/* The fill at a working size of at most the preview's side: about 1.7 s for 20 steps here. When the
 * selection with its context fits that side, the region is the one the filter itself works on, at full
 * resolution, so the preview is the filter's exact result there. */
static gboolean
inpaint_preview (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *region,
                 const AtelierTensor *selection, AtelierTensor **before, AtelierTensor **after, GError **error)
{
  if (selection == NULL)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "inpainting needs a selection");
      return FALSE;
    }
  g_autoptr (AtelierFilterValues) quick = atelier_filter_values_copy (values);
  const int working_side = MIN (atelier_filter_values_get_int (values, "working-size"), ATELIER_PREVIEW_SIDE);
  if (!atelier_filter_values_set (quick, "working-size", working_side, error))
    return FALSE;
  g_autoptr (AtelierTensor) filled = atelier_filter_inpaint_run (ctx, quick, region, selection, error);
  g_autoptr (AtelierTensor) shown = filled ? atelier_tensor_copy (region, error) : NULL;
  if (shown == NULL)
    return FALSE;
  *before = g_steal_pointer (&shown);
  *after = g_steal_pointer (&filled);
  return TRUE;
}

static const AtelierFilterPreview inpaint_preview_info = {
  ATELIER_PREVIEW_SELECTION,
  ATELIER_PREVIEW_SIDE,
  ATELIER_N_ ("Exact for a small selection; a larger one is previewed at reduced size and its fill differs in "
              "the details"),
  inpaint_preview,
};

const AtelierFilterInfo atelier_filter_inpaint = {
  "inpaint",
  ATELIER_N_ ("_Inpaint Selection..."),
  ATELIER_N_ ("Fill the selection with new content that matches its surroundings"),
  ATELIER_N_ ("Removes what is selected and paints in its place what the surroundings suggest, with a "
              "latent diffusion model. The result goes to a new layer; the original is not changed."),
  inpaint_params,
  G_N_ELEMENTS (inpaint_params),
  NULL,
  0,
  &inpaint_preview_info,
};

AtelierTensor *
atelier_filter_inpaint_run (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *image,
                            const AtelierTensor *selection, GError **error)
{
  if (!atelier_filter_values_validate (values, error)
      || !atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, -1, -1, -1 }, error))
    return NULL;
  const int channels = (int) image->shape[1];
  if (channels < 1 || channels > 4)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "inpainting needs grey or RGB pixels, with or without alpha");
      return NULL;
    }
  AtelierLatentDiffusionOptions options = atelier_latent_diffusion_options_default ();
  options.sampler.steps = atelier_filter_values_get_int (values, "steps");
  options.sampler.guidance = (float) atelier_filter_values_get (values, "guidance");
  options.sampler.seed = (guint64) atelier_filter_values_get_int (values, "seed");
  options.working_side = atelier_filter_values_get_int (values, "working-size");
  if (!atelier_sampler_kind_from_name (atelier_filter_values_get_choice (values, "sampler"), &options.sampler.kind,
                                       error))
    return NULL;
  g_autoptr (AtelierLatentDiffusion) ld = atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                                                         ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER,
                                                                         error);
  if (ld == NULL
      || (options.sampler.label = atelier_unet_label_index (atelier_latent_diffusion_get_unet (ld), "photo", error)) < 0)
    return NULL;
  g_autoptr (AtelierTensor) rgb = atelier_image_rgb_planes (image, error);
  g_autoptr (AtelierTensor) filled = rgb ? atelier_latent_diffusion_inpaint (ctx, ld, rgb, selection, &options, error) : NULL;
  AtelierTensor *out = filled ? atelier_tensor_copy (image, error) : NULL;
  if (out == NULL)
    return NULL;
  const int64_t plane = image->shape[2] * image->shape[3];
  const int colours = channels >= 3 ? 3 : 1;
  for (int64_t i = 0; i < plane; i++)
    {
      if (colours == 3)
        for (int c = 0; c < 3; c++)
          out->data[c * plane + i] = filled->data[c * plane + i];
      else
        out->data[i] = (filled->data[i] + filled->data[plane + i] + filled->data[2 * plane + i]) / 3.0f;
    }
  return out;
}
