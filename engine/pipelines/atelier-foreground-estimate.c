/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-foreground-estimate.h"

#include "core/atelier-error.h"

#include <math.h>
#include <string.h>

AtelierForegroundOptions
atelier_foreground_options_default (void)
{
  return (AtelierForegroundOptions) {
    .regularization = 1e-5f,
    .gradient_weight = 1.0f,
    .small_iterations = 10,
    .big_iterations = 2,
    .small_size = 32,
    .tile_size = 256,
    .tile_margin = 64,
  };
}

/* One level's pixels, interleaved RGB for colours. */
typedef struct
{
  gint64 h, w;
  float *image;      /* (h, w, 3) */
  float *alpha;      /* (h, w) */
  float *foreground; /* (h, w, 3) */
  float *background; /* (h, w, 3) */
} Level;

/* Nearest-neighbour index of destination @d of @dst_n samples into @src_n. */
static inline gint64
nearest (gint64 d, gint64 dst_n, gint64 src_n)
{
  return MIN (d * src_n / dst_n, src_n - 1);
}

static void
resize_nearest (const float *src, gint64 src_h, gint64 src_w, float *dst, gint64 dst_h, gint64 dst_w, int channels)
{
  for (gint64 y = 0; y < dst_h; y++)
    for (gint64 x = 0; x < dst_w; x++)
      memcpy (dst + (y * dst_w + x) * channels,
              src + (nearest (y, dst_h, src_h) * src_w + nearest (x, dst_w, src_w)) * channels,
              sizeof (float) * channels);
}

/* One Gauss-Seidel sweep: each pixel's (F, B) minimises its own terms of
 * the energy given its neighbours' current values, a 2 x 2 system shared by
 * the three channels. An out-of-image neighbour is the pixel itself, which
 * damps the update but leaves its fixed point alone and keeps the system
 * invertible on a 1 x 1 level. */
static void
sweep (Level *l, float regularization, float gradient_weight)
{
  const gint64 offsets[4][2] = { { -1, 0 }, { 1, 0 }, { 0, -1 }, { 0, 1 } };
  for (gint64 y = 0; y < l->h; y++)
    for (gint64 x = 0; x < l->w; x++)
      {
        const gint64 i = y * l->w + x;
        const double a0 = l->alpha[i], a1 = 1.0 - a0;
        double a00 = a0 * a0, a01 = a0 * a1, a11 = a1 * a1;
        double b0[3], b1[3];
        for (int c = 0; c < 3; c++)
          {
            b0[c] = a0 * l->image[3 * i + c];
            b1[c] = a1 * l->image[3 * i + c];
          }
        for (int k = 0; k < 4; k++)
          {
            const gint64 ny = CLAMP (y + offsets[k][0], 0, l->h - 1), nx = CLAMP (x + offsets[k][1], 0, l->w - 1);
            const gint64 j = ny * l->w + nx;
            const double weight = regularization + gradient_weight * fabs (a0 - l->alpha[j]);
            a00 += weight;
            a11 += weight;
            for (int c = 0; c < 3; c++)
              {
                b0[c] += weight * l->foreground[3 * j + c];
                b1[c] += weight * l->background[3 * j + c];
              }
          }
        const double inv_det = 1.0 / (a00 * a11 - a01 * a01);
        for (int c = 0; c < 3; c++)
          {
            l->foreground[3 * i + c] = (float) CLAMP (inv_det * (a11 * b0[c] - a01 * b1[c]), 0.0, 1.0);
            l->background[3 * i + c] = (float) CLAMP (inv_det * (a00 * b1[c] - a01 * b0[c]), 0.0, 1.0);
          }
      }
}

/* The multi-level solve on one tile (h, w) of interleaved @image and @alpha;
 * @foreground (h, w, 3) receives F. */
