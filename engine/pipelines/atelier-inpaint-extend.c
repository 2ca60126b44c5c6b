/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-inpaint-extend.h"

#include "core/atelier-error.h"

#include <string.h>

AtelierCanvasMargins
atelier_canvas_margins_for_aspect (int64_t width, int64_t height, int ratio_w, int ratio_h)
{
  AtelierCanvasMargins margins = { 0 };
  /* Integer comparison of width / height against ratio_w / ratio_h, so that an exact fit adds nothing. */
  if (width * ratio_h > height * ratio_w)
    {
      const int64_t extra = (width * ratio_h + ratio_w - 1) / ratio_w - height;
      margins.top = extra / 2;
      margins.bottom = extra - margins.top;
    }
  else
    {
      const int64_t extra = (height * ratio_w + ratio_h - 1) / ratio_h - width;
      margins.left = extra / 2;
      margins.right = extra - margins.left;
    }
  return margins;
}

AtelierTensor *
atelier_inpaint_extend (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                        const AtelierCanvasMargins *margins, const AtelierInpaintRegionsOptions *options,
                        GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, 3, -1, -1 }, error))
    return NULL;
  const int64_t h = image->shape[2], w = image->shape[3];
  const int64_t H = h + margins->top + margins->bottom, W = w + margins->left + margins->right;
  if (margins->top < 0 || margins->bottom < 0 || margins->left < 0 || margins->right < 0 || (H == h && W == w)
      || H > 65536 || W > 65536)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "the canvas must grow on at least one side, by 0 or more pixels a side, to at most 65536 pixels");
      return NULL;
    }
  g_autoptr (AtelierTensor) canvas = atelier_tensor_new_4d (1, 3, H, W, error);
  g_autoptr (AtelierTensor) border = canvas ? atelier_tensor_new_4d (1, 1, H, W, error) : NULL;
  if (border == NULL)
    return NULL;
  atelier_tensor_fill (border, 1.0f);
  for (int64_t y = 0; y < h; y++)
    {
      memset (&border->data[(margins->top + y) * W + margins->left], 0, w * sizeof (float));
      for (int64_t c = 0; c < 3; c++)
        memcpy (&canvas->data[(c * H + margins->top + y) * W + margins->left], &image->data[(c * h + y) * w],
                w * sizeof (float));
    }
  int counts[4] = { 0 };
  return atelier_inpaint_regions (ctx, ld, canvas, border, options, counts, error);
}
