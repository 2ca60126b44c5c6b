/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Upscale: the layer enlarged 2, 3, 4 or 8 times by a super-resolution network. */
#include "filters/atelier-filter.h"

#include "filters/atelier-model-cache.h"
#include "networks/atelier-rdn.h"
#include "pipelines/atelier-upscale.h"

static const AtelierParamSpec upscale_params[] = {
  { .name = "scale", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Scale"),
    .help = ATELIER_N_ ("Enlargement factor"),
    .min = 2, .max = 8, .default_value = 4, ATELIER_ALLOWED (2, 3, 4, 8) },
  { .name = "model", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Model"),
    .help = ATELIER_N_ ("Super-resolution network: slim is fast, thick restores the most detail"),
    .default_value = 2,
    ATELIER_CHOICES ({ "slim", ATELIER_N_ ("Slim (fastest)") }, { "medium", ATELIER_N_ ("Medium") },
                     { "thick", ATELIER_N_ ("Thick (best quality)") }) },
  { .name = "all-layers", .type = ATELIER_PARAM_BOOLEAN, .label = ATELIER_N_ ("_All layers through the network"),
    .help = ATELIER_N_ ("Enlarge every layer with the network, not only the active one (others use GIMP's best interpolation)"),
    .default_value = 0, .every_layer = TRUE },
  { .name = "tile", .type = ATELIER_PARAM_INT, .label = ATELIER_N_ ("_Tile size"),
    .help = ATELIER_N_ ("Tile side in image pixels; 0 picks the largest that fits the memory budget"),
    .min = 0, .max = 8192, .default_value = 0, .step = 64 },
};

typedef struct
{
  const char *model;
  int scale;
} NetworkName;

static gpointer
open_network (gconstpointer data, GError **error)
{
  const NetworkName *name = data;
  return atelier_rdn_open (name->model, name->scale, error);
}

static gboolean
upscale_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
             const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  const NetworkName name = { atelier_filter_values_get_choice (values, "model"),
                             atelier_filter_values_get_int (values, "scale") };
  g_autofree char *key = g_strdup_printf ("esrgan-%s-x%d", name.model, name.scale);
  const AtelierRdn *net = atelier_model_cache_get (models, key, open_network, &name,
                                                   (GDestroyNotify) atelier_rdn_free, error);
  if (net == NULL)
    return FALSE;
  AtelierUpscaleOptions options = { atelier_filter_values_get_int (values, "tile"), -1 };
  out->pixels = atelier_upscale (ctx, net, in->image, &options, error);
  return out->pixels != NULL;
}

/* A window of the source whose enlargement fills the preview, centred in the region. */
static gboolean
upscale_preview_window (const AtelierTensor *region, AtelierFilterValues *quick, int64_t window[4], GError **error)
{
  (void) error;
  const int scale = atelier_filter_values_get_int (quick, "scale");
  const int64_t side = (ATELIER_PREVIEW_SIDE + scale - 1) / scale;
  window[2] = MIN (side, region->shape[2]);
  window[3] = MIN (side, region->shape[3]);
  window[0] = (region->shape[2] - window[2]) / 2;
  window[1] = (region->shape[3] - window[3]) / 2;
  return TRUE;
}

static const AtelierFilterPreview upscale_preview = {
  .region = ATELIER_PREVIEW_WINDOW,
  .region_side = ATELIER_PREVIEW_SIDE / 2, /* what x2, the smallest factor, needs */
  .prepare = upscale_preview_window,
};

const AtelierFilterInfo atelier_filter_upscale = {
  .name = "upscale",
  .menu_label = ATELIER_N_ ("_Upscale..."),
  .blurb = ATELIER_N_ ("Enlarge the image with a super-resolution network"),
  .help = ATELIER_N_ ("Enlarges the image 2, 3, 4 or 8 times. The active layer goes through a pretrained "
                      "super-resolution network (ESRGAN family), in tiles, so any size works."),
  .params = upscale_params,
  .n_params = G_N_ELEMENTS (upscale_params),
  .output = ATELIER_OUTPUT_REPLACE,
  .digital_source = ATELIER_SOURCE_ALGORITHMICALLY_ENHANCED,
  .output_scale_param = "scale",
  .preview = &upscale_preview,
  .run = upscale_run,
};