static gboolean
estimate_tile (const float *image, const float *alpha, gint64 h, gint64 w, const AtelierForegroundOptions *o,
               float *foreground)
{
  const gint64 n = h * w;
  /* The level's image (3n), alpha (n), F (3n) and B (3n); the level below's F and B (6n). */
  g_autofree float *storage = g_try_new (float, 16 * n);
  if (storage == NULL)
    return FALSE;
  Level l = { 1, 1, storage, storage + 3 * n, storage + 4 * n, storage + 7 * n };
  float *below = storage + 10 * n;
  /* Level 0 starts from the tile's mean colour for both layers. */
  double mean[3] = { 0.0, 0.0, 0.0 };
  for (gint64 i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      mean[c] += image[3 * i + c];
  gint64 below_h = 1, below_w = 1;
  for (int c = 0; c < 3; c++)
    below[c] = below[3 + c] = (float) (mean[c] / (double) n);
  const int levels = (int) ceil (log2 ((double) MAX (MAX (h, w), 2)));
  for (int level = 0; level <= levels; level++)
    {
      const double t = (double) level / levels;
      l.h = MAX (1, (gint64) round (pow ((double) h, t)));
      l.w = MAX (1, (gint64) round (pow ((double) w, t)));
      resize_nearest (image, h, w, l.image, l.h, l.w, 3);
      resize_nearest (alpha, h, w, l.alpha, l.h, l.w, 1);
      resize_nearest (below, below_h, below_w, l.foreground, l.h, l.w, 3);
      resize_nearest (below + 3 * below_h * below_w, below_h, below_w, l.background, l.h, l.w, 3);
      const int iterations = l.w <= o->small_size && l.h <= o->small_size ? o->small_iterations : o->big_iterations;
      for (int it = 0; it < iterations; it++)
        sweep (&l, o->regularization, o->gradient_weight);
      below_h = l.h;
      below_w = l.w;
      memcpy (below, l.foreground, sizeof (float) * 3 * l.h * l.w);
      memcpy (below + 3 * l.h * l.w, l.background, sizeof (float) * 3 * l.h * l.w);
    }
  memcpy (foreground, l.foreground, sizeof (float) * 3 * n);
  return TRUE;
}

typedef struct
{
  const AtelierTensor *image, *alpha;
  AtelierTensor *foreground;
  const AtelierForegroundOptions *options;
  gint64 tile_size, tiles_across;
  gint out_of_memory; /* atomic: set by a tile that could not allocate */
} TileJob;

static void
estimate_tile_item (gint64 item, int worker, gpointer data)
{
  (void) worker;
  TileJob *job = data;
  const gint64 H = job->image->shape[2], W = job->image->shape[3], plane = H * W;
  const gint64 top = (item / job->tiles_across) * job->tile_size, left = (item % job->tiles_across) * job->tile_size;
  const gint64 inner_h = MIN (job->tile_size, H - top), inner_w = MIN (job->tile_size, W - left);
  if (!atelier_tensor_window_holds_between (job->alpha, top, left, inner_h, inner_w, 0.0f, 1.0f))
    return;
  const gint64 margin = job->options->tile_size > 0 ? job->options->tile_margin : 0;
  const gint64 y0 = MAX (0, top - margin), x0 = MAX (0, left - margin);
  const gint64 h = MIN (H, top + inner_h + margin) - y0, w = MIN (W, left + inner_w + margin) - x0;
  g_autofree float *pixels = g_try_new (float, 7 * h * w);
  if (pixels == NULL)
    {
      g_atomic_int_set (&job->out_of_memory, 1);
      return;
    }
  float *image = pixels, *alpha = pixels + 3 * h * w, *foreground = pixels + 4 * h * w;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const gint64 src = (y0 + y) * W + x0 + x, dst = y * w + x;
        alpha[dst] = CLAMP (job->alpha->data[src], 0.0f, 1.0f);
        for (int c = 0; c < 3; c++)
          image[3 * dst + c] = job->image->data[c * plane + src];
      }
  if (!estimate_tile (image, alpha, h, w, job->options, foreground))
    {
      g_atomic_int_set (&job->out_of_memory, 1);
      return;
    }
  for (gint64 y = top; y < top + inner_h; y++)
    for (gint64 x = left; x < left + inner_w; x++)
      {
        const gint64 src = (y - y0) * w + (x - x0);
        if (alpha[src] < 1.0f)
          for (int c = 0; c < 3; c++)
            job->foreground->data[c * plane + y * W + x] = foreground[3 * src + c];
      }
}

AtelierTensor *
atelier_foreground_estimate (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *alpha,
                             const AtelierForegroundOptions *options, GError **error)
{
  if (!atelier_tensor_check_shape (image, "image", 4, (const int64_t[]) { 1, 3, -1, -1 }, error)
      || !atelier_tensor_check_shape (alpha, "alpha", 4, (const int64_t[]) { 1, 1, image->shape[2], image->shape[3] },
                                      error))
    return NULL;
  if (options->small_iterations < 0 || options->big_iterations < 0 || options->tile_size < 0
      || options->tile_margin < 0 || !(options->regularization > 0.0f) || !(options->gradient_weight >= 0.0f))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "foreground options out of range: iterations, tile size and margin must be >= 0, "
                   "regularization > 0, gradient weight >= 0");
      return NULL;
    }
  const gint64 H = image->shape[2], W = image->shape[3];
  g_autoptr (AtelierTensor) foreground = atelier_tensor_copy (image, error);
  if (foreground == NULL)
    return NULL;
  const gint64 tile = options->tile_size > 0 ? options->tile_size : MAX (H, W);
  TileJob job = { image, alpha, foreground, options, tile, (W + tile - 1) / tile, 0 };
  atelier_context_parallel_for (ctx, job.tiles_across * ((H + tile - 1) / tile), estimate_tile_item, &job);
  if (!atelier_context_check_cancelled (ctx, error))
    return NULL;
  if (g_atomic_int_get (&job.out_of_memory))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "out of memory for the foreground estimate's tiles of %" G_GINT64_FORMAT " pixels", tile);
      return NULL;
    }
  return g_steal_pointer (&foreground);
}
