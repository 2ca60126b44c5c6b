/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "naive-ops.h"

#include <math.h>

static AtelierTensor *
new_tensor (int rank, const int64_t *shape)
{
  g_autoptr (GError) error = NULL;
  AtelierTensor *t = atelier_tensor_new (rank, shape, &error);
  g_assert_no_error (error);
  return t;
}

static AtelierTensor *
new_4d (gint64 n, gint64 c, gint64 h, gint64 w)
{
  const int64_t shape[4] = { n, c, h, w };
  return new_tensor (4, shape);
}

#define AT4(t, n, c, y, x) ((t)->data[(((n) * (t)->shape[1] + (c)) * (t)->shape[2] + (y)) * (t)->shape[3] + (x)])

double
naive_activation (double x, AtelierActivation activation, double alpha)
{
  switch (activation)
    {
    case ATELIER_ACTIVATION_NONE: return x;
    case ATELIER_ACTIVATION_RELU: return x > 0 ? x : 0;
    case ATELIER_ACTIVATION_LEAKY_RELU: return x > 0 ? x : alpha * x;
    case ATELIER_ACTIVATION_SILU: return x / (1 + exp (-x));
    case ATELIER_ACTIVATION_GELU: return 0.5 * x * (1 + erf (x / sqrt (2.0)));
    case ATELIER_ACTIVATION_GELU_TANH: return 0.5 * x * (1 + tanh (sqrt (2 / G_PI) * (x + 0.044715 * x * x * x)));
    case ATELIER_ACTIVATION_SIGMOID: return 1 / (1 + exp (-x));
    case ATELIER_ACTIVATION_TANH: return tanh (x);
    }
  g_assert_not_reached ();
}

AtelierTensor *
naive_conv2d (const AtelierTensor *in, const AtelierTensor *w, const AtelierTensor *b, const AtelierConv2dParams *p)
{
  const gint64 n = in->shape[0], cin = in->shape[1], h = in->shape[2], wd = in->shape[3];
  const gint64 cout = w->shape[0], cin_g = w->shape[1], kh = w->shape[2], kw = w->shape[3];
  const gint64 cout_g = cout / p->groups;
  const gint64 oh = (h + p->pad_top + p->pad_bottom - p->dilation_h * (kh - 1) - 1) / p->stride_h + 1;
  const gint64 ow = (wd + p->pad_left + p->pad_right - p->dilation_w * (kw - 1) - 1) / p->stride_w + 1;
  g_assert_cmpint (cin_g * p->groups, ==, cin);
  AtelierTensor *out = new_4d (n, cout, oh, ow);
  for (gint64 b_ = 0; b_ < n; b_++)
    for (gint64 co = 0; co < cout; co++)
      for (gint64 oy = 0; oy < oh; oy++)
        for (gint64 ox = 0; ox < ow; ox++)
          {
            gint64 g = co / cout_g;
            double sum = b ? b->data[co] : 0.0;
            for (gint64 ci = 0; ci < cin_g; ci++)
              for (gint64 ky = 0; ky < kh; ky++)
                for (gint64 kx = 0; kx < kw; kx++)
                  {
                    gint64 iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                    gint64 ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd)
                      sum += (double) AT4 (in, b_, g * cin_g + ci, iy, ix) * AT4 (w, co, ci, ky, kx);
                  }
            AT4 (out, b_, co, oy, ox) = (float) naive_activation (sum, p->activation, p->activation_alpha);
          }
  return out;
}

