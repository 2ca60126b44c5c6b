/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replace Background: the photograph's subject on a new background, plain (pure white, a colour, a vertical
 * gradient or a studio sweep) or generated around it by the latent diffusion model in one of its styles, with a
 * soft contact shadow under it. The subject is the selection when there is
 * one, otherwise Select Subject's matte with the subject's own colours in its edge; wherever it is fully
 * opaque the source pixel is kept bit for bit. The result is three layers above the source (background, shadow,
 * subject with the matte as its mask), which is hidden, not changed; a selected subject is kept as a channel that
 * the settings name, so that they regenerate the result. */
#include "filters/atelier-filter.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "filters/atelier-model-cache.h"
#include "filters/atelier-sampling-params.h"
#include "filters/atelier-subject-params.h"
#include "pipelines/atelier-background-canvas.h"
#include "pipelines/atelier-background-compose.h"
#include "pipelines/atelier-background-generate.h"
#include "pipelines/atelier-background-layers.h"
#include "pipelines/atelier-background-presets.h"
#include "pipelines/atelier-background-tabletop.h"
#include "pipelines/atelier-selection.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static const AtelierParamSpec replace_background_params[] = {
  { .name = "background", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Background"),
    .help = ATELIER_N_ ("Pure white (RGB 255, as marketplaces ask), one colour, a gradient from the colour to the "
                        "bottom colour, a studio sweep of the colour curving from the floor up the wall, or a "
                        "background of the chosen style generated around the subject"),
    .default_value = 0,
    ATELIER_CHOICES ({ "white", ATELIER_N_ ("White") }, { "colour", ATELIER_N_ ("Colour") },
                     { "gradient", ATELIER_N_ ("Vertical gradient") }, { "studio", ATELIER_N_ ("Studio sweep") },
                     { "generated", ATELIER_N_ ("Generated") }) },
  { .name = "colour", .type = ATELIER_PARAM_COLOUR, .label = ATELIER_N_ ("_Colour"),
    .help = ATELIER_N_ ("The background's colour, the gradient's colour at the top, or the studio sweep's"),
    .default_value = 0xf2f2f2, .unused_when = "background=white|generated" },
  { .name = "bottom-colour", .type = ATELIER_PARAM_COLOUR, .label = ATELIER_N_ ("B_ottom colour"),
    .help = ATELIER_N_ ("The gradient's colour at the bottom"), .default_value = 0xc8c8c8,
    .unused_when = "background!=gradient" },
  { .name = "shadow-opacity", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Shadow _opacity"),
    .help = ATELIER_N_ ("How dark the contact shadow under the subject is; 0 leaves it out"),
    .min = 0.0, .max = 1.0, .default_value = 0.4, .step = 0.05, .digits = 2, .unused_when = "preset!=none" },
  { .name = "shadow-softness", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("Shadow so_ftness (px)"),
    .help = ATELIER_N_ ("How far the shadow's edge fades out, in pixels"), .min = 0, .max = 200,
    .default_value = 12, .unused_when = "preset!=none" },
  { .name = "shadow-distance", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("Shadow _distance (px)"),
    .help = ATELIER_N_ ("How far below the subject's bottom edge the shadow ends, before its edge fades out, in "
                        "pixels"),
    .min = 0, .max = 200, .default_value = 2 },
  ATELIER_SUBJECT_PARAM_ROWS,
  { .name = "shadow-direction", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Shadow di_rection (°)"),
    .help = ATELIER_N_ ("Which way the shadow is moved by its distance: 0 straight down, positive towards the right (the "
                        "light from the left), negative towards the left; a generated background is lit from the "
                        "other side"),
    .min = -90.0, .max = 90.0, .default_value = 0.0, .step = 5.0, .digits = 0, .unused_when = "preset!=none" },
  { .name = "reflection", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Floor reflec_tion"),
    .help = ATELIER_N_ ("How strongly the subject is mirrored on a glossy floor below it; 0 leaves it out"),
    .min = 0.0, .max = 1.0, .default_value = 0.0, .step = 0.05, .digits = 2 },
  { .name = "light-wrap", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Light _wrap"),
    .help = ATELIER_N_ ("How much of the new background's light spills onto the subject's soft edges, so that it sits "
                        "in the new scene; its opaque pixels are never changed"),
    .min = 0.0, .max = 1.0, .default_value = 0.0, .step = 0.05, .digits = 2 },
  { .name = "canvas", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("Can_vas"),
    .help = ATELIER_N_ ("The finished picture's frame: the photograph's, square, 4:5 (4 wide, 5 high) or the width "
                        "and height below. The subject is never scaled: the canvas is sized around it"),
    .default_value = 0,
    ATELIER_CHOICES ({ "keep", ATELIER_N_ ("As the photograph") }, { "square", ATELIER_N_ ("Square 1:1") },
                     { "4:5", ATELIER_N_ ("Portrait 4:5") }, { "size", ATELIER_N_ ("Width x height") }) },
  { .name = "canvas-width", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("Canvas _width"),
    .help = ATELIER_N_ ("The canvas's width in pixels when it is given as width x height"), .min = 1, .max = 30000,
    .default_value = 2000 },
  { .name = "canvas-height", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("Canvas _height"),
    .help = ATELIER_N_ ("The canvas's height in pixels when it is given as width x height"), .min = 1, .max = 30000,
    .default_value = 2000 },
  { .name = "fill", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Product f_ill (%)"),
    /* xgettext:no-c-format */
    .help = ATELIER_N_ ("How much of the canvas's width or height (the tighter one) the product spans, e.g. 85 as "
                        "marketplaces ask, a margin of 7.5 % each side; the canvas is sized around the product, "
                        "which is never scaled. 0 keeps the photograph's framing"),
    .min = 0.0, .max = 100.0, .default_value = 0.0, .step = 1.0, .digits = 1 },
  { .name = "min-long-side", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Long side at least (px)"),
    .help = ATELIER_N_ ("The canvas grows to at least this long side (e.g. 1600), the product filling less of it; "
                        "0: no minimum"),
    .min = 0, .max = 30000, .default_value = 0 },
  { .name = "placement", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Placement"),
    .help = ATELIER_N_ ("The subject centred on the canvas, or where it was in the photograph's frame"),
    .default_value = 0,
    ATELIER_CHOICES ({ "in-place", ATELIER_N_ ("Where it was") }, { "centre", ATELIER_N_ ("Centred") }) },
  { .name = "style", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("St_yle"),
    .help = ATELIER_N_ ("What the generated background looks like: one of the latent diffusion model's styles"),
    .default_value = 0,
    ATELIER_CHOICES ({ "studio", ATELIER_N_ ("Studio") }, { "wood", ATELIER_N_ ("Wood") },
                     { "stone", ATELIER_N_ ("Stone") }, { "fabric", ATELIER_N_ ("Fabric") },
                     { "paper", ATELIER_N_ ("Paper") }, { "bokeh", ATELIER_N_ ("Out of focus (bokeh)") },
                     { "photo", ATELIER_N_ ("Photograph") }),
    .unused_when = "background!=generated" },
  { .name = "keep-layout", .type = ATELIER_PARAM_DOUBLE, .label = ATELIER_N_ ("Keep _layout"),
    .help = ATELIER_N_ ("0 generates a new background that does not depend on the old one at all; more restyles "
                        "the old background in the chosen style, keeping more of its layout"),
    .min = 0.0, .max = 0.95, .default_value = 0.0, .step = 0.05, .digits = 2,
    .unused_when = "background!=generated" },
  { .name = "enlarge", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Enlarge with"),
    .help = ATELIER_N_ ("How the generated background is brought from the model's working size to the picture's: "
                        "a bicubic resize, or a super-resolution model (sharper, slower)"),
    .default_value = 0,
    ATELIER_CHOICES ({ "bicubic", ATELIER_N_ ("Bicubic resize") }, { "medium", ATELIER_N_ ("ESRGAN medium") },
                     { "thick", ATELIER_N_ ("ESRGAN thick") }),
    .unused_when = "background!=generated" },
  ATELIER_SAMPLING_PARAM_ROWS,
  /* Last, so that scripts written before it keep their argument positions. Choice names are preset names
   * (pipelines/atelier-background-presets.c); tests/test-background-presets.c checks that they agree. */
  { .name = "preset", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("Product _category"),
    .help = ATELIER_N_ ("A background for the product's category: its surface, composition and light, and a "
                        "contact shadow that agrees with that light (the preset's opacity, softness and direction "
                        "replace the shadow settings above; its surface replaces the style when the model has it); "
                        "None keeps the settings above"),
    .default_value = 0,
    ATELIER_CHOICES ({ "none", ATELIER_N_ ("None") }, { "jewellery", ATELIER_N_ ("Jewellery") },
                     { "clothing", ATELIER_N_ ("Clothing") }, { "food", ATELIER_N_ ("Food and spices") },
                     { "cosmetics", ATELIER_N_ ("Cosmetics") }, { "electronics", ATELIER_N_ ("Electronics") },
                     { "home", ATELIER_N_ ("Home and plants") }) },
  ATELIER_SAMPLING_SPEED_ROW,
};

