/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replace Background: the photograph's subject on a new plain background (pure white, a colour, a vertical
 * gradient or a studio sweep) with a soft contact shadow under it. The subject is the selection when there is
 * one, otherwise Select Subject's matte with the subject's own colours in its edge; wherever it is fully
 * opaque the source pixel is kept bit for bit. The result is a new layer above the source, which is not
 * changed. */
#include "filters/atelier-filter.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "filters/atelier-subject-params.h"
#include "pipelines/atelier-background-compose.h"
#include "pipelines/atelier-background-presets.h"

static const AtelierParamSpec replace_background_params[] = {
  { .name = "background", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Background"),
    .help = ATELIER_N_ ("Pure white (RGB 255, as marketplaces ask), one colour, a gradient from the colour to the "
                        "bottom colour, or a studio sweep of the colour curving from the floor up the wall"),
    .default_value = 0,
    ATELIER_CHOICES ({ "white", ATELIER_N_ ("White") }, { "colour", ATELIER_N_ ("Colour") },
                     { "gradient", ATELIER_N_ ("Vertical gradient") }, { "studio", ATELIER_N_ ("Studio sweep") }) },
  { .name = "colour", .type = ATELIER_PARAM_COLOUR, .label = ATELIER_N_ ("_Colour"),
    .help = ATELIER_N_ ("The background's colour, the gradient's colour at the top, or the studio sweep's"),
    .default_value = 0xf2f2f2 },
  { .name = "bottom-colour", .type = ATELIER_PARAM_COLOUR, .label = ATELIER_N_ ("B_ottom colour"),
    .help = ATELIER_N_ ("The gradient's colour at the bottom"), .default_value = 0xc8c8c8 },
  { .name = "shadow-opacity", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Shadow _opacity"),
    .help = ATELIER_N_ ("How dark the contact shadow under the subject is; 0 leaves it out"),
    .min = 0.0, .max = 1.0, .default_value = 0.4, .step = 0.05, .digits = 2 },
  { .name = "shadow-softness", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("Shadow so_ftness (px)"),
    .help = ATELIER_N_ ("How far the shadow's edge fades out, in pixels"), .min = 0, .max = 200,
    .default_value = 12 },
  { .name = "shadow-distance", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("Shadow _distance (px)"),
    .help = ATELIER_N_ ("How far below the subject's bottom edge the shadow's centre lies, in pixels"), .min = 0,
    .max = 200, .default_value = 2 },
  ATELIER_SUBJECT_PARAM_ROWS,
  /* Last, so that scripts written before it keep their argument positions. Choice names are preset names
   * (pipelines/atelier-background-presets.c); tests/test-background-presets.c checks that they agree. */
  { .name = "preset", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("Product _category"),
    .help = ATELIER_N_ ("A background for the product's category: its surface, composition and light, and a "
                        "contact shadow that agrees with that light (the preset's opacity and softness replace the "
                        "shadow settings above); None keeps the settings above"),
    .default_value = 0,
    ATELIER_CHOICES ({ "none", ATELIER_N_ ("None") }, { "jewellery", ATELIER_N_ ("Jewellery") },
                     { "clothing", ATELIER_N_ ("Clothing") }, { "food", ATELIER_N_ ("Food and spices") },
                     { "cosmetics", ATELIER_N_ ("Cosmetics") }, { "electronics", ATELIER_N_ ("Electronics") },
                     { "home", ATELIER_N_ ("Home and plants") }) },
};

static AtelierBackgroundOptions
background_options (const AtelierFilterValues *values)
{
  AtelierBackgroundOptions options = { .kind = atelier_filter_values_get_int (values, "background") };
  atelier_filter_values_get_colour (values, "colour", options.colour);
  atelier_filter_values_get_colour (values, "bottom-colour", options.bottom_colour);
  return options;
}

static gboolean
covers_everything (const AtelierTensor *selection)
{
  const gint64 n = atelier_tensor_numel (selection);
  for (gint64 i = 0; i < n; i++)
    if (selection->data[i] < 1.0f)
      return FALSE;
  return TRUE;
}

/* The subject's matte (1, 1, H, W) and the image as RGB: the selection when there is one, else Select
 * Subject's; the image's own transparency is never subject. */
