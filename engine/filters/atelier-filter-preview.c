/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dialog previews of any filter: where the region comes from, and the filter's
 * own run on (a window of) it. */
#include "filters/atelier-filter.h"

#include "core/atelier-error.h"
#include "core/atelier-image-planes.h"
#include "pipelines/atelier-selection.h"

gboolean
atelier_filter_has_preview (const AtelierFilterInfo *info)
{
  return info->preview != NULL && !info->needs_whole_image && info->output != ATELIER_OUTPUT_REPORT;
}

/* A window of region_side around the selection's centre (the layer's when nothing is selected), kept inside
 * the source. */
static void
window_area (const AtelierFilterPreview *preview, int64_t height, int64_t width, const AtelierTensor *selection,
             int64_t area[4])
{
  int64_t bounds[4] = { 0, 0, height, width };
  if (selection != NULL)
    atelier_selection_bounds (selection, bounds);
  const int64_t h = MIN (preview->region_side, height), w = MIN (preview->region_side, width);
  area[0] = CLAMP (bounds[0] + bounds[2] / 2 - h / 2, 0, height - h);
  area[1] = CLAMP (bounds[1] + bounds[3] / 2 - w / 2, 0, width - w);
  area[2] = h;
  area[3] = w;
}

gboolean
atelier_filter_preview_area (const AtelierFilterPreview *preview, int64_t height, int64_t width,
                             const AtelierTensor *selection, int64_t area[4], double *scale, GError **error)
{
  if (height < 1 || width < 1)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "nothing to preview in an empty image");
      return FALSE;
    }
  switch (preview->region)
    {
    case ATELIER_PREVIEW_WINDOW:
      window_area (preview, height, width, selection, area);
      *scale = 1.0;
      return TRUE;
    case ATELIER_PREVIEW_SELECTION:
      if (selection == NULL)
        {
          g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "the selection is empty: select the area to fill");
          return FALSE;
        }
      if (!atelier_selection_context_box (selection, -1, area, error))
        return FALSE;
      *scale = MIN (1.0, (double) preview->region_side / (double) MAX (area[2], area[3]));
      return TRUE;
    }
  g_assert_not_reached ();
}

static AtelierTensor *
crop_window (const AtelierTensor *t, const int64_t window[4], GError **error)
{
  return t ? atelier_tensor_crop (t, window[0], window[1], window[2], window[3], error) : NULL;
}

/* What the user will see: a new layer over its source, new layers composited, a selection as grey, the new
 * pixels as they are. */
static AtelierTensor *
as_seen (const AtelierFilterInfo *info, const AtelierTensor *source, const AtelierFilterOutput *out, GError **error)
{
  if (info->output == ATELIER_OUTPUT_NEW_LAYER)
    return atelier_planes_over (out->pixels, source, error);
  if (info->output == ATELIER_OUTPUT_LAYERS)
    return atelier_filter_output_composite (out, source, error);
  return atelier_tensor_copy (out->pixels, error);
}

gboolean
atelier_filter_preview_render (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                               const AtelierTensor *region, const AtelierTensor *selection, AtelierTensor **before,
                               AtelierTensor **after, GError **error)
{
  const AtelierFilterInfo *info = atelier_filter_get_info (filter);
  if (!atelier_filter_has_preview (info))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s has no preview", info->name);
      return FALSE;
    }
  g_autoptr (AtelierFilterValues) quick = atelier_filter_values_copy (values);
  int64_t window[4] = { 0, 0, region->shape[2], region->shape[3] };
  if (info->preview->prepare != NULL && !info->preview->prepare (region, quick, window, error))
    return FALSE;
  g_autoptr (AtelierTensor) part = crop_window (region, window, error);
  g_autoptr (AtelierTensor) part_selection = selection ? crop_window (selection, window, error) : NULL;
  if (part == NULL || (selection != NULL && part_selection == NULL))
    return FALSE;
  const AtelierFilterInput in = { part, part_selection, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, quick, &in, error);
  g_autoptr (AtelierTensor) seen = out ? as_seen (info, part, out, error) : NULL;
  if (seen == NULL)
    return FALSE;
  *before = g_steal_pointer (&part);
  *after = g_steal_pointer (&seen);
  return TRUE;
}