static AtelierBackgroundOptions
background_options (const AtelierFilterValues *values)
{
  AtelierBackgroundOptions options = { .kind = atelier_filter_values_get_int (values, "background") };
  atelier_filter_values_get_colour (values, "colour", options.colour);
  atelier_filter_values_get_colour (values, "bottom-colour", options.bottom_colour);
  return options;
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
      if (atelier_selection_covers_everything (in->selection))
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
      g_autoptr (AtelierTensor) own = atelier_planes_alpha_view (in->image);
      if (own != NULL)
        atelier_planes_premultiply (alpha, own);
    }
  else if ((alpha = atelier_subject_matte (ctx, models, values, in->image, rgb, error)) == NULL) /* own alpha applied */
    return NULL;
  return g_steal_pointer (&alpha);
}

typedef struct
{
  const char *model;
  int scale;
} EnlargerName;

static gpointer
open_enlarger (gconstpointer data, GError **error)
{
  const EnlargerName *name = data;
  return atelier_rdn_open (name->model, name->scale, error);
}

/* The super-resolution network the values ask for, at the smallest of its scales that takes the working size to
 * the picture's long side @side (a bicubic resize then fits it exactly); NULL without an error for bicubic or when
 * nothing is enlarged. */
static const AtelierRdn *
enlarger (AtelierModelCache *models, const AtelierFilterValues *values, gint64 side, int working_side,
          GError **error)
{
  const char *model = atelier_filter_values_get_choice (values, "enlarge");
  if (strcmp (model, "bicubic") == 0 || side <= working_side)
    return NULL;
  const int scale = side <= 2 * working_side ? 2 : side <= 3 * working_side ? 3 : side <= 4 * working_side ? 4 : 8;
  const EnlargerName name = { model, scale };
  g_autofree char *key = g_strdup_printf ("esrgan-%s-x%d", model, scale);
  return atelier_model_cache_get (models, key, open_enlarger, &name, (GDestroyNotify) atelier_rdn_free, error);
}

