/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-tabletop.h"

#include "core/atelier-error.h"
#include "ops/atelier-ops.h"
#include "pipelines/atelier-background-compose.h"

#include <math.h>
#include <string.h>

/* The camera's focal length in picture widths, a product photograph's normal to long lens: the floor's nearest
 * row is foreshortened by the focal length over its distance below the horizon, so a lower horizon looks at the
 * table from lower down. */
#define FOCAL_WIDTHS 1.2f
/* How much brighter the picture is towards the light than in its middle, at full strength: a window or a softbox
 * on one side, not a spotlight. */
#define LIGHT_FALLOFF 0.2f
/* The wall: the floor's mean colour taken this far towards a light grey, darker towards the top (a room lit from
 * the table's height). A plain wall keeps the eye on the product, as a seller's backdrop does. */
#define WALL_TOWARDS_GREY 0.6f
#define WALL_GREY 0.93f
#define WALL_DARKENING 0.12f
/* The horizon's soft edge as a share of the height: the wall meets the out-of-focus far floor. */
#define HORIZON_SOFTNESS 0.012f
/* The deepest floor drawn, in units of the nearest row's depth: beyond it the pyramid's top holds the floor's mean
 * anyway. */
#define MAX_DEPTH 64.0f
/* The horizon stays above the subject's base by this share of the height. */
#define BASE_MARGIN 0.05f
#define MAX_LEVELS 16

typedef struct
{
  const AtelierTabletopOptions *options;
  AtelierTensor *levels[MAX_LEVELS]; /* the surface, then each half the size of the one before */
  int n_levels;
  float wall[3];                     /* the wall's colour at the horizon */
  float *out;
  gint64 h, w;
} TabletopJob;

static inline gint64
mirrored (gint64 i, gint64 n)
{
  const gint64 period = 2 * n;
  i %= period;
  if (i < 0)
    i += period;
  return i < n ? i : period - 1 - i;
}

/* Bilinear sample of @level at (@u, @v) in the surface's texel units (texel centres at i + 0.5), mirrored. */
static void
sample_level (const AtelierTensor *level, const AtelierTensor *surface, float u, float v, float *rgb)
{
  const gint64 th = level->shape[2], tw = level->shape[3];
  const float x = u * (float) tw / (float) surface->shape[3] - 0.5f;
  const float y = v * (float) th / (float) surface->shape[2] - 0.5f;
  const float fx = floorf (x), fy = floorf (y), ax = x - fx, ay = y - fy;
  const gint64 x0 = mirrored ((gint64) fx, tw), x1 = mirrored ((gint64) fx + 1, tw);
  const gint64 y0 = mirrored ((gint64) fy, th), y1 = mirrored ((gint64) fy + 1, th);
  for (int c = 0; c < 3; c++)
    {
      const float *p = level->data + c * th * tw;
      const float top = p[y0 * tw + x0] + (p[y0 * tw + x1] - p[y0 * tw + x0]) * ax;
      const float bottom = p[y1 * tw + x0] + (p[y1 * tw + x1] - p[y1 * tw + x0]) * ax;
      rgb[c] = top + (bottom - top) * ay;
    }
}

/* The floor at (@u, @v) seen with a footprint of @texels surface texels per pixel: trilinear in the pyramid. */
static void
sample_floor (const TabletopJob *job, float u, float v, float texels, float *rgb)
{
  const float level = CLAMP (log2f (MAX (texels, 1.0f)), 0.0f, (float) (job->n_levels - 1));
  const int k = MIN ((int) level, MAX (job->n_levels - 2, 0));
  const float t = MIN (level - (float) k, 1.0f);
  float fine[3], coarse[3];
  sample_level (job->levels[k], job->levels[0], u, v, fine);
  if (t > 0.0f)
    {
      sample_level (job->levels[k + 1], job->levels[0], u, v, coarse);
      for (int c = 0; c < 3; c++)
        fine[c] += (coarse[c] - fine[c]) * t;
    }
  memcpy (rgb, fine, sizeof fine);
}

