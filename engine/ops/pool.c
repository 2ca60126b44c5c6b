/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"

#include <math.h>

typedef struct
{
  const AtelierTensor *input;
  AtelierTensor *output;
  AtelierPoolMode mode;
  const AtelierPool2dParams *p;
} PoolJob;

static void
pool_plane (gint64 plane, int worker, gpointer data)
{
  (void) worker;
  PoolJob *job = data;
  const AtelierPool2dParams *p = job->p;
  const gint64 in_h = job->input->shape[2], in_w = job->input->shape[3];
  const gint64 out_h = job->output->shape[2], out_w = job->output->shape[3];
  const float *src = job->input->data + plane * in_h * in_w;
  float *dst = job->output->data + plane * out_h * out_w;
  for (gint64 oy = 0; oy < out_h; oy++)
    for (gint64 ox = 0; ox < out_w; ox++)
      {
        gint64 y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
        gint64 y1 = MIN (y0 + p->kernel_h, in_h), x1 = MIN (x0 + p->kernel_w, in_w);
        /* PyTorch divides by the window clipped to the padded input. */
        gint64 padded_area = (MIN (y0 + p->kernel_h, in_h + p->pad_h) - y0) * (MIN (x0 + p->kernel_w, in_w + p->pad_w) - x0);
        y0 = MAX (y0, 0);
        x0 = MAX (x0, 0);
        float acc = job->mode == ATELIER_POOL_MAX ? -INFINITY : 0.0f;
        for (gint64 y = y0; y < y1; y++)
          for (gint64 x = x0; x < x1; x++)
            {
              const float v = src[y * in_w + x];
              /* A comparison, not fmaxf: the same result (a NaN input is
               * skipped either way), but inlined; fmaxf calls were a quarter of
               * ISNet's pooling time. */
              acc = job->mode == ATELIER_POOL_MAX ? (v > acc ? v : acc) : acc + v;
            }
        if (job->mode == ATELIER_POOL_AVERAGE)
          acc /= (float) (p->count_include_pad ? padded_area : MAX ((y1 - y0) * (x1 - x0), 1));
        dst[oy * out_w + ox] = acc;
      }
}

static gint64
pooled_size (gint64 in, int kernel, int stride, int pad, gboolean ceil_mode)
{
  const gint64 span = in + 2 * pad - kernel;
  gint64 out = (ceil_mode ? span + stride - 1 : span) / stride + 1;
  /* PyTorch drops a last window that would start inside the right padding. */
  if (ceil_mode && (out - 1) * stride >= in + pad)
    out--;
  return out;
}

AtelierTensor *
atelier_pool2d (AtelierContext *ctx, const AtelierTensor *input, AtelierPoolMode mode,
                const AtelierPool2dParams *p, GError **error)
{
  if (!atelier_tensor_check_shape (input, "pooling input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error))
    return NULL;
  if (p->kernel_h < 1 || p->kernel_w < 1 || p->stride_h < 1 || p->stride_w < 1 || p->pad_h < 0 || p->pad_w < 0
      || p->pad_h * 2 > p->kernel_h || p->pad_w * 2 > p->kernel_w)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "pooling needs kernel and stride >= 1 and padding at most half the kernel");
      return NULL;
    }
  gint64 out_h = pooled_size (input->shape[2], p->kernel_h, p->stride_h, p->pad_h, p->ceil_mode);
  gint64 out_w = pooled_size (input->shape[3], p->kernel_w, p->stride_w, p->pad_w, p->ceil_mode);
  if (input->shape[2] + 2 * p->pad_h < p->kernel_h || input->shape[3] + 2 * p->pad_w < p->kernel_w)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH, "pooling window larger than its input");
      return NULL;
    }
  AtelierTensor *output = atelier_tensor_new_4d (input->shape[0], input->shape[1], out_h, out_w, error);
  if (output == NULL)
    return NULL;
  PoolJob job = { input, output, mode, p };
  atelier_context_parallel_for (ctx, input->shape[0] * input->shape[1], pool_plane, &job);
  return output;
}