AtelierTensor *
naive_conv_transpose2d (const AtelierTensor *in, const AtelierTensor *w, const AtelierTensor *b,
                        const AtelierConvTranspose2dParams *p)
{
  const gint64 n = in->shape[0], cin = in->shape[1], h = in->shape[2], wd = in->shape[3];
  const gint64 cout_g = w->shape[1], kh = w->shape[2], kw = w->shape[3];
  const gint64 cin_g = cin / p->groups, cout = cout_g * p->groups;
  const gint64 oh = (h - 1) * p->stride_h - 2 * p->pad_h + p->dilation_h * (kh - 1) + p->output_pad_h + 1;
  const gint64 ow = (wd - 1) * p->stride_w - 2 * p->pad_w + p->dilation_w * (kw - 1) + p->output_pad_w + 1;
  g_autofree double *acc = g_new0 (double, n * cout * oh * ow);
  /* The definition: every input pixel scatters its weighted kernel. */
  for (gint64 b_ = 0; b_ < n; b_++)
    for (gint64 ci = 0; ci < cin; ci++)
      for (gint64 iy = 0; iy < h; iy++)
        for (gint64 ix = 0; ix < wd; ix++)
          for (gint64 co = 0; co < cout_g; co++)
            for (gint64 ky = 0; ky < kh; ky++)
              for (gint64 kx = 0; kx < kw; kx++)
                {
                  gint64 oy = iy * p->stride_h - p->pad_h + ky * p->dilation_h;
                  gint64 ox = ix * p->stride_w - p->pad_w + kx * p->dilation_w;
                  if (oy < 0 || oy >= oh || ox < 0 || ox >= ow)
                    continue;
                  gint64 oc = (ci / cin_g) * cout_g + co;
                  acc[((b_ * cout + oc) * oh + oy) * ow + ox] += (double) AT4 (in, b_, ci, iy, ix) * AT4 (w, ci, co, ky, kx);
                }
  AtelierTensor *out = new_4d (n, cout, oh, ow);
  for (gint64 i = 0; i < atelier_tensor_numel (out); i++)
    out->data[i] = (float) (acc[i] + (b ? b->data[(i / (oh * ow)) % cout] : 0.0));
  return out;
}

AtelierTensor *
naive_pixel_shuffle (const AtelierTensor *in, int r, AtelierDepthToSpaceOrder order)
{
  const gint64 n = in->shape[0], c = in->shape[1] / (r * r), h = in->shape[2], w = in->shape[3];
  AtelierTensor *out = new_4d (n, c, h * r, w * r);
  for (gint64 b = 0; b < n; b++)
    for (gint64 ch = 0; ch < c; ch++)
      for (gint64 y = 0; y < h * r; y++)
        for (gint64 x = 0; x < w * r; x++)
          {
            gint64 i = y % r, j = x % r;
            gint64 src = order == ATELIER_DEPTH_TO_SPACE_CHANNEL_FIRST ? ch * r * r + i * r + j : (i * r + j) * c + ch;
            AT4 (out, b, ch, y, x) = AT4 (in, b, src, y / r, x / r);
          }
  return out;
}

static double
keys_cubic (double x)
{
  const double a = -0.75;
  x = fabs (x);
  if (x <= 1)
    return (a + 2) * x * x * x - (a + 3) * x * x + 1;
  if (x < 2)
    return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
  return 0;
}

/* Sample position of an output pixel in input coordinates and the taps that
 * contribute to it, for one axis. */
static int
naive_taps (AtelierResizeMode mode, gint64 in, gint64 out, gint64 o, gint64 *idx, double *wt)
{
  double scale = (double) in / out;
  if (mode == ATELIER_RESIZE_NEAREST)
    {
      idx[0] = MIN ((gint64) floor (o * scale), in - 1);
      wt[0] = 1;
      return 1;
    }
  double src = (o + 0.5) * scale - 0.5;
  if (mode == ATELIER_RESIZE_BILINEAR)
    {
      if (src < 0)
        src = 0;
      gint64 i0 = (gint64) floor (src);
      double t = src - i0;
      idx[0] = MIN (i0, in - 1);
      idx[1] = MIN (i0 + 1, in - 1);
      wt[0] = 1 - t;
      wt[1] = t;
      return 2;
    }
  gint64 i0 = (gint64) floor (src);
  for (int k = -1; k <= 2; k++)
    {
      idx[k + 1] = CLAMP (i0 + k, 0, in - 1);
      wt[k + 1] = keys_cubic (src - (i0 + k));
    }
  return 4;
}