static void
scene_row (gint64 y, int worker, gpointer data)
{
  (void) worker;
  const TabletopJob *job = data;
  const AtelierTabletopOptions *o = job->options;
  const AtelierTensor *surface = job->levels[0];
  const float h = (float) job->h, w = (float) job->w;
  const float th = (float) surface->shape[2], tw = (float) surface->shape[3];
  const float horizon = o->horizon * h, below = h - horizon;
  const float scale = o->repeats * tw / w, focal = FOCAL_WIDTHS * w;
  const float row = (float) y + 0.5f, dy = row - horizon;
  const float softness = MAX (HORIZON_SOFTNESS * h, 0.5f);
  /* Smoothstep across the horizon's soft edge: 0 wall, 1 floor. */
  const float s = CLAMP ((dy / softness + 1.0f) * 0.5f, 0.0f, 1.0f), on_floor = s * s * (3.0f - 2.0f * s);
  const float depth = dy > 0.0f ? MIN (below / dy, MAX_DEPTH) : MAX_DEPTH;
  const float v = th * 0.75f - scale * focal * (depth - 1.0f);
  /* Along a row the floor moves scale * depth texels a pixel; from row to row, scale * focal * depth^2 / below. */
  const float texels = MAX (scale * depth, scale * focal * depth * depth / MAX (below, 1.0f));
  const float darkening = 1.0f - WALL_DARKENING * CLAMP (1.0f - row / MAX (horizon, 1.0f), 0.0f, 1.0f);
  /* The backdrop covers the wall (w x horizon) without stretching, centred across, its bottom row on the horizon. */
  const AtelierTensor *backdrop = o->backdrop;
  const float bh = backdrop ? (float) backdrop->shape[2] : 0.0f, bw = backdrop ? (float) backdrop->shape[3] : 0.0f;
  const float per_pixel = backdrop ? MIN (bw / w, bh / MAX (horizon, 1.0f)) : 0.0f;
  const gint64 plane = job->h * job->w;
  for (gint64 x = 0; x < job->w; x++)
    {
      const float column = (float) x + 0.5f;
      float rgb[3] = { 0.0f, 0.0f, 0.0f }, wall[3];
      if (on_floor > 0.0f)
        sample_floor (job, tw * 0.5f + (column - w * 0.5f) * scale * depth, v, texels, rgb);
      if (backdrop != NULL && on_floor < 1.0f)
        sample_level (backdrop, backdrop, bw * 0.5f + (column - w * 0.5f) * per_pixel,
                      bh - (horizon - row) * per_pixel, wall);
      else
        for (int c = 0; c < 3; c++)
          wall[c] = job->wall[c] * darkening;
      const float nx = (column - w * 0.5f) / (w * 0.5f), ny = (row - h * 0.5f) / (h * 0.5f);
      const float light = 1.0f + LIGHT_FALLOFF * (o->light[0] * nx + o->light[1] * ny);
      for (int c = 0; c < 3; c++)
        {
          const float value = (wall[c] + (rgb[c] - wall[c]) * on_floor) * light;
          job->out[c * plane + y * job->w + x] = CLAMP (value, 0.0f, 1.0f);
        }
    }
}

/* @surface and its area-averaged halvings down to 1 x 1 into @job's levels. */
static gboolean
build_pyramid (AtelierContext *ctx, const AtelierTensor *surface, TabletopJob *job, GError **error)
{
  if ((job->levels[0] = atelier_tensor_copy (surface, error)) == NULL)
    return FALSE;
  job->n_levels = 1;
  for (;;)
    {
      const AtelierTensor *last = job->levels[job->n_levels - 1];
      if (last->shape[2] == 1 && last->shape[3] == 1)
        return TRUE;
      if (job->n_levels == MAX_LEVELS)
        {
          g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                               "tabletop scene: the surface is too large");
          return FALSE;
        }
      job->levels[job->n_levels] = atelier_resize_area (ctx, last, (last->shape[2] + 1) / 2,
                                                        (last->shape[3] + 1) / 2, error);
      if (job->levels[job->n_levels] == NULL)
        return FALSE;
      job->n_levels++;
    }
}

AtelierTensor *
atelier_background_tabletop (AtelierContext *ctx, const AtelierTensor *surface, const AtelierTabletopOptions *options,
                             gint64 h, gint64 w, GError **error)
{
  const AtelierTensor *backdrop = options->backdrop;
  if (surface->rank != 4 || surface->shape[0] != 1 || surface->shape[1] != 3 || h < 1 || w < 1
      || (backdrop != NULL && (backdrop->rank != 4 || backdrop->shape[0] != 1 || backdrop->shape[1] != 3))
      || !(options->repeats > 0.0f) || !(options->horizon >= 0.0f && options->horizon <= 1.0f))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                           "tabletop scene: needs an RGB surface (and backdrop), a picture size, a horizon in 0..1 and "
                           "repeats > 0");
      return NULL;
    }
  g_autoptr (AtelierTensor) out = atelier_tensor_new_4d (1, 3, h, w, error);
  if (out == NULL)
    return NULL;
  TabletopJob job = { .options = options, .out = out->data, .h = h, .w = w };
  const gboolean built = build_pyramid (ctx, surface, &job, error);
  if (built)
    {
      /* The pyramid's top is the floor's mean colour (area means of area means). */
      const AtelierTensor *top = job.levels[job.n_levels - 1];
      for (int c = 0; c < 3; c++)
        job.wall[c] = top->data[c] * (1.0f - WALL_TOWARDS_GREY) + WALL_GREY * WALL_TOWARDS_GREY;
      atelier_context_parallel_for (ctx, h, scene_row, &job);
    }
  for (int i = 0; i < job.n_levels; i++)
    atelier_tensor_free (job.levels[i]);
  return built ? g_steal_pointer (&out) : NULL;
}

float
atelier_background_tabletop_horizon_for (float wanted, const AtelierTensor *alpha)
{
  gint64 top, bottom;
  if (!atelier_background_solid_rows (alpha, &top, &bottom))
    return wanted;
  return CLAMP (MIN (wanted, (float) (bottom + 1) / (float) alpha->shape[2] - BASE_MARGIN), 0.0f, 1.0f);
}

gint64
atelier_background_tabletop_surface_side (gint64 side, float repeats)
{
  g_return_val_if_fail (side > 0 && repeats > 0.0f, side);
  return (gint64) ceil ((double) side / repeats);
}