/* The chosen product category's preset into *@preset, NULL for none. */
static gboolean
chosen_preset (const AtelierFilterValues *values, const AtelierBackgroundPreset **preset, GError **error)
{
  const char *name = atelier_filter_values_get_choice (values, "preset");
  *preset = strcmp (name, "none") == 0 ? NULL : atelier_background_preset_find (name, error);
  return strcmp (name, "none") == 0 || *preset != NULL;
}

/* The style label and scene vector of the generated background: a tabletop's @floor (or NULL: none), else the
 * preset's surface (when the U-Net has it), else the style chosen; the preset's light and composition, or the light
 * the contact shadow implies, so that the generated light and the shadow come from one setting. No shadow, no
 * preset: the light is not said (scene NULL). A surface the preset chose (@floor_decided for the floor) is named in
 * @out as the style used, since which one it is depends on the model's labels. */
static gboolean
generated_conditioning (const AtelierFilterValues *values, const AtelierBackgroundPreset *preset, const char *floor,
                        gboolean floor_decided, const AtelierUNet *unet, AtelierLatentDiffusionOptions *diffusion,
                        float *scene, AtelierFilterOutput *out, GError **error)
{
  const int scene_channels = atelier_unet_get_scene_channels (unet);
  if (scene_channels != 0 && scene_channels != ATELIER_BACKGROUND_SCENE_CHANNELS)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED,
                   "the U-Net takes a scene vector of %d values, Replace Background gives %d", scene_channels,
                   ATELIER_BACKGROUND_SCENE_CHANNELS);
      return FALSE;
    }
  const char *style = floor  ? floor
                      : preset ? atelier_background_preset_style (preset, atelier_unet_get_labels (unet))
                               : NULL;
  if (style != NULL && (floor == NULL || floor_decided))
    atelier_filter_output_decide (out, "style", style);
  else if (style == NULL)
    style = atelier_filter_values_get_choice (values, "style");
  if ((diffusion->sampler.label = atelier_unet_label_index (unet, style, error)) < 0)
    return FALSE;
  diffusion->scene = scene;
  if (preset != NULL)
    atelier_background_preset_scene (preset, scene);
  else if (atelier_filter_values_get (values, "shadow-opacity") > 0.0)
    atelier_background_scene_from_shadow (atelier_filter_values_get (values, "shadow-direction"), scene);
  else
    diffusion->scene = NULL;
  return TRUE;
}

