/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"

#include <math.h>

/* Area resampling (OpenCV's INTER_AREA, a box filter as wide as the scale):
 * each output pixel is the mean of the source area it covers, partly covered
 * source pixels weighted by their share. Shrinking by a large factor averages
 * every source pixel instead of sampling a few, so nothing aliases. */

/* For each output index along one axis: its source span [first, first +
 * count) and the weights, which sum to 1. */
typedef struct
{
  gint64 *first, *count, *offset; /* (out) */
  float *weights;                 /* (sum of counts) */
} AreaTaps;

static void
area_taps_clear (AreaTaps *t)
{
  g_free (t->first);
  g_free (t->count);
  g_free (t->offset);
  g_free (t->weights);
}

static void
area_taps_init (AreaTaps *t, gint64 in, gint64 out)
{
  const double scale = (double) in / (double) out;
  t->first = g_new (gint64, out);
  t->count = g_new (gint64, out);
  t->offset = g_new (gint64, out);
  gint64 total = 0;
  for (gint64 o = 0; o < out; o++)
    {
      const double lo = o * scale, hi = (o + 1) * scale;
      t->first[o] = MIN ((gint64) lo, in - 1);
      t->count[o] = MAX (MIN ((gint64) ceil (hi), in) - t->first[o], 1);
      t->offset[o] = total;
      total += t->count[o];
    }
  t->weights = g_new (float, total);
  for (gint64 o = 0; o < out; o++)
    {
      const double lo = o * scale, hi = (o + 1) * scale;
      for (gint64 k = 0; k < t->count[o]; k++)
        {
          const gint64 i = t->first[o] + k;
          const double covered = MIN (hi, (double) (i + 1)) - MAX (lo, (double) i);
          t->weights[t->offset[o] + k] = (float) (MAX (covered, 0.0) / scale);
        }
    }
}

typedef struct
{
  const AtelierTensor *input;
  AtelierTensor *output;
  const AreaTaps *rows, *cols;
} AreaJob;

/* Separable: each source row is reduced along x once, then output rows sum
 * the reduced rows they cover. */
static void
area_plane (gint64 plane, int worker, gpointer data)
{
  (void) worker;
  AreaJob *job = data;
  const gint64 in_h = job->input->shape[2], in_w = job->input->shape[3];
  const gint64 out_h = job->output->shape[2], out_w = job->output->shape[3];
  const float *src = job->input->data + plane * in_h * in_w;
  float *dst = job->output->data + plane * out_h * out_w;
  g_autofree float *reduced = g_new (float, out_w);
  const AreaTaps *rows = job->rows, *cols = job->cols;
  for (gint64 y = 0; y < out_h; y++)
    {
      float *out = dst + y * out_w;
      for (gint64 x = 0; x < out_w; x++)
        out[x] = 0.0f;
      for (gint64 k = 0; k < rows->count[y]; k++)
        {
          const float *row = src + (rows->first[y] + k) * in_w;
          const float wy = rows->weights[rows->offset[y] + k];
          for (gint64 x = 0; x < out_w; x++)
            {
              float sum = 0.0f;
              for (gint64 j = 0; j < cols->count[x]; j++)
                sum += cols->weights[cols->offset[x] + j] * row[cols->first[x] + j];
              reduced[x] = sum;
            }
          for (gint64 x = 0; x < out_w; x++)
            out[x] += wy * reduced[x];
        }
    }
}

AtelierTensor *
atelier_resize_area (AtelierContext *ctx, const AtelierTensor *input, gint64 out_h, gint64 out_w, GError **error)
{
  if (!atelier_tensor_check_shape (input, "resize input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error))
    return NULL;
  if (MIN (MIN (out_h, out_w), MIN (input->shape[2], input->shape[3])) < 1)
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "area resampling needs sides of 1 or more");
      return NULL;
    }
  g_autoptr (AtelierTensor) output = atelier_tensor_new_uninitialized (4, (const int64_t[]) { input->shape[0], input->shape[1], out_h, out_w }, error);
  if (output == NULL)
    return NULL;
  AreaTaps rows, cols;
  area_taps_init (&rows, input->shape[2], out_h);
  area_taps_init (&cols, input->shape[3], out_w);
  AreaJob job = { input, output, &rows, &cols };
  atelier_context_parallel_for (ctx, input->shape[0] * input->shape[1], area_plane, &job);
  area_taps_clear (&rows);
  area_taps_clear (&cols);
  return g_steal_pointer (&output);
}
