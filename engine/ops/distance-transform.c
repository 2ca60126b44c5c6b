/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/distance-transform.h"

#include "core/atelier-error.h"

/* Beyond any squared distance in an image, yet finite so that the envelope's
 * intersections stay finite. */
#define FAR_AWAY 1e20f

/* The lower envelope of the parabolas (q - p)^2 + f[p] over one line of
 * @n samples at stride @stride, in place. Scratch: @vertices (n),
 * @bounds (n + 1), @line (n). */
static void
envelope_1d (float *values, gint64 n, gint64 stride, gint64 *vertices, double *bounds, double *line)
{
  for (gint64 q = 0; q < n; q++)
    line[q] = values[q * stride];
  gint64 k = 0;
  vertices[0] = 0;
  bounds[0] = -G_MAXDOUBLE;
  bounds[1] = G_MAXDOUBLE;
  for (gint64 q = 1; q < n; q++)
    {
      double s;
      /* bounds[0] is below every intersection, so this stops at k = 0. */
      while (TRUE)
        {
          const gint64 p = vertices[k];
          s = ((line[q] + (double) (q * q)) - (line[p] + (double) (p * p))) / (double) (2 * (q - p));
          if (s > bounds[k])
            break;
          k--;
        }
      k++;
      vertices[k] = q;
      bounds[k] = s;
      bounds[k + 1] = G_MAXDOUBLE;
    }
  k = 0;
  for (gint64 q = 0; q < n; q++)
    {
      while (bounds[k + 1] < (double) q)
        k++;
      const gint64 p = vertices[k];
      values[q * stride] = (float) ((double) ((q - p) * (q - p)) + line[p]);
    }
}

typedef struct
{
  float *plane;
  gint64 h, w;
  gboolean columns; /* this pass runs down the columns, else along the rows */
  gint64 lines_per_item;
} EnvelopeJob;

static void
envelope_lines (gint64 item, int worker, gpointer data)
{
  (void) worker;
  const EnvelopeJob *job = data;
  const gint64 n = job->columns ? job->h : job->w, stride = job->columns ? job->w : 1;
  const gint64 lines = job->columns ? job->w : job->h;
  g_autofree gint64 *vertices = g_new (gint64, n);
  g_autofree double *bounds = g_new (double, n + 1);
  g_autofree double *line = g_new (double, n);
  for (gint64 l = item * job->lines_per_item; l < MIN (lines, (item + 1) * job->lines_per_item); l++)
    envelope_1d (job->plane + (job->columns ? l : l * job->w), n, stride, vertices, bounds, line);
}

gboolean
atelier_distance_transform_squared (AtelierContext *ctx, const guint8 *features, gint64 h, gint64 w,
                                    float *squared_distances, GError **error)
{
  gboolean any = FALSE;
  for (gint64 i = 0; i < h * w; i++)
    {
      squared_distances[i] = features[i] ? 0.0f : FAR_AWAY;
      any |= features[i] != 0;
    }
  if (!any)
    {
      for (gint64 i = 0; i < h * w; i++)
        squared_distances[i] = G_MAXFLOAT;
      return TRUE;
    }
  /* Columns first: each worker walks a batch of neighbouring columns, whose
   * samples share cache lines row after row. */
  EnvelopeJob job = { squared_distances, h, w, TRUE, 64 };
  atelier_context_parallel_for (ctx, (w + job.lines_per_item - 1) / job.lines_per_item, envelope_lines, &job);
  if (!atelier_context_check_cancelled (ctx, error))
    return FALSE;
  job.columns = FALSE;
  job.lines_per_item = 16;
  atelier_context_parallel_for (ctx, (h + job.lines_per_item - 1) / job.lines_per_item, envelope_lines, &job);
  return atelier_context_check_cancelled (ctx, error);
}
