/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "resample.h"

#include <math.h>

static double
kernel_value (ResampleKernel kernel, double x)
{
  x = fabs (x);
  if (kernel == RESAMPLE_BICUBIC)
    {
      const double a = -0.5;
      if (x <= 1)
        return (a + 2) * x * x * x - (a + 3) * x * x + 1;
      if (x < 2)
        return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
      return 0;
    }
  if (x < 1e-12)
    return 1;
  if (x >= 3)
    return 0;
  return 3 * sin (G_PI * x) * sin (G_PI * x / 3) / (G_PI * G_PI * x * x);
}

static gint64
mirror (gint64 i, gint64 n)
{
  while (i < 0 || i >= n)
    i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

/* Resamples along one axis: (planes, n_in, stride) -> (planes, n_out, stride). */
static void
resample_axis (const float *src, float *dst, gint64 planes, gint64 n_in, gint64 n_out, gint64 stride,
               ResampleKernel kernel)
{
  const double scale = (double) n_out / n_in;
  const double support = (kernel == RESAMPLE_BICUBIC ? 2.0 : 3.0) * (scale < 1 ? 1 / scale : 1);
  const double stretch = scale < 1 ? scale : 1;
  for (gint64 o = 0; o < n_out; o++)
    {
      const double centre = (o + 0.5) / scale - 0.5;
      const gint64 first = (gint64) floor (centre - support), last = (gint64) ceil (centre + support);
      double total = 0;
      for (gint64 i = first; i <= last; i++)
        total += kernel_value (kernel, (centre - i) * stretch);
      for (gint64 p = 0; p < planes; p++)
        for (gint64 s = 0; s < stride; s++)
          {
            double sum = 0;
            for (gint64 i = first; i <= last; i++)
              sum += kernel_value (kernel, (centre - i) * stretch) * src[(p * n_in + mirror (i, n_in)) * stride + s];
            dst[(p * n_out + o) * stride + s] = (float) (sum / total);
          }
    }
}

AtelierTensor *
resample (const AtelierTensor *image, gint64 out_h, gint64 out_w, ResampleKernel kernel)
{
  const gint64 c = image->shape[1], h = image->shape[2], w = image->shape[3];
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) rows = atelier_tensor_new_4d (1, c, h, out_w, &error);
  AtelierTensor *out = atelier_tensor_new_4d (1, c, out_h, out_w, &error);
  g_assert_no_error (error);
  resample_axis (image->data, rows->data, c * h, w, out_w, 1, kernel);
  resample_axis (rows->data, out->data, c, h, out_h, out_w, kernel);
  return out;
}
