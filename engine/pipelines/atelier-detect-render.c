/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The pictures of a detection: heat map and marked spectrum. */
#include "pipelines/atelier-detect.h"

#include <math.h>
#include <string.h>

/* A harmonic this far (natural log) above its ring's median, 7 times its
 * power, is marked; a Welch average of natural images rarely gets there. */
#define PEAK_MARK_SCORE 2.0
#define PEAK_RING_RADIUS 4

/* @low where @p < 0.5, else @high, chosen by integer arithmetic on their bits: GCC vectorises no choice
 * between floating-point values (under its default -ftrapping-math it takes one for control flow), and the
 * colouring of a 12-megapixel map costs as much as its arithmetic. Exact for every float: the bits of a
 * negative one read as a negative integer, those of a positive one in the order of its value. */
static inline float
below_half_select (float p, float low, float high)
{
  const gint32 half_bits = 0x3f000000; /* 0.5f */
  gint32 bits, low_bits, high_bits;
  memcpy (&bits, &p, sizeof bits);
  memcpy (&low_bits, &low, sizeof low_bits);
  memcpy (&high_bits, &high, sizeof high_bits);
  const gint32 mask = -(gint32) (bits < half_bits), chosen = (low_bits & mask) | (high_bits & ~mask);
  float result;
  memcpy (&result, &chosen, sizeof result);
  return result;
}

/* A row of probabilities into the three colour planes: green (real) through yellow to red (generated), linear
 * on each half. */
static void
colour_row (const float *p, gint64 width, float *red_plane, float *green_plane, float *blue_plane)
{
  static const float green[3] = { 0.10f, 0.70f, 0.25f }, yellow[3] = { 1.0f, 0.85f, 0.10f },
                     red[3] = { 0.85f, 0.08f, 0.08f };
  float *const planes[3] = { red_plane, green_plane, blue_plane };
  for (int c = 0; c < 3; c++)
    {
      const float low_span = yellow[c] - green[c], high_span = red[c] - yellow[c];
      float *out = planes[c];
      for (gint64 x = 0; x < width; x++)
        {
          const float low = green[c] + (p[x] * 2) * low_span, high = yellow[c] + ((p[x] - 0.5f) * 2) * high_span;
          out[x] = below_half_select (p[x], low, high);
        }
    }
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

/* One row of tiles' probabilities interpolated along x, pixel by pixel. */
static void
interpolate_row (const float *tiles, int columns, const int *column_at, const float *column_weight, gint64 width,
                 float *row)
{
  for (gint64 x = 0; x < width; x++)
    {
      const int c0 = column_at[x], c1 = MIN (c0 + 1, columns - 1);
      const float wx = column_weight[x];
      row[x] = (1 - wx) * tiles[c0] + wx * tiles[c1];
    }
}

/* Rows per work item: a few hundred kilobytes of map. */
#define HEAT_MAP_BLOCK_ROWS 64

typedef struct
{
  const AtelierDetection *d;
  AtelierTensor *map;
  const int *column_at, *row_at;
  const float *column_weight, *row_weight;
} HeatMapJob;

static void
render_heat_map_block (gint64 item, int worker, gpointer data)
{
  const HeatMapJob *job = data;
  const AtelierSpectralAnalysis *a = job->d->analysis;
  const int channels = (int) atelier_tensor_c (job->map);
  const gint64 height = atelier_tensor_h (job->map), width = atelier_tensor_w (job->map);
  const gsize plane = (gsize) (width * height);
  /* Bilinear interpolation is separable: the two tile rows around a pixel row are interpolated along x once
   * for all the pixel rows between the same two tile centres. */
  g_autofree float *upper = g_new (float, width), *lower = g_new (float, width), *row = g_new (float, width);
  int interpolated = -1;
  for (gint64 y = item * HEAT_MAP_BLOCK_ROWS; y < MIN ((item + 1) * HEAT_MAP_BLOCK_ROWS, height); y++)
    {
      if (job->row_at[y] != interpolated)
        {
          interpolated = job->row_at[y];
          const float *tiles = job->d->tile_probability;
          interpolate_row (tiles + (gsize) interpolated * a->columns, a->columns, job->column_at,
                           job->column_weight, width, upper);
          interpolate_row (tiles + (gsize) MIN (interpolated + 1, a->rows - 1) * a->columns, a->columns,
                           job->column_at, job->column_weight, width, lower);
        }
      float *out = job->map->data + (gsize) y * width;
      float *p = channels == 1 ? out : row;
      const float wy = job->row_weight[y];
      for (gint64 x = 0; x < width; x++)
        p[x] = (1 - wy) * upper[x] + wy * lower[x];
      if (channels == 3)
        colour_row (p, width, out, out + plane, out + 2 * plane);
    }
}

AtelierTensor *
atelier_detection_render_heat_map (AtelierContext *ctx, const AtelierDetection *d, int channels, gint64 width,
                                   gint64 height, GError **error)
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
  HeatMapJob job = { d, map, column_at, row_at, column_weight, row_weight };
  /* In parallel for the arithmetic and as much for the first touch of the map's pages, which costs as much. */
  atelier_context_parallel_for (ctx, (height + HEAT_MAP_BLOCK_ROWS - 1) / HEAT_MAP_BLOCK_ROWS, render_heat_map_block,
                                &job);
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
