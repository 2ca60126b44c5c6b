/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Plain Background: a new layer above the source, filled with pure white, a chosen colour or a vertical
 * gradient between two colours. The worked example of docs/adding-a-filter.md: this file and its line in
 * engine/meson.build and po/POTFILES are the whole filter; its dialog, PDB procedure
 * (plug-in-atelier-plain-background) and command (`atelier plain-background`) come from the description. */
#include "filters/atelier-filter.h"

#include "core/atelier-image-planes.h"

#include <string.h>

static const AtelierParamSpec plain_background_params[] = {
  { .name = "fill", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Fill"),
    .help = ATELIER_N_ ("Pure white, one colour, or a gradient from the top colour to the bottom colour"),
    .default_value = 0,
    ATELIER_CHOICES ({ "white", ATELIER_N_ ("White") }, { "colour", ATELIER_N_ ("Colour") },
                     { "gradient", ATELIER_N_ ("Vertical gradient") }) },
  { .name = "colour", .type = ATELIER_PARAM_COLOUR, .label = ATELIER_N_ ("_Colour"),
    .help = ATELIER_N_ ("The colour, or the gradient's colour at the top"), .default_value = 0x3c78b4 },
  { .name = "bottom-colour", .type = ATELIER_PARAM_COLOUR, .label = ATELIER_N_ ("_Bottom colour"),
    .help = ATELIER_N_ ("The gradient's colour at the bottom"), .default_value = 0xffffff },
};

/* Row @y's colour: the top colour, blended linearly into the bottom one for a gradient. */
static void
row_colour (const AtelierFilterValues *values, int64_t y, int64_t height, float rgb[3])
{
  const char *fill = atelier_filter_values_get_choice (values, "fill");
  if (strcmp (fill, "white") == 0)
    {
      rgb[0] = rgb[1] = rgb[2] = 1.0f;
      return;
    }
  atelier_filter_values_get_colour (values, "colour", rgb);
  if (strcmp (fill, "gradient") != 0)
    return;
  float bottom[3];
  atelier_filter_values_get_colour (values, "bottom-colour", bottom);
  const float t = height > 1 ? (float) y / (float) (height - 1) : 0.0f;
  for (int c = 0; c < 3; c++)
    rgb[c] = rgb[c] + (bottom[c] - rgb[c]) * t;
}

static gboolean
plain_background_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                      const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  (void) ctx;
  (void) models;
  const int64_t h = in->image->shape[2], w = in->image->shape[3];
  g_autoptr (AtelierTensor) rgb = atelier_tensor_new_4d (1, 3, h, w, error);
  g_autoptr (AtelierTensor) opaque = rgb ? atelier_tensor_new_4d (1, 1, h, w, error) : NULL;
  if (opaque == NULL)
    return FALSE;
  for (int64_t y = 0; y < h; y++)
    {
      float colour[3];
      row_colour (values, y, h, colour);
      for (int c = 0; c < 3; c++)
        for (int64_t x = 0; x < w; x++)
          rgb->data[(c * h + y) * w + x] = colour[c];
    }
  atelier_tensor_fill (opaque, 1.0f);
  g_autoptr (AtelierTensor) colour = atelier_planes_from_rgb (rgb, atelier_planes_colours ((int) in->image->shape[1]), error);
  out->pixels = colour ? atelier_planes_join (colour, opaque, error) : NULL;
  return out->pixels != NULL;
}

const AtelierFilterInfo atelier_filter_plain_background = {
  .name = "plain-background",
  .menu_label = ATELIER_N_ ("_Plain Background..."),
  .blurb = ATELIER_N_ ("Add a layer of pure white, a colour or a two-colour gradient"),
  .help = ATELIER_N_ ("Adds a layer above the active one, filled with pure white, a chosen colour or a vertical "
                      "gradient from one colour to another. The original layer is not changed."),
  .params = plain_background_params,
  .n_params = G_N_ELEMENTS (plain_background_params),
  .output = ATELIER_OUTPUT_NEW_LAYER,
  .digital_source = ATELIER_SOURCE_COMPOSITE_SYNTHETIC,
  .new_layer_name = ATELIER_N_ ("Background"),
  .needs_whole_image = TRUE, /* a gradient spans the whole layer, so a window of it would preview another one */
  .run = plain_background_run,
};
