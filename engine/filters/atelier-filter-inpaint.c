/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inpaint: the selection filled by the latent diffusion model, as a new layer above the source. */
#include "filters/atelier-filter.h"

#include "core/atelier-image-planes.h"
#include "filters/atelier-model-cache.h"
#include "filters/atelier-sampling-params.h"
#include "pipelines/atelier-latent-diffusion.h"

static const AtelierParamSpec inpaint_params[] = {
  ATELIER_SAMPLING_PARAM_ROWS,
  { .name = "working-size", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Working size"),
    .help = ATELIER_N_ ("Longest side, in pixels, at which the selection and its surroundings are generated; larger "
                        "areas are reduced for it and enlarged back"),
    .cli_help = ATELIER_N_ ("Longest side, in pixels, at which the mask's white area and its surroundings are "
                            "generated; larger areas are reduced for it and enlarged back"),
    .min = 128, .max = 1024, .default_value = 512, .step = 64 },
};

/* The fill as a layer of its own: the result's colour, opaque where the selection is (times the source's
 * alpha), so that stacked above the source it shows exactly the inpainted image and can be masked, hidden or
 * deleted without touching the source. */
static AtelierTensor *
fill_layer (const AtelierTensor *image, const AtelierTensor *selection, const AtelierTensor *filled_rgb,
            GError **error)
{
  g_autoptr (AtelierTensor) colour = atelier_planes_from_rgb (filled_rgb, atelier_planes_colours ((int) image->shape[1]),
                                                              error);
  g_autoptr (AtelierTensor) alpha = colour ? atelier_tensor_copy (selection, error) : NULL;
  if (alpha == NULL)
    return NULL;
  for (int64_t i = 0; i < atelier_tensor_numel (alpha); i++)
    alpha->data[i] = CLAMP (alpha->data[i], 0.0f, 1.0f);
  g_autoptr (AtelierTensor) source_alpha = atelier_planes_alpha_view (image);
  if (source_alpha != NULL)
    atelier_planes_premultiply (alpha, source_alpha);
  return atelier_planes_join (colour, alpha, error);
}

static gboolean
inpaint_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
             const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  AtelierLatentDiffusionOptions options = atelier_latent_diffusion_options_default ();
  options.working_side = atelier_filter_values_get_int (values, "working-size");
  if (!atelier_sampler_params_from_values (values, &options.sampler, error))
    return FALSE;
  const AtelierLatentDiffusion *ld = atelier_latent_diffusion_cached (models, error);
  if (ld == NULL
      || (options.sampler.label = atelier_unet_label_index (atelier_latent_diffusion_get_unet (ld), "photo", error)) < 0)
    return FALSE;
  g_autoptr (AtelierTensor) rgb = atelier_planes_rgb (in->image, error);
  g_autoptr (AtelierTensor) filled = rgb ? atelier_latent_diffusion_inpaint (ctx, ld, rgb, in->selection, &options, error)
                                         : NULL;
  out->pixels = filled ? fill_layer (in->image, in->selection, filled, error) : NULL;
  return out->pixels != NULL;
}

/* The fill at a working size of at most the preview's side: about 1.7 s for 20 steps here. When the
 * selection with its context fits that side, the region is the one the filter itself works on, at full
 * resolution, so the preview is the filter's exact result there. */
static gboolean
inpaint_preview_quick (const AtelierTensor *region, AtelierFilterValues *quick, int64_t window[4], GError **error)
{
  (void) region;
  (void) window;
  const int working_side = MIN (atelier_filter_values_get_int (quick, "working-size"), ATELIER_PREVIEW_SIDE);
  return atelier_filter_values_set (quick, "working-size", working_side, error);
}

static const AtelierFilterPreview inpaint_preview = {
  .region = ATELIER_PREVIEW_SELECTION,
  .region_side = ATELIER_PREVIEW_SIDE,
  .note = ATELIER_N_ ("Exact for a small selection; a larger one is previewed at reduced size and its fill differs in "
                      "the details"),
  .prepare = inpaint_preview_quick,
};

const AtelierFilterInfo atelier_filter_inpaint = {
  .name = "inpaint",
  .menu_label = ATELIER_N_ ("_Inpaint Selection..."),
  .blurb = ATELIER_N_ ("Fill the selection with new content that matches its surroundings"),
  .help = ATELIER_N_ ("Removes what is selected and paints in its place what the surroundings suggest, with a "
                      "latent diffusion model. The result goes to a new layer; the original is not changed."),
  .params = inpaint_params,
  .n_params = G_N_ELEMENTS (inpaint_params),
  .output = ATELIER_OUTPUT_NEW_LAYER,
  .digital_source = ATELIER_SOURCE_COMPOSITE_TRAINED,
  .new_layer_name = ATELIER_N_ ("Inpainted"),
  .needs_selection = TRUE,
  .preview = &inpaint_preview,
  .run = inpaint_run,
};
