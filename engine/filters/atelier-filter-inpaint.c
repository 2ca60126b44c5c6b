/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Inpaint: the selection filled by the latent diffusion model, as a new layer above the source. */
#include "filters/atelier-filter.h"

#include "core/atelier-image-planes.h"
#include "filters/atelier-inpaint-params.h"

#include <string.h>

static const AtelierParamSpec inpaint_params[] = {
  ATELIER_SAMPLING_PARAM_ROWS,
  ATELIER_INPAINT_WORKING_SIZE_ROW,
  { .name = "grow", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Grow selection"),
    .help = ATELIER_N_ ("Pixels by which the selection is enlarged first, so that a tight selection does not leave "
                        "the object's edge behind"),
    .cli_help = ATELIER_N_ ("Pixels by which the mask's white area is enlarged first, so that a tight mask does not "
                            "leave the object's edge behind"),
    .min = 0, .max = 256, .default_value = 0 },
  { .name = "feather", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Feather"),
    .help = ATELIER_N_ ("Pixels over which the fill fades into the photograph outside the (grown) selection"),
    .cli_help = ATELIER_N_ ("Pixels over which the fill fades into the photograph outside the (grown) mask"),
    .min = 0, .max = 256, .default_value = 0 },
  { .name = "context", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Context"),
    .help = ATELIER_N_ ("Pixels of surroundings the fill of each selected region looks at around it; 0: as wide as "
                        "the region itself"),
    .min = 0, .max = 4096, .default_value = 0, .step = 16 },
  { .name = "fill", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Fill"),
    .help = ATELIER_N_ ("What fills each region: automatic picks a smooth interpolation of the border for thin "
                        "regions and adds the model's detail to it for the others"),
    .default_value = 0,
    ATELIER_CHOICES ({ "auto", ATELIER_N_ ("Automatic") }, { "model", ATELIER_N_ ("Diffusion model") },
                     { "membrane", ATELIER_N_ ("Smooth (membrane)") },
                     { "detail", ATELIER_N_ ("Smooth with the model's detail") }) },
  { .name = "variations", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Variations"),
    .help = ATELIER_N_ ("Fills to make, each from the next seed, as layers to pick from: the first shown, the others "
                        "hidden (a smooth fill is the same for every seed)"),
    .min = 1, .max = 8, .default_value = 1 },
  ATELIER_SAMPLING_SPEED_ROW,
};

/* Regions up to this thickness (twice the largest distance inside to their border) are filled by the membrane
 * under "auto", thicker ones by the membrane with the model's detail. On the held-aside photographs of
 * docs/inpaint-evaluation.md the membrane had the best hole PSNR of every method on the 1 % and 6 % boxes
 * (26 and 63 pixels thick) and the strokes (13 to 46), and the membrane with the model's detail the better
 * PSNR and GMSD than the model alone on the 25 % box (128); 96 lies between the two sizes measured. */
#define MEMBRANE_THICKNESS 96

static const AtelierResultSpec inpaint_results[] = {
  { .name = "model-regions", .type = ATELIER_RESULT_INT, .label = ATELIER_N_ ("Regions filled by the model"),
    .help = ATELIER_N_ ("Separate parts of the selection filled by the diffusion model, each on a window of its own "
                        "surroundings") },
  { .name = "membrane-regions", .type = ATELIER_RESULT_INT, .label = ATELIER_N_ ("Regions filled smoothly"),
    .help = ATELIER_N_ ("Separate parts of the selection thin enough to be filled by a smooth interpolation of their "
                        "border (membrane), which is closer there than the model's fill") },
  { .name = "detail-regions", .type = ATELIER_RESULT_INT, .label = ATELIER_N_ ("Regions filled smoothly with detail"),
    .help = ATELIER_N_ ("Separate parts of the selection filled by the membrane with the model's fine detail on top") },
};

/* The layer's alpha: the selection's values, times the source's alpha, so that stacked above the source the
 * layer shows exactly the inpainted image and can be masked, hidden or deleted without touching the source. */
static void
layer_alpha (const AtelierTensor *image, const AtelierTensor *mask, AtelierTensor *alpha)
{
  for (int64_t i = 0; i < atelier_tensor_numel (alpha); i++)
    alpha->data[i] = CLAMP (mask->data[i], 0.0f, 1.0f);
  g_autoptr (AtelierTensor) source_alpha = atelier_planes_alpha_view (image);
  if (source_alpha != NULL)
    atelier_planes_premultiply (alpha, source_alpha);
}

/* The fill as a layer of its own: its colour the inpainted image, opaque where the selection is. An RGB source's
 * fill is made in the layer's own colour planes, so that a 24-megapixel photograph is copied once, not four
 * times (into the RGB, the result, the layer's colour and the joined layer). */
