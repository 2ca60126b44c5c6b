/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"

AtelierTensor *
atelier_pixel_shuffle (AtelierContext *ctx, const AtelierTensor *input, int factor,
                       AtelierDepthToSpaceOrder order, GError **error)
{
  (void) ctx;
  if (!atelier_tensor_check_shape (input, "pixel shuffle input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error))
    return NULL;
  const gint64 r = factor, cin = input->shape[1];
  if (factor < 1 || cin % (r * r) != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "pixel shuffle by %d needs a channel count divisible by %d, got %" G_GINT64_FORMAT,
                   factor, factor * factor, cin);
      return NULL;
    }
  const gint64 n = input->shape[0], c = cin / (r * r), h = input->shape[2], w = input->shape[3];
  AtelierTensor *out = atelier_tensor_new_uninitialized (4, (const int64_t[]) { n, c, h * r, w * r }, error);
  if (out == NULL)
    return NULL;
  for (gint64 b = 0; b < n; b++)
    for (gint64 ch = 0; ch < c; ch++)
      for (gint64 i = 0; i < r; i++)
        for (gint64 j = 0; j < r; j++)
          {
            gint64 src_c = order == ATELIER_DEPTH_TO_SPACE_CHANNEL_FIRST ? (ch * r + i) * r + j : (i * r + j) * c + ch;
            const float *src = input->data + (b * cin + src_c) * h * w;
            float *dst = out->data + ((b * c + ch) * h * r + i) * w * r + j;
            for (gint64 y = 0; y < h; y++)
              for (gint64 x = 0; x < w; x++)
                dst[y * r * w * r + x * r] = src[y * w + x];
          }
  return out;
}