AtelierTensor *
naive_resize (const AtelierTensor *in, gint64 oh, gint64 ow, AtelierResizeMode mode)
{
  AtelierTensor *out = new_4d (in->shape[0], in->shape[1], oh, ow);
  for (gint64 b = 0; b < in->shape[0]; b++)
    for (gint64 c = 0; c < in->shape[1]; c++)
      for (gint64 y = 0; y < oh; y++)
        for (gint64 x = 0; x < ow; x++)
          {
            gint64 iy[4], ix[4];
            double wy[4], wx[4];
            int ny = naive_taps (mode, in->shape[2], oh, y, iy, wy);
            int nx = naive_taps (mode, in->shape[3], ow, x, ix, wx);
            double sum = 0;
            for (int a = 0; a < ny; a++)
              for (int k = 0; k < nx; k++)
                sum += wy[a] * wx[k] * AT4 (in, b, c, iy[a], ix[k]);
            AT4 (out, b, c, y, x) = (float) sum;
          }
  return out;
}

AtelierTensor *
naive_pool2d (const AtelierTensor *in, AtelierPoolMode mode, const AtelierPool2dParams *p)
{
  const gint64 h = in->shape[2], w = in->shape[3];
  gint64 oh = (gint64) (p->ceil_mode ? ceil : floor) ((double) (h + 2 * p->pad_h - p->kernel_h) / p->stride_h) + 1;
  gint64 ow = (gint64) (p->ceil_mode ? ceil : floor) ((double) (w + 2 * p->pad_w - p->kernel_w) / p->stride_w) + 1;
  /* As PyTorch: no window starts in the padding after the input. */
  if ((oh - 1) * p->stride_h >= h + p->pad_h)
    oh--;
  if ((ow - 1) * p->stride_w >= w + p->pad_w)
    ow--;
  AtelierTensor *out = new_4d (in->shape[0], in->shape[1], oh, ow);
  for (gint64 b = 0; b < in->shape[0]; b++)
    for (gint64 c = 0; c < in->shape[1]; c++)
      for (gint64 y = 0; y < oh; y++)
        for (gint64 x = 0; x < ow; x++)
          {
            double best = -INFINITY, sum = 0;
            gint64 inside = 0, in_padded = 0;
            for (gint64 ky = 0; ky < p->kernel_h; ky++)
              for (gint64 kx = 0; kx < p->kernel_w; kx++)
                {
                  gint64 iy = y * p->stride_h - p->pad_h + ky, ix = x * p->stride_w - p->pad_w + kx;
                  if (iy < h + p->pad_h && ix < w + p->pad_w)
                    in_padded++;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                    continue;
                  double v = AT4 (in, b, c, iy, ix);
                  best = MAX (best, v);
                  sum += v;
                  inside++;
                }
            AT4 (out, b, c, y, x) = (float) (mode == ATELIER_POOL_MAX ? best
                                             : sum / (p->count_include_pad ? in_padded : inside));
          }
  return out;
}

static void
normalize_span (const float *src, float *dst, gint64 count, gint64 stride_affine, const AtelierTensor *gamma,
                const AtelierTensor *beta, gint64 affine0, double eps, gboolean per_element)
{
  double mean = 0, var = 0;
  for (gint64 i = 0; i < count; i++)
    mean += src[i];
  mean /= count;
  for (gint64 i = 0; i < count; i++)
    var += (src[i] - mean) * (src[i] - mean);
  var /= count;
  for (gint64 i = 0; i < count; i++)
    {
      gint64 a = per_element ? i : affine0 + i / stride_affine;
      dst[i] = (float) ((src[i] - mean) / sqrt (var + eps) * (gamma ? gamma->data[a] : 1.0) + (beta ? beta->data[a] : 0.0));
    }
}

AtelierTensor *
naive_group_norm (const AtelierTensor *in, int groups, const AtelierTensor *gamma, const AtelierTensor *beta, double eps)
{
  AtelierTensor *out = new_tensor (in->rank, in->shape);
  gint64 spatial = atelier_tensor_numel (in) / (in->shape[0] * in->shape[1]);
  gint64 cg = in->shape[1] / groups;
  for (gint64 b = 0; b < in->shape[0]; b++)
    for (gint64 g = 0; g < groups; g++)
      {
        gint64 off = (b * in->shape[1] + g * cg) * spatial;
        normalize_span (in->data + off, out->data + off, cg * spatial, spatial, gamma, beta, g * cg, eps, FALSE);
      }
  return out;
}

