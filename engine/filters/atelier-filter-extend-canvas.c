/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Extend Canvas: the canvas enlarged to an aspect ratio or by pixels per side, the new border generated from the
 * photograph (outpainting) into a new layer the canvas's size, the photograph's pixels in it unchanged. */
#include "filters/atelier-filter.h"

#include <string.h>

#include "core/atelier-image-planes.h"
#include "filters/atelier-inpaint-params.h"
#include "pipelines/atelier-inpaint-extend.h"

static const AtelierParamSpec extend_params[] = {
  { .name = "aspect", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Aspect"),
    .help = ATELIER_N_ ("The shape to extend to, adding to the short side only; or the pixels given for each side"),
    .default_value = 0,
    ATELIER_CHOICES ({ "1:1", ATELIER_N_ ("Square (1:1)") }, { "4:5", ATELIER_N_ ("Portrait (4:5)") },
                     { "16:9", ATELIER_N_ ("Wide (16:9)") }, { "pixels", ATELIER_N_ ("Pixels per side") }) },
  { .name = "top", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Top"),
    .help = ATELIER_N_ ("Pixels added above (aspect \"pixels\")"), .min = 0, .max = 8192, .default_value = 0 },
  { .name = "bottom", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Bottom"),
    .help = ATELIER_N_ ("Pixels added below (aspect \"pixels\")"), .min = 0, .max = 8192, .default_value = 0 },
  { .name = "left", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Left"),
    .help = ATELIER_N_ ("Pixels added on the left (aspect \"pixels\")"), .min = 0, .max = 8192, .default_value = 0 },
  { .name = "right", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Right"),
    .help = ATELIER_N_ ("Pixels added on the right (aspect \"pixels\")"), .min = 0, .max = 8192, .default_value = 0 },
  ATELIER_SAMPLING_PARAM_ROWS,
  ATELIER_INPAINT_WORKING_SIZE_ROW,
  ATELIER_SAMPLING_SPEED_ROW,
};

static AtelierCanvasMargins
margins_from_values (const AtelierFilterValues *values, int64_t width, int64_t height)
{
  static const struct
  {
    const char *nick;
    int w, h;
  } aspects[] = { { "1:1", 1, 1 }, { "4:5", 4, 5 }, { "16:9", 16, 9 } };
  const char *aspect = atelier_filter_values_get_choice (values, "aspect");
  for (gsize i = 0; i < G_N_ELEMENTS (aspects); i++)
    if (strcmp (aspect, aspects[i].nick) == 0)
      return atelier_canvas_margins_for_aspect (width, height, aspects[i].w, aspects[i].h);
  return (AtelierCanvasMargins) { atelier_filter_values_get_int (values, "top"),
                                  atelier_filter_values_get_int (values, "bottom"),
                                  atelier_filter_values_get_int (values, "left"),
                                  atelier_filter_values_get_int (values, "right") };
}

/* The extended canvas as a layer in @image's layout plus alpha: the generated border opaque, the image's own
 * planes (colour and alpha) copied in at @margins, so that they are the source's bit for bit (a grey image's
 * colour would otherwise come back as the mean of three equal values, not always the value itself). */
static AtelierTensor *
extended_layer (const AtelierTensor *image, const AtelierTensor *canvas_rgb, const AtelierCanvasMargins *margins,
                GError **error)
{
  const int64_t channels = image->shape[1], colours = atelier_planes_colours ((int) channels);
  const int64_t h = image->shape[2], w = image->shape[3], H = canvas_rgb->shape[2], W = canvas_rgb->shape[3];
  g_autoptr (AtelierTensor) colour = atelier_planes_from_rgb (canvas_rgb, (int) colours, error);
  g_autoptr (AtelierTensor) alpha = colour ? atelier_tensor_new_4d (1, 1, H, W, error) : NULL;
  g_autoptr (AtelierTensor) layer = alpha ? (atelier_tensor_fill (alpha, 1.0f), atelier_planes_join (colour, alpha, error))
                                          : NULL;
  for (int64_t c = 0; layer != NULL && c < channels; c++)
    {
      const int64_t to = atelier_planes_have_alpha ((int) channels) && c == channels - 1 ? colours : c;
      for (int64_t y = 0; y < h; y++)
        memcpy (&layer->data[(to * H + margins->top + y) * W + margins->left], &image->data[(c * h + y) * w],
                w * sizeof (float));
    }
  return g_steal_pointer (&layer);
}

static gboolean
extend_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
            const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  AtelierInpaintRegionsOptions options;
  const AtelierLatentDiffusion *ld = atelier_inpaint_setup (models, values, &options, error);
  if (ld == NULL)
    return FALSE;
  const AtelierCanvasMargins margins = margins_from_values (values, in->image->shape[3], in->image->shape[2]);
  g_autoptr (AtelierTensor) rgb = atelier_planes_rgb (in->image, error);
  g_autoptr (AtelierTensor) canvas = rgb ? atelier_inpaint_extend (ctx, ld, rgb, &margins, &options, error) : NULL;
  out->pixels = canvas ? extended_layer (in->image, canvas, &margins, error) : NULL;
  out->canvas_offset[0] = margins.top;
  out->canvas_offset[1] = margins.left;
  return out->pixels != NULL;
}

const AtelierFilterInfo atelier_filter_extend_canvas = {
  .name = "extend-canvas",
  .menu_label = ATELIER_N_ ("_Extend Canvas..."),
  .blurb = ATELIER_N_ ("Enlarge the canvas and generate the new border from the image"),
  .help = ATELIER_N_ ("Enlarges the canvas to an aspect ratio (1:1, 4:5, 16:9) or by pixels on each side and paints "
                      "the new border from what the image shows, with a latent diffusion model (outpainting). The "
                      "result goes to a new layer the canvas's size; the image's own pixels are not changed."),
  .params = extend_params,
  .n_params = G_N_ELEMENTS (extend_params),
  .output = ATELIER_OUTPUT_NEW_LAYER,
  .digital_source = ATELIER_SOURCE_COMPOSITE_TRAINED,
  .new_layer_name = ATELIER_N_ ("Extended"),
  .needs_whole_image = TRUE,
  .run = extend_run,
};