static AtelierTensor *
inpainted_layer (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                 const AtelierTensor *mask, const AtelierInpaintRegionsOptions *options, int counts[4],
                 GError **error)
{
  const int64_t H = image->shape[2], W = image->shape[3], plane = H * W;
  if (atelier_planes_colours ((int) image->shape[1]) == 1)
    {
      g_autoptr (AtelierTensor) rgb = atelier_planes_rgb (image, error);
      g_autoptr (AtelierTensor) filled = rgb ? atelier_inpaint_regions (ctx, ld, rgb, mask, options, counts, error)
                                             : NULL;
      g_autoptr (AtelierTensor) colour = filled ? atelier_planes_from_rgb (filled, 1, error) : NULL;
      g_autoptr (AtelierTensor) alpha = colour ? atelier_tensor_new_like (mask, error) : NULL;
      if (alpha == NULL)
        return NULL;
      layer_alpha (image, mask, alpha);
      return atelier_planes_join (colour, alpha, error);
    }
  g_autoptr (AtelierTensor) layer = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, 4, H, W }, error);
  if (layer == NULL)
    return NULL;
  memcpy (layer->data, image->data, 3 * plane * sizeof (float));
  g_autoptr (AtelierTensor) rgb = atelier_tensor_new_view (image->data, 4, (const int64_t[]) { 1, 3, H, W });
  g_autoptr (AtelierTensor) colour = atelier_tensor_new_view (layer->data, 4, (const int64_t[]) { 1, 3, H, W });
  g_autoptr (AtelierTensor) alpha = atelier_tensor_new_view (layer->data + 3 * plane, 4, (const int64_t[]) { 1, 1, H, W });
  if (!atelier_inpaint_regions_into (ctx, ld, rgb, mask, options, colour, counts, error))
    return NULL;
  layer_alpha (image, mask, alpha);
  return g_steal_pointer (&layer);
}

static gboolean
inpaint_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
             const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  AtelierInpaintRegionsOptions options;
  const AtelierLatentDiffusion *ld = atelier_inpaint_setup (models, values, &options, error);
  if (ld == NULL)
    return FALSE;
  const int context = atelier_filter_values_get_int (values, "context");
  options.diffusion.context = context > 0 ? context : -1;
  options.fill = atelier_filter_values_get_int (values, "fill");
  options.membrane_thickness = MEMBRANE_THICKNESS;
  g_autoptr (AtelierTensor) mask = atelier_inpaint_regions_mask (ctx, in->selection,
                                                                 atelier_filter_values_get_int (values, "grow"),
                                                                 atelier_filter_values_get_int (values, "feather"),
                                                                 error);
  if (mask == NULL)
    return FALSE;
  /* Each variation from the next seed: the first is the layer, the others hidden layers beside it, their seeds
   * in their names and all of them in the settings parasite. */
  const int variations = atelier_filter_values_get_int (values, "variations");
  const guint64 seed = options.diffusion.sampler.seed;
  g_autoptr (GString) seeds = g_string_new ("{\"seeds\": [");
  for (int k = 0; k < variations; k++)
    {
      int counts[4] = { 0 };
      options.diffusion.sampler.seed = seed + k;
      AtelierTensor *layer = inpainted_layer (ctx, ld, in->image, mask, &options, counts, error);
      if (layer == NULL)
        return FALSE;
      g_autofree char *seed_text = g_strdup_printf ("%" G_GUINT64_FORMAT, seed + k);
      g_string_append_printf (seeds, "%s%s", k > 0 ? ", " : "", seed_text);
      if (k > 0)
        {
          g_autofree char *title = g_strdup_printf (atelier_i18n (ATELIER_N_ ("Inpainted #%d (seed %s)")), k + 1,
                                                    seed_text);
          atelier_filter_output_add_picture (out, "variation", title, ATELIER_PICTURE_LAYER, 100, layer)->hidden = TRUE;
          continue;
        }
      out->pixels = layer;
      atelier_filter_output_set_number (out, "model-regions", counts[ATELIER_INPAINT_FILL_DIFFUSION]);
      atelier_filter_output_set_number (out, "membrane-regions", counts[ATELIER_INPAINT_FILL_MEMBRANE]);
      atelier_filter_output_set_number (out, "detail-regions", counts[ATELIER_INPAINT_FILL_DETAIL]);
    }
  g_string_append (seeds, "]}");
  atelier_filter_output_set_settings (out, values, seeds->str);
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
  .results = inpaint_results,
  .n_results = G_N_ELEMENTS (inpaint_results),
  .output = ATELIER_OUTPUT_NEW_LAYER,
  .digital_source = ATELIER_SOURCE_COMPOSITE_TRAINED,
  .new_layer_name = ATELIER_N_ ("Inpainted"),
  .needs_selection = TRUE,
  .preview = &inpaint_preview,
  .run = inpaint_run,
};