static AtelierTensor *
subject_alpha (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
               const AtelierFilterInput *in, AtelierTensor **rgb, GError **error)
{
  g_autoptr (AtelierTensor) alpha = NULL;
  if (in->selection != NULL)
    {
      if (covers_everything (in->selection))
        {
          g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                               "replace-background: the whole image is selected, so there is no background to "
                               "replace; select the subject, or nothing to have it found");
          return NULL;
        }
      alpha = atelier_tensor_copy (in->selection, error);
      *rgb = alpha ? atelier_planes_rgb (in->image, error) : NULL;
      if (*rgb == NULL)
        return NULL;
    }
  else if ((alpha = atelier_subject_matte (ctx, models, values, in->image, rgb, error)) == NULL)
    return NULL;
  g_autoptr (AtelierTensor) own = atelier_planes_alpha_view (in->image);
  if (own != NULL)
    atelier_planes_premultiply (alpha, own);
  return g_steal_pointer (&alpha);
}

static gboolean
replace_background_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                        const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  const int colours = atelier_planes_colours ((int) in->image->shape[1]);
  const gint64 h = in->image->shape[2], w = in->image->shape[3];
  g_autoptr (AtelierTensor) rgb = NULL;
  g_autoptr (AtelierTensor) alpha = subject_alpha (ctx, models, values, in, &rgb, error);
  if (alpha == NULL)
    return FALSE;
  g_autoptr (AtelierTensor) foreground = atelier_subject_foreground (ctx, rgb, alpha, colours, error);
  const AtelierBackgroundOptions look = background_options (values);
  g_autoptr (AtelierTensor) background_rgb = foreground ? atelier_background_render (&look, h, w, error) : NULL;
  g_autoptr (AtelierTensor) background = background_rgb ? atelier_planes_from_rgb (background_rgb, colours, error) : NULL;
  AtelierShadowOptions shadow_options = {
    .opacity = atelier_filter_values_get (values, "shadow-opacity"),
    .softness = atelier_filter_values_get_int (values, "shadow-softness"),
    .distance = atelier_filter_values_get_int (values, "shadow-distance"),
  };
  const char *preset_name = atelier_filter_values_get_choice (values, "preset");
  if (g_strcmp0 (preset_name, "none") != 0)
    {
      const AtelierBackgroundPreset *preset = atelier_background_preset_find (preset_name, error);
      if (preset == NULL)
        return FALSE;
      shadow_options.opacity = preset->shadow_opacity;
      shadow_options.softness = atelier_background_preset_softness (preset, h, w);
    }
  g_autoptr (AtelierTensor) shadow = background ? atelier_contact_shadow (alpha, &shadow_options, error) : NULL;
  g_autoptr (AtelierTensor) source = shadow ? atelier_planes_colour (in->image, error) : NULL;
  g_autoptr (AtelierTensor) composed
    = source ? atelier_background_compose (source, foreground, alpha, background, shadow, error) : NULL;
  g_autoptr (AtelierTensor) opaque = composed ? atelier_tensor_new_like (alpha, error) : NULL;
  if (opaque == NULL)
    return FALSE;
  atelier_tensor_fill (opaque, 1.0f);
  out->pixels = atelier_planes_join (composed, opaque, error);
  return out->pixels != NULL;
}

const AtelierFilterInfo atelier_filter_replace_background = {
  .name = "replace-background",
  .menu_label = ATELIER_N_ ("_Replace Background..."),
  .blurb = ATELIER_N_ ("Put the photograph's subject on pure white, a colour, a gradient or a studio sweep"),
  .help = ATELIER_N_ ("Keeps the photograph's subject (the selection, or the main object found like Select "
                      "Subject when nothing is selected) and puts it on a new background with a soft contact "
                      "shadow, as a new layer above the active one. Wherever the subject is fully opaque its "
                      "pixels are kept exactly; at its edges its own colours are used, so no fringe of the old "
                      "background stays. The original layer is not changed."),
  .params = replace_background_params,
  .n_params = G_N_ELEMENTS (replace_background_params),
  .output = ATELIER_OUTPUT_NEW_LAYER,
  .new_layer_name = ATELIER_N_ ("Replaced background"),
  .needs_whole_image = TRUE, /* the subject is found in, and the shadow cast across, the whole photograph */
  .run = replace_background_run,
};
