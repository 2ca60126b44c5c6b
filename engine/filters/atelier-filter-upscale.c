/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-filter-upscale.h"

#include "networks/atelier-rdn.h"
#include "pipelines/atelier-upscale.h"

static const int upscale_scales[] = { 2, 3, 4, 8, 0 };

static const AtelierParamChoice upscale_models[] = {
  { "slim", ATELIER_N_ ("Slim (fastest)") },
  { "medium", ATELIER_N_ ("Medium") },
  { "thick", ATELIER_N_ ("Thick (best quality)") },
  { NULL },
};

static const AtelierParamSpec upscale_params[] = {
  { "scale", ATELIER_PARAM_INT, ATELIER_N_ ("_Scale"), ATELIER_N_ ("Enlargement factor"),
    2, 8, 4, 1, 0, upscale_scales, NULL },
  { "model", ATELIER_PARAM_CHOICE, ATELIER_N_ ("_Model"),
    ATELIER_N_ ("Super-resolution network: slim is fast, thick restores the most detail"),
    0, 2, 2, 1, 0, NULL, upscale_models },
  { "all-layers", ATELIER_PARAM_BOOLEAN, ATELIER_N_ ("_All layers through the network"),
    ATELIER_N_ ("Enlarge every layer with the network, not only the active one (others use GIMP's best interpolation)"),
    0, 1, 0, 1, 0, NULL, NULL },
  { "tile", ATELIER_PARAM_INT, ATELIER_N_ ("_Tile size"),
    ATELIER_N_ ("Tile side in image pixels; 0 picks the largest that fits the memory budget"),
    0, 8192, 0, 64, 0, NULL, NULL },
};

/* A window of the source whose enlargement fills the preview, centred in @region. */
static gboolean
upscale_preview (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *region,
                 const AtelierTensor *selection, AtelierTensor **before, AtelierTensor **after, GError **error)
{
  (void) selection;
  const int scale = atelier_filter_values_get_int (values, "scale");
  const int64_t side = (ATELIER_PREVIEW_SIDE + scale - 1) / scale;
  const int64_t h = MIN (side, region->shape[2]), w = MIN (side, region->shape[3]);
  g_autoptr (AtelierTensor) window = atelier_tensor_crop (region, (region->shape[2] - h) / 2,
                                                          (region->shape[3] - w) / 2, h, w, error);
  g_autoptr (AtelierTensor) enlarged = window ? atelier_filter_upscale_run (ctx, values, window, error) : NULL;
  if (enlarged == NULL)
    return FALSE;
  *before = g_steal_pointer (&window);
  *after = g_steal_pointer (&enlarged);
  return TRUE;
}

static const AtelierFilterPreview upscale_preview_info = {
  ATELIER_PREVIEW_WINDOW,
  ATELIER_PREVIEW_SIDE / 2, /* what x2, the smallest factor, needs */
  NULL,
  upscale_preview,
};

const AtelierFilterInfo atelier_filter_upscale = {
  "upscale",
  ATELIER_N_ ("_Upscale..."),
  ATELIER_N_ ("Enlarge the image with a super-resolution network"),
  ATELIER_N_ ("Enlarges the image 2, 3, 4 or 8 times. The active layer goes through a pretrained "
              "super-resolution network (ESRGAN family), in tiles, so any size works."),
  upscale_params,
  G_N_ELEMENTS (upscale_params),
  NULL,
  0,
  &upscale_preview_info,
};

AtelierTensor *
atelier_filter_upscale_run (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *image,
                            GError **error)
{
  if (!atelier_filter_values_validate (values, error))
    return NULL;
  g_autoptr (AtelierRdn) net = atelier_rdn_open (atelier_filter_values_get_choice (values, "model"),
                                                 atelier_filter_values_get_int (values, "scale"), error);
  if (net == NULL)
    return NULL;
  AtelierUpscaleOptions options = { atelier_filter_values_get_int (values, "tile"), -1 };
  return atelier_upscale (ctx, net, image, &options, error);
}
