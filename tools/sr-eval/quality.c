/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "quality.h"

#include <math.h>

static double *
luma (const AtelierTensor *img, int shave, gint64 *h_out, gint64 *w_out)
{
  const gint64 h = img->shape[2], w = img->shape[3], plane = h * w;
  const gint64 oh = h - 2 * shave, ow = w - 2 * shave;
  double *y = g_new (double, oh * ow);
  for (gint64 r = 0; r < oh; r++)
    for (gint64 c = 0; c < ow; c++)
      {
        gint64 i = (r + shave) * w + c + shave;
        double rgb[3];
        for (int k = 0; k < 3; k++)
          rgb[k] = round (CLAMP (img->data[k * plane + i], 0.0f, 1.0f) * 255.0);
        y[r * ow + c] = 16.0 + (65.481 * rgb[0] + 128.553 * rgb[1] + 24.966 * rgb[2]) / 255.0;
      }
  *h_out = oh;
  *w_out = ow;
  return y;
}

void
quality_y (const AtelierTensor *a, const AtelierTensor *b, int shave, double *psnr, double *ssim)
{
  gint64 h, w;
  g_autofree double *ya = luma (a, shave, &h, &w);
  g_autofree double *yb = luma (b, shave, &h, &w);
  double mse = 0;
  for (gint64 i = 0; i < h * w; i++)
    mse += (ya[i] - yb[i]) * (ya[i] - yb[i]);
  mse /= h * w;
  *psnr = 10 * log10 (255.0 * 255.0 / MAX (mse, 1e-12));

  double window[11];
  double total = 0;
  for (int i = 0; i < 11; i++)
    total += window[i] = exp (-(i - 5) * (i - 5) / (2 * 1.5 * 1.5));
  for (int i = 0; i < 11; i++)
    window[i] /= total;
  const double c1 = pow (0.01 * 255, 2), c2 = pow (0.03 * 255, 2);
  double sum = 0;
  gint64 count = 0;
  for (gint64 r = 0; r + 11 <= h; r++)
    for (gint64 c = 0; c + 11 <= w; c++)
      {
        double ma = 0, mb = 0, saa = 0, sbb = 0, sab = 0;
        for (int i = 0; i < 11; i++)
          for (int j = 0; j < 11; j++)
            {
              double wt = window[i] * window[j];
              double va = ya[(r + i) * w + c + j], vb = yb[(r + i) * w + c + j];
              ma += wt * va;
              mb += wt * vb;
              saa += wt * va * va;
              sbb += wt * vb * vb;
              sab += wt * va * vb;
            }
        saa -= ma * ma;
        sbb -= mb * mb;
        sab -= ma * mb;
        sum += ((2 * ma * mb + c1) * (2 * sab + c2)) / ((ma * ma + mb * mb + c1) * (saa + sbb + c2));
        count++;
      }
  *ssim = sum / MAX (count, 1);
}
