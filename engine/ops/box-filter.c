/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/box-filter.h"

void
atelier_box_mean_plane (const float *src, float *dst, gint64 h, gint64 w, int radius_y, int radius_x,
                        double *column_sums)
{
  /* Double running sums: in float, adding and removing rows of a 4000-pixel
   * wide image drifts by more than the eps of a guided filter. */
  for (gint64 x = 0; x < w; x++)
    column_sums[x] = 0.0;
  for (gint64 y = 0; y < MIN (radius_y, h - 1) + 1; y++)
    for (gint64 x = 0; x < w; x++)
      column_sums[x] += src[y * w + x];
  for (gint64 y = 0; y < h; y++)
    {
      if (y > 0)
        {
          const gint64 enter = y + radius_y, leave = y - radius_y - 1;
          if (enter < h)
            for (gint64 x = 0; x < w; x++)
              column_sums[x] += src[enter * w + x];
          if (leave >= 0)
            for (gint64 x = 0; x < w; x++)
              column_sums[x] -= src[leave * w + x];
        }
      const double rows = (double) (MIN (y + radius_y, h - 1) - MAX (y - radius_y, 0) + 1);
      double sum = 0.0;
      for (gint64 x = 0; x < MIN (radius_x, w - 1) + 1; x++)
        sum += column_sums[x];
      for (gint64 x = 0; x < w; x++)
        {
          if (x > 0)
            {
              const gint64 enter = x + radius_x, leave = x - radius_x - 1;
              if (enter < w)
                sum += column_sums[enter];
              if (leave >= 0)
                sum -= column_sums[leave];
            }
          const double cols = (double) (MIN (x + radius_x, w - 1) - MAX (x - radius_x, 0) + 1);
          dst[y * w + x] = (float) (sum / (rows * cols));
        }
    }
}