/* How many widths of the generated surface a tabletop floor's nearest row spans: its texture at about twice the
 * working size's scale on a 2000-pixel picture, wood grain and stone at a tabletop's size beside a product. */
#define TABLETOP_REPEATS 2.0f

/* The floor of a tabletop the engine composes, or NULL for none: a preset whose composition has a horizon, asked
 * of a U-Net that cannot be told a composition (no scene input: it paints surfaces head-on), for a new background
 * (keep layout 0: a restyled old background keeps its own layout), on a material: the preset's first that the
 * U-Net has (*@decided then TRUE: the run chose it), else the style row's when it is one (not a sweep, a room or a
 * photograph). */
static const char *
tabletop_floor (const AtelierBackgroundPreset *preset, const AtelierUNet *unet, const AtelierFilterValues *values,
                float keep_layout, gboolean *decided)
{
  *decided = FALSE;
  if (preset == NULL || preset->composition != ATELIER_COMPOSITION_HORIZON
      || atelier_unet_get_scene_channels (unet) != 0 || keep_layout != 0.0f)
    return NULL;
  const char *floor = atelier_background_preset_floor (preset, atelier_unet_get_labels (unet));
  if ((*decided = floor != NULL))
    return floor;
  const char *row = atelier_filter_values_get_choice (values, "style");
  return atelier_background_style_is_surface (row) ? row : NULL;
}

/* What stands behind a tabletop: the preset's backdrop style painted at a quarter of the working size (the
 * training crops' 128 pixels at the default 512: a room out of focus needs no more; at half the size it added
 * 0.65 s to a fast run on 2 cores, at a quarter 0.3 s), or NULL with no error where the preset or the U-Net has
 * none. */
static AtelierTensor *
tabletop_backdrop (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierBackgroundPreset *preset,
                   const AtelierTensor *rgb, const AtelierGeneratedBackgroundOptions *options, GError **error)
{
  const AtelierUNet *unet = atelier_latent_diffusion_get_unet (ld);
  if (preset->backdrop == NULL || !g_strv_contains (atelier_unet_get_labels (unet), preset->backdrop))
    return NULL;
  AtelierGeneratedBackgroundOptions behind = *options;
  behind.enlarger = NULL; /* out of focus: nothing to sharpen */
  behind.diffusion.working_side = MAX (64, options->diffusion.working_side / 4);
  if ((behind.diffusion.sampler.label = atelier_unet_label_index (unet, preset->backdrop, error)) < 0)
    return NULL;
  return atelier_background_generate_surface (ctx, ld, rgb, &behind, error);
}

/* The model's background around the subject @alpha of @rgb (1, 3, H, W), or under a preset a tabletop scene
 * whose floor (and backdrop) the model paints (tabletop_floor). */