AtelierTensor *
naive_layer_norm (const AtelierTensor *in, const AtelierTensor *gamma, const AtelierTensor *beta, double eps)
{
  AtelierTensor *out = new_tensor (in->rank, in->shape);
  gint64 d = in->shape[in->rank - 1];
  for (gint64 r = 0; r < atelier_tensor_numel (in) / d; r++)
    normalize_span (in->data + r * d, out->data + r * d, d, 1, gamma, beta, 0, eps, TRUE);
  return out;
}

AtelierTensor *
naive_batch_norm (const AtelierTensor *in, const AtelierTensor *gamma, const AtelierTensor *beta,
                  const AtelierTensor *mean, const AtelierTensor *var, double eps)
{
  AtelierTensor *out = new_tensor (in->rank, in->shape);
  for (gint64 b = 0; b < in->shape[0]; b++)
    for (gint64 c = 0; c < in->shape[1]; c++)
      for (gint64 y = 0; y < in->shape[2]; y++)
        for (gint64 x = 0; x < in->shape[3]; x++)
          AT4 (out, b, c, y, x) = (float) ((AT4 (in, b, c, y, x) - mean->data[c]) / sqrt (var->data[c] + eps)
                                           * gamma->data[c] + beta->data[c]);
  return out;
}

AtelierTensor *
naive_linear (const AtelierTensor *in, const AtelierTensor *w, const AtelierTensor *b)
{
  int64_t shape[4];
  for (int i = 0; i < in->rank; i++)
    shape[i] = in->shape[i];
  const gint64 din = in->shape[in->rank - 1], dout = w->shape[0];
  shape[in->rank - 1] = dout;
  AtelierTensor *out = new_tensor (in->rank, shape);
  for (gint64 r = 0; r < atelier_tensor_numel (in) / din; r++)
    for (gint64 o = 0; o < dout; o++)
      {
        double sum = b ? b->data[o] : 0;
        for (gint64 i = 0; i < din; i++)
          sum += (double) in->data[r * din + i] * w->data[o * din + i];
        out->data[r * dout + o] = (float) sum;
      }
  return out;
}

AtelierTensor *
naive_softmax (const AtelierTensor *in)
{
  AtelierTensor *out = new_tensor (in->rank, in->shape);
  gint64 d = in->shape[in->rank - 1];
  for (gint64 r = 0; r < atelier_tensor_numel (in) / d; r++)
    {
      double sum = 0;
      for (gint64 i = 0; i < d; i++)
        sum += exp ((double) in->data[r * d + i]);
      for (gint64 i = 0; i < d; i++)
        out->data[r * d + i] = (float) (exp ((double) in->data[r * d + i]) / sum);
    }
  return out;
}

AtelierTensor *
naive_attention (const AtelierTensor *q, const AtelierTensor *k, const AtelierTensor *v, double scale)
{
  const gint64 batch = q->shape[0], lq = q->shape[1], lk = k->shape[1], d = q->shape[2], dv = v->shape[2];
  AtelierTensor *out = new_tensor (3, (const int64_t[]) { batch, lq, dv });
  g_autofree double *p = g_new (double, lk);
  for (gint64 b = 0; b < batch; b++)
    for (gint64 i = 0; i < lq; i++)
      {
        double sum = 0;
        for (gint64 j = 0; j < lk; j++)
          {
            double dot = 0;
            for (gint64 e = 0; e < d; e++)
              dot += (double) q->data[(b * lq + i) * d + e] * k->data[(b * lk + j) * d + e];
            sum += (p[j] = exp (dot * scale));
          }
        for (gint64 e = 0; e < dv; e++)
          {
            double acc = 0;
            for (gint64 j = 0; j < lk; j++)
              acc += p[j] / sum * v->data[(b * lk + j) * dv + e];
            out->data[(b * lq + i) * dv + e] = (float) acc;
          }
      }
  return out;
}
