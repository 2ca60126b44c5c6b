/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"
#include "core/atelier-named-value.h"

#include <math.h>

#define MAX_TAPS 4

/* For each output index along one axis: the first source index of its taps
 * (clamped per tap) and the tap weights. */
typedef struct
{
  gint64 index[MAX_TAPS];
  float weight[MAX_TAPS];
} AxisTaps;

static float
cubic_weight (float x)
{
  /* Keys' cubic convolution with a = -0.75, the value PyTorch and OpenCV use. */
  const float a = -0.75f;
  x = fabsf (x);
  if (x <= 1.0f)
    return ((a + 2.0f) * x - (a + 3.0f)) * x * x + 1.0f;
  if (x < 2.0f)
    return ((a * x - 5.0f * a) * x + 8.0f * a) * x - 4.0f * a;
  return 0.0f;
}

static int
axis_taps (AtelierResizeMode mode, gint64 in, gint64 out, gint64 dst, AxisTaps *t)
{
  const double scale = (double) in / (double) out;
  switch (mode)
    {
    case ATELIER_RESIZE_NEAREST:
      t->index[0] = MIN ((gint64) floor (dst * scale), in - 1);
      t->weight[0] = 1.0f;
      return 1;
    case ATELIER_RESIZE_BILINEAR:
      {
        double src = MAX ((dst + 0.5) * scale - 0.5, 0.0);
        gint64 x0 = MIN ((gint64) src, in - 1);
        float lambda = (float) (src - x0);
        t->index[0] = x0;
        t->index[1] = MIN (x0 + 1, in - 1);
        t->weight[0] = 1.0f - lambda;
        t->weight[1] = lambda;
        return 2;
      }
    case ATELIER_RESIZE_BICUBIC:
      {
        double src = (dst + 0.5) * scale - 0.5;
        gint64 x0 = (gint64) floor (src);
        float frac = (float) (src - x0);
        for (int k = 0; k < 4; k++)
          {
            t->index[k] = CLAMP (x0 - 1 + k, 0, in - 1);
            t->weight[k] = cubic_weight (frac + 1.0f - k);
          }
        return 4;
      }
    }
  g_assert_not_reached ();
}

static const AtelierNamedValue resize_names[] = {
  { "nearest", ATELIER_RESIZE_NEAREST },
  { "bilinear", ATELIER_RESIZE_BILINEAR },
  { "bicubic", ATELIER_RESIZE_BICUBIC },
};

gboolean
atelier_resize_mode_from_name (const char *name, AtelierResizeMode *mode, GError **error)
{
  int value;
  if (!atelier_named_value_lookup (resize_names, G_N_ELEMENTS (resize_names), "resize mode", name, &value, error))
    return FALSE;
  *mode = value;
  return TRUE;
}

typedef struct
{
  const AtelierTensor *input;
  AtelierTensor *output;
  const AxisTaps *rows, *cols;
  int row_taps, col_taps;
} ResizeJob;

/* Output rows per unit of work: each plane is cut into bands so that three colour planes keep every thread busy;
 * a band filters along x at most the taps' rows of its first output row again. */
#define BAND_ROWS 64

static gint64
bands_per_plane (gint64 out_h)
{
  return (out_h + BAND_ROWS - 1) / BAND_ROWS;
}

/* Separable: taps along x for each needed source row, then along y. A source row filtered along x is kept in slot
 * (row % MAX_TAPS) for the next output rows that need it (an enlargement by 4 needs each one 16 times); one output
 * row's taps are consecutive source rows, clamped at the edges, so they never share a slot. The sums are the same
 * in the same order as filtering every row anew. */
static void
resize_band (gint64 unit, int worker, gpointer data)
{
  (void) worker;
  ResizeJob *job = data;
  const gint64 in_h = job->input->shape[2], in_w = job->input->shape[3];
  const gint64 out_h = job->output->shape[2], out_w = job->output->shape[3];
  const gint64 plane = unit / bands_per_plane (out_h), first = unit % bands_per_plane (out_h) * BAND_ROWS;
  const float *src = job->input->data + plane * in_h * in_w;
  float *dst = job->output->data + plane * out_h * out_w;
  g_autofree float *lines = g_new (float, out_w * MAX_TAPS);
  gint64 held[MAX_TAPS] = { -1, -1, -1, -1 };
  const float *taps[MAX_TAPS];

  for (gint64 y = first; y < MIN (first + BAND_ROWS, out_h); y++)
    {
      const AxisTaps *ry = &job->rows[y];
      for (int k = 0; k < job->row_taps; k++)
        {
          const gint64 source = ry->index[k], slot = source % MAX_TAPS;
          float *line = lines + slot * out_w;
          if (held[slot] != source)
            {
              const float *row = src + source * in_w;
              for (gint64 x = 0; x < out_w; x++)
                {
                  const AxisTaps *cx = &job->cols[x];
                  float sum = 0.0f;
                  for (int j = 0; j < job->col_taps; j++)
                    sum += cx->weight[j] * row[cx->index[j]];
                  line[x] = sum;
                }
              held[slot] = source;
            }
          taps[k] = line;
        }
      for (gint64 x = 0; x < out_w; x++)
        {
          float sum = 0.0f;
          for (int k = 0; k < job->row_taps; k++)
            sum += ry->weight[k] * taps[k][x];
          dst[y * out_w + x] = sum;
        }
    }
}

