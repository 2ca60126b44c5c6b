/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pictures of a detection: heat map and marked spectrum. */
#include "pipelines/atelier-detect.h"

#include <math.h>
#include <string.h>

/* A harmonic this far (natural log) above its ring's median, 7 times its
 * power, is marked; a Welch average of natural images rarely gets there. */
#define PEAK_MARK_SCORE 2.0
#define PEAK_RING_RADIUS 4

static void
probability_colour (float p, float rgb[3])
{
  static const float green[3] = { 0.10f, 0.70f, 0.25f }, yellow[3] = { 1.0f, 0.85f, 0.10f },
                     red[3] = { 0.85f, 0.08f, 0.08f };
  const float *from = p < 0.5f ? green : yellow, *to = p < 0.5f ? yellow : red;
  const float t = p < 0.5f ? p * 2 : (p - 0.5f) * 2;
  for (int c = 0; c < 3; c++)
    rgb[c] = from[c] + t * (to[c] - from[c]);
}

/* For each pixel along one axis, the tile centres on either side and the
 * weight of the upper one (clamped past the outer centres). */
static void
interpolation_axis (const gint64 *origins, int count, int tile, gint64 extent, int *lower, float *weight)
{
  int i = 0;
  for (gint64 x = 0; x < extent; x++)
    {
      const double position = x + 0.5 - tile / 2.0;
      while (i + 1 < count && origins[i + 1] <= position)
        i++;
      lower[x] = i;
      weight[x] = i + 1 < count && position > origins[i]
                      ? (float) ((position - origins[i]) / (double) (origins[i + 1] - origins[i]))
                      : 0;
    }
}

AtelierTensor *
atelier_detection_render_heat_map (const AtelierDetection *d, int channels, gint64 width, gint64 height,
                                   GError **error)
{
  g_return_val_if_fail (channels == 1 || channels == 3, NULL);
  const AtelierSpectralAnalysis *a = d->analysis;
  g_autoptr (AtelierTensor) map = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, channels, height, width },
                                                                    error);
  if (map == NULL)
    return NULL;
  g_autofree int *column_at = g_new (int, width), *row_at = g_new (int, height);
  g_autofree float *column_weight = g_new (float, width), *row_weight = g_new (float, height);
  interpolation_axis (a->tile_x, a->columns, a->tile_size, width, column_at, column_weight);
  interpolation_axis (a->tile_y, a->rows, a->tile_size, height, row_at, row_weight);
  const gsize plane = (gsize) (width * height);
  for (gint64 y = 0; y < height; y++)
    {
      const float *upper = d->tile_probability + (gsize) row_at[y] * a->columns;
      const float *lower = d->tile_probability + (gsize) MIN (row_at[y] + 1, a->rows - 1) * a->columns;
      for (gint64 x = 0; x < width; x++)
        {
          const int c0 = column_at[x], c1 = MIN (c0 + 1, a->columns - 1);
          const float wx = column_weight[x], wy = row_weight[y];
          const float p = (1 - wy) * ((1 - wx) * upper[c0] + wx * upper[c1]) + wy * ((1 - wx) * lower[c0] + wx * lower[c1]);
          float rgb[3] = { p };
          if (channels == 3)
            probability_colour (p, rgb);
          for (int c = 0; c < channels; c++)
            map->data[c * plane + (gsize) y * width + x] = rgb[c];
        }
    }
  return g_steal_pointer (&map);
}

typedef struct
{
  const float *power;
  AtelierTensor *picture;
} MarkJob;

static void
draw_ring (AtelierTensor *picture, int cx, int cy)
{
  const int n = (int) atelier_tensor_w (picture);
  const gsize plane = (gsize) n * n;
  static const float red[3] = { 1, 0.1f, 0.1f };
  for (int dy = -PEAK_RING_RADIUS - 1; dy <= PEAK_RING_RADIUS + 1; dy++)
    for (int dx = -PEAK_RING_RADIUS - 1; dx <= PEAK_RING_RADIUS + 1; dx++)
      {
        const double r = hypot (dx, dy);
        const int x = cx + dx, y = cy + dy;
        if (fabs (r - PEAK_RING_RADIUS) > 0.6 || x < 0 || y < 0 || x >= n || y >= n)
          continue;
        for (int c = 0; c < 3; c++)
          picture->data[c * plane + (gsize) y * n + x] = red[c];
      }
}

static void
mark_peak (int u, int v, AtelierSpectralCue cue, gpointer data)
{
  MarkJob *job = data;
  const int n = (int) atelier_tensor_w (job->picture), half = n / 2;
  if (atelier_spectral_peak_score (job->power, n, u, v) < PEAK_MARK_SCORE)
    return;
  draw_ring (job->picture, half + u, half + v);
  draw_ring (job->picture, half - u, half - v);
}

AtelierTensor *
atelier_detection_render_spectrum (const AtelierDetection *d, GError **error)
{
  const AtelierTileSpectra *s = d->analysis->mean_spectra;
  const int n = s->size, half = n / 2;
  g_autoptr (AtelierTensor) picture = atelier_tensor_new_4d (1, 3, n, n, error);
  if (picture == NULL)
    return NULL;
  const gsize bins = atelier_tile_spectra_bins (n), plane = (gsize) n * n;
  g_autofree float *residual = g_new0 (float, bins);
  for (int c = 0; c < ATELIER_TILE_SPECTRA_CHANNELS; c++)
    for (gsize i = 0; i < bins; i++)
      residual[i] += s->residual[c][i];

  float lo = INFINITY, hi = -INFINITY;
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      {
        const float level = log10f (atelier_spectral_power_at (residual, n, x - half, y - half) + 1e-12f);
        picture->data[(gsize) y * n + x] = level;
        if (x != half || y != half)
          lo = MIN (lo, level), hi = MAX (hi, level);
      }
  const float range = hi > lo ? hi - lo : 1;
  for (gsize i = 0; i < plane; i++)
    {
      const float grey = CLAMP ((picture->data[i] - lo) / range, 0, 1);
      for (int c = 0; c < 3; c++)
        picture->data[c * plane + i] = grey;
    }
  MarkJob job = { residual, picture };
  atelier_spectral_foreach_harmonic (n, mark_peak, &job);
  return g_steal_pointer (&picture);
}