static AtelierTensor *
generated_background (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                      const AtelierTensor *rgb, const AtelierTensor *alpha, AtelierFilterOutput *out, GError **error)
{
  AtelierGeneratedBackgroundOptions options = {
    .diffusion = atelier_latent_diffusion_options_default (),
    .keep_layout = (float) atelier_filter_values_get (values, "keep-layout"),
  };
  float scene[ATELIER_BACKGROUND_SCENE_CHANNELS];
  const AtelierBackgroundPreset *preset;
  if (!chosen_preset (values, &preset, error))
    return NULL;
  const AtelierLatentDiffusion *ld = atelier_sampling_setup (models, values, &options.diffusion.sampler, error);
  if (ld == NULL)
    return NULL;
  gboolean decided;
  const char *floor = tabletop_floor (preset, atelier_latent_diffusion_get_unet (ld), values, options.keep_layout,
                                      &decided);
  if (!generated_conditioning (values, preset, floor, decided, atelier_latent_diffusion_get_unet (ld),
                               &options.diffusion, scene, out, error))
    return NULL;
  GError *enlarger_error = NULL;
  /* A floor needs its surface only as large as its nearest row shows it. */
  const gint64 side = MAX (rgb->shape[2], rgb->shape[3]);
  options.enlarger = enlarger (models, values,
                               floor != NULL ? atelier_background_tabletop_surface_side (side, TABLETOP_REPEATS) : side,
                               options.diffusion.working_side, &enlarger_error);
  if (enlarger_error != NULL)
    {
      g_propagate_error (error, enlarger_error);
      return NULL;
    }
  if (floor != NULL)
    {
      g_autoptr (AtelierTensor) surface = atelier_background_generate_surface (ctx, ld, rgb, &options, error);
      if (surface == NULL)
        return NULL;
      GError *backdrop_error = NULL;
      g_autoptr (AtelierTensor) backdrop = tabletop_backdrop (ctx, ld, preset, rgb, &options, &backdrop_error);
      if (backdrop_error != NULL)
        {
          g_propagate_error (error, backdrop_error);
          return NULL;
        }
      const AtelierTabletopOptions look = {
        .horizon = atelier_background_tabletop_horizon_for (preset->horizon, alpha),
        .light = { preset->light[0], preset->light[1] },
        .repeats = TABLETOP_REPEATS,
        .backdrop = backdrop,
      };
      return atelier_background_tabletop (ctx, surface, &look, rgb->shape[2], rgb->shape[3], error);
    }
  return atelier_background_generate (ctx, ld, rgb, alpha, &options, error);
}

static gboolean
generated (const AtelierFilterValues *values)
{
  return strcmp (atelier_filter_values_get_choice (values, "background"), "generated") == 0;
}

/* The new background (1, colours, H, W) under the subject @alpha of @rgb; what the run decided itself (a preset's
 * surface) is said in @out. */
static AtelierTensor *
new_background (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                const AtelierTensor *rgb, const AtelierTensor *alpha, int colours, AtelierFilterOutput *out,
                GError **error)
{
  g_autoptr (AtelierTensor) background_rgb = NULL;
  if (generated (values))
    background_rgb = generated_background (ctx, models, values, rgb, alpha, out, error);
  else
    {
      const AtelierBackgroundOptions look = background_options (values);
      background_rgb = atelier_background_render (&look, alpha->shape[2], alpha->shape[3], error);
    }
  if (background_rgb == NULL || colours == 3)
    return g_steal_pointer (&background_rgb); /* already in the image's colours: no 48 MB copy at 2000x2000 */
  return atelier_planes_from_rgb (background_rgb, colours, error);
}

static gboolean
canvas_plan (const AtelierFilterValues *values, const AtelierTensor *alpha, AtelierCanvasPlan *plan, GError **error)
{
  const AtelierCanvasOptions options = {
    .shape = atelier_filter_values_get_int (values, "canvas"),
    .width = atelier_filter_values_get_int (values, "canvas-width"),
    .height = atelier_filter_values_get_int (values, "canvas-height"),
    .fill = (float) (atelier_filter_values_get (values, "fill") / 100.0),
    .min_long_side = atelier_filter_values_get_int (values, "min-long-side"),
    .centre = strcmp (atelier_filter_values_get_choice (values, "placement"), "centre") == 0,
  };
  return atelier_canvas_plan (&options, alpha, plan, error);
}

/* A view of @image's colour planes, which come first: the source needs no copy. */
static AtelierTensor *
colour_planes_view (const AtelierTensor *image)
{
  const int64_t shape[4] = { 1, atelier_planes_colours ((int) image->shape[1]), image->shape[2], image->shape[3] };
  return atelier_tensor_new_view (image->data, 4, shape);
}