/* Bilinear x2 (half-pixel centres), the upsampling of U-Net decoders: output
 * 2i samples source i - 1/4 and 2i + 1 samples i + 1/4, so the taps are fixed
 * at 1/4 and 3/4 (edges clamped). Each source row is doubled along x once and
 * kept for the two output rows on either side of it: the general path, which
 * redoes it for every output row, was 4% of ISNet's forward pass. */
static void
double_row (const float *src, gint64 w, float *dst)
{
  for (gint64 i = 0; i < w; i++)
    {
      const float left = src[MAX (i - 1, 0)], here = src[i], right = src[MIN (i + 1, w - 1)];
      dst[2 * i] = 0.25f * left + 0.75f * here;
      dst[2 * i + 1] = 0.75f * here + 0.25f * right;
    }
}

static void
double_plane (gint64 plane, int worker, gpointer data)
{
  (void) worker;
  ResizeJob *job = data;
  const gint64 in_h = job->input->shape[2], in_w = job->input->shape[3], out_w = 2 * in_w;
  const float *src = job->input->data + plane * in_h * in_w;
  float *dst = job->output->data + plane * 2 * in_h * out_w;
  g_autofree float *doubled = g_new (float, 2 * out_w); /* two source rows, doubled along x */
  gint64 held[2] = { -1, -1 };
  for (gint64 y = 0; y < 2 * in_h; y++)
    {
      const gint64 i = y / 2, other = y % 2 == 0 ? MAX (i - 1, 0) : MIN (i + 1, in_h - 1);
      const gint64 need[2] = { i, other };
      const float *rows[2];
      for (int k = 0; k < 2; k++)
        {
          int slot = held[0] == need[k] ? 0 : held[1] == need[k] ? 1 : -1;
          if (slot < 0)
            {
              slot = held[0] == need[1 - k] ? 1 : 0;
              double_row (src + need[k] * in_w, in_w, doubled + slot * out_w);
              held[slot] = need[k];
            }
          rows[k] = doubled + slot * out_w;
        }
      float *out = dst + y * out_w;
      for (gint64 x = 0; x < out_w; x++)
        out[x] = 0.75f * rows[0][x] + 0.25f * rows[1][x];
    }
}

static gboolean
check_sizes (const AtelierTensor *input, gint64 out_h, gint64 out_w, GError **error)
{
  if (out_h >= 1 && out_w >= 1 && input->shape[2] >= 1 && input->shape[3] >= 1)
    return TRUE;
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
               "cannot resize %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " to %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT,
               input->shape[3], input->shape[2], out_w, out_h);
  return FALSE;
}

AtelierTensor *
atelier_resize (AtelierContext *ctx, const AtelierTensor *input, gint64 out_h, gint64 out_w,
                AtelierResizeMode mode, GError **error)
{
  if (!atelier_tensor_check_shape (input, "resize input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error))
    return NULL;
  if (!check_sizes (input, out_h, out_w, error))
    return NULL;
  g_autoptr (AtelierTensor) output = atelier_tensor_new_uninitialized (4, (const int64_t[]) { input->shape[0], input->shape[1], out_h, out_w }, error);
  if (output == NULL || !atelier_resize_into (ctx, input, mode, output, error))
    return NULL;
  return g_steal_pointer (&output);
}

gboolean
atelier_resize_into (AtelierContext *ctx, const AtelierTensor *input, AtelierResizeMode mode, AtelierTensor *output,
                     GError **error)
{
  if (!atelier_tensor_check_shape (input, "resize input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error)
      || !atelier_tensor_check_shape (output, "resize output", 4,
                                      (const int64_t[]) { input->shape[0], input->shape[1], -1, -1 }, error))
    return FALSE;
  const gint64 out_h = output->shape[2], out_w = output->shape[3];
  if (!check_sizes (input, out_h, out_w, error))
    return FALSE;
  if (mode == ATELIER_RESIZE_BILINEAR && out_h == 2 * input->shape[2] && out_w == 2 * input->shape[3])
    {
      ResizeJob job = { input, output, NULL, NULL, 0, 0 };
      atelier_context_parallel_for (ctx, input->shape[0] * input->shape[1], double_plane, &job);
      return TRUE;
    }
  g_autofree AxisTaps *rows = g_new0 (AxisTaps, out_h);
  g_autofree AxisTaps *cols = g_new0 (AxisTaps, out_w);
  int row_taps = 0, col_taps = 0;
  for (gint64 y = 0; y < out_h; y++)
    row_taps = axis_taps (mode, input->shape[2], out_h, y, &rows[y]);
  for (gint64 x = 0; x < out_w; x++)
    col_taps = axis_taps (mode, input->shape[3], out_w, x, &cols[x]);
  ResizeJob job = { input, output, rows, cols, row_taps, col_taps };
  atelier_context_parallel_for (ctx, input->shape[0] * input->shape[1] * bands_per_plane (out_h), resize_band, &job);
  return TRUE;
}
