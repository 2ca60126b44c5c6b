/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-selection.h"

#include "core/atelier-error.h"

int64_t
atelier_selection_bounds (const AtelierTensor *selection, int64_t box[4])
{
  const int64_t H = selection->shape[2], W = selection->shape[3];
  int64_t top = H, left = W, bottom = -1, right = -1, selected = 0;
  for (int64_t y = 0; y < H; y++)
    for (int64_t x = 0; x < W; x++)
      if (selection->data[y * W + x] > ATELIER_SELECTED_THRESHOLD)
        {
          top = MIN (top, y), bottom = MAX (bottom, y), left = MIN (left, x), right = MAX (right, x);
          selected++;
        }
  if (selected > 0)
    {
      box[0] = top;
      box[1] = left;
      box[2] = bottom - top + 1;
      box[3] = right - left + 1;
    }
  return selected;
}

gboolean
atelier_selection_covers_everything (const AtelierTensor *selection)
{
  const int64_t n = atelier_tensor_numel (selection);
  for (int64_t i = 0; i < n; i++)
    if (selection->data[i] < 1.0f)
      return FALSE;
  return TRUE;
}

gboolean
atelier_selection_context_box (const AtelierTensor *selection, int context, int64_t box[4], GError **error)
{
  const int64_t H = selection->shape[2], W = selection->shape[3];
  int64_t bounds[4];
  const int64_t selected = atelier_selection_bounds (selection, bounds);
  if (selected == 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "the selection is empty: select the area to fill");
      return FALSE;
    }
  if (selected == H * W)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the selection covers the whole image: leave some of the image unselected for the fill to match");
      return FALSE;
    }
  const int64_t margin = context >= 0 ? context : MAX (32, MAX (bounds[2], bounds[3]));
  box[0] = MAX (0, bounds[0] - margin);
  box[1] = MAX (0, bounds[1] - margin);
  box[2] = MIN (H, bounds[0] + bounds[2] + margin) - box[0];
  box[3] = MIN (W, bounds[1] + bounds[3] + margin) - box[1];
  return TRUE;
}