/* The subject's planes: the photograph as RGB, its matte, its own colours at the edges, its colour planes. */
typedef struct
{
  AtelierTensor *rgb, *alpha, *foreground, *source;
} Subject;

static void
subject_clear (Subject *s)
{
  g_clear_pointer (&s->rgb, atelier_tensor_free);
  g_clear_pointer (&s->alpha, atelier_tensor_free);
  g_clear_pointer (&s->foreground, atelier_tensor_free);
  g_clear_pointer (&s->source, atelier_tensor_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Subject, subject_clear)

static gboolean
replace_planes (AtelierTensor **planes, AtelierTensor *placed)
{
  if (placed == NULL)
    return FALSE;
  atelier_tensor_free (*planes);
  *planes = placed;
  return TRUE;
}

/* Every plane of @s (its RGB when it is still there) moved onto the canvas at whole-pixel offsets (the subject copied, never resampled); outside the
 * photograph the matte is 0 and the RGB the photograph continued, for a model restyling it. */
static gboolean
subject_on_canvas (AtelierContext *ctx, const AtelierCanvasPlan *plan, Subject *s, GError **error)
{
  if (atelier_canvas_is_identity (plan, s->alpha))
    return TRUE;
  return (s->rgb == NULL || replace_planes (&s->rgb, atelier_canvas_place_extended (ctx, s->rgb, plan, error)))
         && replace_planes (&s->alpha, atelier_canvas_place (s->alpha, plan, 0.0f, error))
         && replace_planes (&s->foreground, atelier_canvas_place (s->foreground, plan, 0.0f, error))
         && replace_planes (&s->source, atelier_canvas_place (s->source, plan, 0.0f, error));
}

/* The light wrap's blur: about 1 % of the picture's long side, the scale of a soft edge's glow. */
#define LIGHT_WRAP_SHARE 0.01

/* The contact shadow the values ask for, with the floor reflection put into @background and the light wrap onto the
 * subject's edges. */
static AtelierTensor *
shadow_and_light (const AtelierFilterValues *values, Subject *s, AtelierTensor *background, GError **error)
{
  AtelierShadowOptions options = {
    .opacity = atelier_filter_values_get (values, "shadow-opacity"),
    .softness = atelier_filter_values_get_int (values, "shadow-softness"),
    .distance = atelier_filter_values_get_int (values, "shadow-distance"),
    .direction = atelier_filter_values_get (values, "shadow-direction"),
  };
  /* A product category's preset brings the shadow that agrees with its light. */
  const AtelierBackgroundPreset *preset;
  if (!chosen_preset (values, &preset, error))
    return NULL;
  if (preset != NULL)
    {
      options.opacity = preset->shadow_opacity;
      options.softness = atelier_background_preset_softness (preset, s->alpha->shape[2], s->alpha->shape[3]);
      options.direction = (float) atelier_background_preset_shadow_direction (preset);
    }
  const int wrap_radius = MAX (1, (int) lround (MAX (s->alpha->shape[2], s->alpha->shape[3]) * LIGHT_WRAP_SHARE));
  if (!atelier_floor_reflection (background, s->foreground, s->alpha, atelier_filter_values_get (values, "reflection"),
                                 error)
      || !atelier_light_wrap (s->foreground, s->alpha, background, atelier_filter_values_get (values, "light-wrap"),
                              wrap_radius, error))
    return NULL;
  return atelier_contact_shadow (s->alpha, &options, error);
}

/* The result as the layers "Background", "Shadow" and "Subject" (the source's pixels with the matte as their mask)
 * above the source, which is hidden; the settings name the subject's model and its sha256 when it was found rather
 * than selected, so that the same version regenerates the same layers. */
static const AtelierResultSpec replace_background_results[] = {
  { .name = "subject-untouched", .type = ATELIER_RESULT_BOOLEAN, .label = ATELIER_N_ ("Subject untouched"),
    .help = ATELIER_N_ ("1 when every pixel where the subject is fully opaque is the photograph's own, bit for bit "
                        "(checked on the result, not assumed)") },
};

/* Whether the subject layer holds @source's pixels exactly wherever its mask is 1: the promise the report states,
 * checked on what the user gets. */
static gboolean
subject_untouched (const AtelierBackgroundLayers *layers, const AtelierTensor *source)
{
  const int64_t plane = layers->mask->shape[2] * layers->mask->shape[3];
  for (int64_t c = 0; c < source->shape[1]; c++)
    for (int64_t i = 0; i < plane; i++)
      if (layers->mask->data[i] == 1.0f && layers->subject->data[c * plane + i] != source->data[c * plane + i])
        return FALSE;
  return TRUE;
}

/* The channel that keeps a selected subject with the result, named in the settings so that loading it as the
 * selection and running again with them regenerates the layers. */
#define SUBJECT_CHANNEL ATELIER_N_ ("Replace Background subject")

/* The settings' extra members: the models (JSON @models) and, when the selection was the subject, its channel. */
static char *
settings_extra (const char *models, gboolean selected)
{
  g_autoptr (JsonNode) root = json_from_string (models, NULL);
  g_return_val_if_fail (root != NULL && JSON_NODE_HOLDS_OBJECT (root), NULL);
  if (selected)
    json_object_set_string_member (json_node_get_object (root), "subject_channel", atelier_i18n (SUBJECT_CHANNEL));
  return json_to_string (root, FALSE);
}

/* The layers, from @s's foreground and matte and @background, which are taken (each becomes its layer in place),
 * and the selection the subject was, as a channel. */
static gboolean
output_layers (const AtelierFilterValues *values, const AtelierFilterInput *in, Subject *s, AtelierTensor *background,
               const AtelierTensor *shadow, AtelierFilterOutput *out, GError **error)
{
  const char *names[4] = { NULL };
  int n = 0;
  if (in->selection == NULL)
    names[n++] = "isnet-medium";
  if (generated (values))
    {
      names[n++] = ATELIER_LATENT_DIFFUSION_DEFAULT_UNET;
      names[n++] = ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER;
    }
  g_autoptr (AtelierTensor) taken = background;
  g_autofree char *models = atelier_filter_models_json (names, error);
  g_autoptr (AtelierBackgroundLayers) layers
    = models ? atelier_background_layers_new (s->source, g_steal_pointer (&s->foreground), g_steal_pointer (&s->alpha),
                                              g_steal_pointer (&taken), shadow, error)
             : NULL;
  if (layers == NULL)
    return FALSE;
  atelier_filter_output_set_number (out, "subject-untouched", subject_untouched (layers, s->source));
  atelier_filter_output_add_picture (out, "background", atelier_i18n (ATELIER_N_ ("Background")), ATELIER_PICTURE_LAYER,
                                     100, g_steal_pointer (&layers->background));
  atelier_filter_output_add_picture (out, "shadow", atelier_i18n (ATELIER_N_ ("Shadow")), ATELIER_PICTURE_LAYER, 100,
                                     g_steal_pointer (&layers->shadow));
  atelier_filter_output_add_picture (out, "subject", atelier_i18n (ATELIER_N_ ("Subject")), ATELIER_PICTURE_LAYER, 100,
                                     g_steal_pointer (&layers->subject))
    ->mask = g_steal_pointer (&layers->mask);
  if (in->selection != NULL)
    {
      AtelierTensor *selection = atelier_tensor_copy (in->selection, error);
      if (selection == NULL)
        return FALSE;
      atelier_filter_output_add_picture (out, "subject-selection", atelier_i18n (SUBJECT_CHANNEL),
                                         ATELIER_PICTURE_CHANNEL, 100, selection);
    }
  out->hide_source = TRUE;
  g_autofree char *extra = settings_extra (models, in->selection != NULL);
  atelier_filter_output_set_settings (out, values, extra);
  return TRUE;
}

/* Seconds between two g_get_monotonic_time () readings. */
static double
seconds_between (gint64 start, gint64 end)
{
  return (end - start) / 1e6;
}

static gboolean
replace_background_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                        const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  const int colours = atelier_planes_colours ((int) in->image->shape[1]);
  g_auto (Subject) subject = { 0 };
  AtelierCanvasPlan plan;
  /* Each stage's end, for the debug line that tools/bench-replace-background.sh reads. */
  enum { START, MATTE, FOREGROUND, EDGES, CANVAS, BACKGROUND, SHADOW, LAYERS, N_STAGES };
  gint64 at[N_STAGES] = { g_get_monotonic_time () };
  if (!(subject.alpha = subject_alpha (ctx, models, values, in, &subject.rgb, error)))
    return FALSE;
  at[MATTE] = g_get_monotonic_time ();
  if (!(subject.foreground = atelier_subject_foreground (ctx, subject.rgb, subject.alpha, colours, error))
      || !(subject.source = colour_planes_view (in->image)))
    return FALSE;
  at[FOREGROUND] = g_get_monotonic_time ();
  if (!generated (values))
    g_clear_pointer (&subject.rgb, atelier_tensor_free); /* only the model reads it; a 6000x4000 plane of colour is
                                                            288 MB, so each full-size plane is freed once used */
  if (!atelier_edge_colours_from_interior (ctx, subject.foreground, subject.alpha, error))
    return FALSE;
  at[EDGES] = g_get_monotonic_time ();
  if (!canvas_plan (values, subject.alpha, &plan, error) || !subject_on_canvas (ctx, &plan, &subject, error))
    return FALSE;
  at[CANVAS] = g_get_monotonic_time ();
  g_autoptr (AtelierTensor) background
    = new_background (ctx, models, values, subject.rgb, subject.alpha, colours, out, error);
  g_clear_pointer (&subject.rgb, atelier_tensor_free);
  at[BACKGROUND] = g_get_monotonic_time ();
  g_autoptr (AtelierTensor) shadow = background ? shadow_and_light (values, &subject, background, error) : NULL;
  if (shadow == NULL)
    return FALSE;
  at[SHADOW] = g_get_monotonic_time ();
  /* Where the photograph's corner lies on the canvas, for a front end that enlarges or crops the image to it. */
  out->canvas_offset[0] = plan.top;
  out->canvas_offset[1] = plan.left;
  if (generated (values))
    out->digital_source = ATELIER_SOURCE_COMPOSITE_TRAINED; /* its provenance record (docs/provenance.md) */
  if (!output_layers (values, in, &subject, g_steal_pointer (&background), shadow, out, error))
    return FALSE;
  at[LAYERS] = g_get_monotonic_time ();
  g_debug ("replace-background: subject %.3f s, foreground %.3f s, edge colours %.3f s, canvas %.3f s, "
           "background %.3f s, shadow %.3f s, layers %.3f s",
           seconds_between (at[START], at[MATTE]), seconds_between (at[MATTE], at[FOREGROUND]),
           seconds_between (at[FOREGROUND], at[EDGES]), seconds_between (at[EDGES], at[CANVAS]),
           seconds_between (at[CANVAS], at[BACKGROUND]), seconds_between (at[BACKGROUND], at[SHADOW]),
           seconds_between (at[SHADOW], at[LAYERS]));
  return TRUE;
}

