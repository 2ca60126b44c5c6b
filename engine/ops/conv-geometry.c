/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/conv-geometry.h"

#include "core/atelier-error.h"

gboolean
atelier_conv_check_hyperparameters (int stride_h, int stride_w, int dilation_h, int dilation_w,
                                    int groups, const int *pads, int n_pads, GError **error)
{
  if (stride_h < 1 || stride_w < 1 || dilation_h < 1 || dilation_w < 1 || groups < 1)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "convolution stride (%d, %d), dilation (%d, %d) and groups (%d) must be >= 1",
                   stride_h, stride_w, dilation_h, dilation_w, groups);
      return FALSE;
    }
  for (int i = 0; i < n_pads; i++)
    if (pads[i] < 0)
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                     "convolution padding %d is negative", pads[i]);
        return FALSE;
      }
  return TRUE;
}

gboolean
atelier_conv_geometry_init (AtelierConvGeometry *g, const AtelierTensor *input,
                            const AtelierTensor *weight, const AtelierTensor *bias,
                            const AtelierConv2dParams *p, GError **error)
{
  const int pads[4] = { p->pad_top, p->pad_bottom, p->pad_left, p->pad_right };
  if (!atelier_conv_check_hyperparameters (p->stride_h, p->stride_w, p->dilation_h, p->dilation_w,
                                           p->groups, pads, 4, error))
    return FALSE;
  if (!atelier_tensor_check_shape (input, "convolution input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error)
      || !atelier_tensor_check_shape (weight, "convolution weight", 4, (const int64_t[]) { -1, -1, -1, -1 }, error))
    return FALSE;

  g->batch = input->shape[0];
  g->cin = input->shape[1];
  g->in_h = input->shape[2];
  g->in_w = input->shape[3];
  g->cout = weight->shape[0];
  g->groups = p->groups;
  g->kh = (int) weight->shape[2];
  g->kw = (int) weight->shape[3];
  if (g->cin % g->groups != 0 || g->cout % g->groups != 0 || weight->shape[1] * g->groups != g->cin)
    {
      g_autofree char *in = atelier_tensor_shape_string (input);
      g_autofree char *w = atelier_tensor_shape_string (weight);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "convolution input %s and weight %s do not agree for %d groups", in, w, p->groups);
      return FALSE;
    }
  g->cin_per_group = g->cin / g->groups;
  g->cout_per_group = g->cout / g->groups;
  if (bias != NULL && !atelier_tensor_check_shape (bias, "convolution bias", 1, (const int64_t[]) { g->cout }, error))
    return FALSE;

  g->stride_h = p->stride_h;
  g->stride_w = p->stride_w;
  g->pad_top = p->pad_top;
  g->pad_left = p->pad_left;
  g->dilation_h = p->dilation_h;
  g->dilation_w = p->dilation_w;
  gint64 span_h = (gint64) (g->kh - 1) * p->dilation_h + 1;
  gint64 span_w = (gint64) (g->kw - 1) * p->dilation_w + 1;
  gint64 padded_h = g->in_h + p->pad_top + p->pad_bottom;
  gint64 padded_w = g->in_w + p->pad_left + p->pad_right;
  if (g->kh < 1 || g->kw < 1 || padded_h < span_h || padded_w < span_w)
    {
      g_autofree char *in = atelier_tensor_shape_string (input);
      g_autofree char *w = atelier_tensor_shape_string (weight);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "convolution kernel %s does not fit input %s with its padding", w, in);
      return FALSE;
    }
  g->out_h = (padded_h - span_h) / p->stride_h + 1;
  g->out_w = (padded_w - span_w) / p->stride_w + 1;
  g->out_positions = g->out_h * g->out_w;
  return TRUE;
}

void
atelier_conv_geometry_valid_range (gint64 x_offset, int stride, gint64 in_w, gint64 out_w,
                                   gint64 *lo, gint64 *hi)
{
  gint64 first = x_offset >= 0 ? 0 : (-x_offset + stride - 1) / stride;
  gint64 last_input = in_w - 1 - x_offset;
  gint64 end = last_input < 0 ? 0 : last_input / stride + 1;
  *lo = MIN (first, out_w);
  *hi = CLAMP (end, *lo, out_w);
}

gboolean
atelier_conv_geometry_is_pointwise (const AtelierConvGeometry *g)
{
  return g->kh == 1 && g->kw == 1 && g->stride_h == 1 && g->stride_w == 1
         && g->pad_top == 0 && g->pad_left == 0 && g->out_h == g->in_h && g->out_w == g->in_w;
}
