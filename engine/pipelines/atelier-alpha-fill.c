/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-alpha-fill.h"

#include "core/atelier-error.h"

/* One pyramid level: premultiplied colour sums (C, h, w) and alpha sums (h, w). */
typedef struct
{
  gint64 h, w;
  double *colour;
  double *alpha;
} Level;

AtelierTensor *
atelier_alpha_fill (AtelierContext *ctx, const AtelierTensor *colour, const AtelierTensor *alpha, GError **error)
{
  (void) ctx;
  const gint64 c = colour->shape[1], h = colour->shape[2], w = colour->shape[3];
  if (!atelier_tensor_check_shape (alpha, "alpha", 4, (const int64_t[]) { 1, 1, h, w }, error))
    return NULL;
  g_autoptr (AtelierTensor) out = atelier_tensor_copy (colour, error);
  if (out == NULL)
    return NULL;

  g_autoptr (GArray) levels = g_array_new (FALSE, TRUE, sizeof (Level));
  Level base = { h, w, g_new (double, c * h * w), g_new (double, h * w) };
  for (gint64 i = 0; i < h * w; i++)
    {
      double a = CLAMP (alpha->data[i], 0.0f, 1.0f);
      base.alpha[i] = a;
      for (gint64 k = 0; k < c; k++)
        base.colour[k * h * w + i] = a * colour->data[k * h * w + i];
    }
  g_array_append_val (levels, base);
  /* Push: halve until one pixel, summing 2x2 boxes (clipped at odd edges). */
  while (TRUE)
    {
      const Level *fine = &g_array_index (levels, Level, levels->len - 1);
      if (fine->h == 1 && fine->w == 1)
        break;
      Level coarse = { (fine->h + 1) / 2, (fine->w + 1) / 2, NULL, NULL };
      coarse.colour = g_new0 (double, c * coarse.h * coarse.w);
      coarse.alpha = g_new0 (double, coarse.h * coarse.w);
      for (gint64 y = 0; y < fine->h; y++)
        for (gint64 x = 0; x < fine->w; x++)
          {
            gint64 src = y * fine->w + x, dst = (y / 2) * coarse.w + x / 2;
            coarse.alpha[dst] += fine->alpha[src];
            for (gint64 k = 0; k < c; k++)
              coarse.colour[k * coarse.h * coarse.w + dst] += fine->colour[k * fine->h * fine->w + src];
          }
      g_array_append_val (levels, coarse);
    }
  /* Pull: each level's colour where it has weight, topped up from the level
   * above by the missing weight (1 - alpha), down to full resolution. */
  for (gint i = (gint) levels->len - 2; i >= 0; i--)
    {
      Level *fine = &g_array_index (levels, Level, i);
      const Level *coarse = &g_array_index (levels, Level, i + 1);
      for (gint64 y = 0; y < fine->h; y++)
        for (gint64 x = 0; x < fine->w; x++)
          {
            gint64 idx = y * fine->w + x, parent = (y / 2) * coarse->w + x / 2;
            double a = fine->alpha[idx];
            double missing = MAX (1.0 - a, 0.0);
            double parent_a = coarse->alpha[parent];
            for (gint64 k = 0; k < c; k++)
              {
                double parent_colour = parent_a > 0.0 ? coarse->colour[k * coarse->h * coarse->w + parent] / parent_a : 0.0;
                fine->colour[k * fine->h * fine->w + idx] += missing * parent_colour;
              }
            fine->alpha[idx] = a + (parent_a > 0.0 ? missing : 0.0);
          }
    }
  const Level *top = &g_array_index (levels, Level, 0);
  for (gint64 i = 0; i < h * w; i++)
    if (alpha->data[i] <= 0.0f && top->alpha[i] > 0.0)
      for (gint64 k = 0; k < c; k++)
        out->data[k * h * w + i] = (float) (top->colour[k * h * w + i] / top->alpha[i]);
  for (guint i = 0; i < levels->len; i++)
    {
      g_free (g_array_index (levels, Level, i).colour);
      g_free (g_array_index (levels, Level, i).alpha);
    }
  return g_steal_pointer (&out);
}