const AtelierFilterInfo atelier_filter_replace_background = {
  .name = "replace-background",
  .menu_label = ATELIER_N_ ("_Replace Background..."),
  .blurb = ATELIER_N_ ("Put the photograph's subject on pure white, a colour, a gradient, a studio sweep or a "
                       "generated background"),
  .help = ATELIER_N_ ("Keeps the photograph's subject (the selection, or the main object found like Select "
                      "Subject when nothing is selected) and puts it on a new background with a soft contact "
                      "shadow, as three new layers above the active one: Background, Shadow and Subject, a copy of "
                      "the photograph with the subject as its layer mask. Wherever the subject is fully opaque its "
                      "pixels are kept exactly; at its edges its own colours are used, so no fringe of the old "
                      "background stays. The original layer is hidden, not changed, and the settings are stored "
                      "with the new layers."),
  .params = replace_background_params,
  .n_params = G_N_ELEMENTS (replace_background_params),
  .results = replace_background_results,
  .n_results = G_N_ELEMENTS (replace_background_results),
  .output = ATELIER_OUTPUT_LAYERS,
  .digital_source = ATELIER_SOURCE_COMPOSITE_SYNTHETIC,
  .uses_selection = TRUE,
  .needs_whole_image = TRUE, /* the subject is found in, and the shadow cast across, the whole photograph */
  .run = replace_background_run,
};
