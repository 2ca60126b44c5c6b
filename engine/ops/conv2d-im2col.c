/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/conv2d-paths.h"

#include "core/atelier-error.h"
#include "ops/worker-scratch.h"

#include <cblas.h>
#include <string.h>

/* im2col chunks of about this size stay in a core's L2 cache between the copy
 * and sgemm's packing of them; measured on 3x3 64->64 at 256x256, chunks of
 * 0.5-2 MiB ran 1.3x faster than whole-image im2col. */
#define IM2COL_TARGET_CHUNK_BYTES ((gsize) 1 << 20)

typedef struct
{
  const AtelierConvSetup *setup;
  const float *input;
  float *output;
  gint64 chunk_positions;
  gint64 chunks_per_group;
  float **scratch; /* one im2col buffer per worker */
} Im2colJob;

/* Every second value of @src. A loop of its own with the stride a constant,
 * so that GCC vectorises it (two loads and a shuffle per vector); with the
 * stride a variable it stayed one scalar load per value, and im2col took a
 * fifth of a stride-2 layer's time (3x3 64->128 at 256x256: 0.70-0.72 of
 * sgemm before, 0.79-0.80 after). */
static void
gather_stride2 (float *restrict dst, const float *restrict src, gint64 count)
{
  for (gint64 i = 0; i < count; i++)
    dst[i] = src[2 * i];
}

/* Copies the receptive fields of output positions [p0, p1) into col
 * ((Cin/groups * KH * KW), p1 - p0), zero where the window hangs over the
 * padding. Works on flat position ranges so a chunk may start mid-row: the
 * workspace bound then holds even for images wider than one chunk. */
static void
im2col_range (const AtelierConvGeometry *g, const float *input, gint64 p0, gint64 p1, float *col)
{
  const gint64 n = p1 - p0;
  for (gint64 c = 0; c < g->cin_per_group; c++)
    for (int kh = 0; kh < g->kh; kh++)
      for (int kw = 0; kw < g->kw; kw++)
        {
          float *dst = col + ((c * g->kh + kh) * g->kw + kw) * n;
          const float *plane = input + c * g->in_h * g->in_w;
          const gint64 x_offset = (gint64) kw * g->dilation_w - g->pad_left;
          gint64 ox_lo, ox_hi;
          atelier_conv_geometry_valid_range (x_offset, g->stride_w, g->in_w, g->out_w, &ox_lo, &ox_hi);
          for (gint64 p = p0; p < p1;)
            {
              gint64 oy = p / g->out_w;
              gint64 ox0 = p % g->out_w;
              gint64 ox1 = MIN (g->out_w, ox0 + (p1 - p));
              float *d = dst + (p - p0); /* d[0] is output column ox0 */
              gint64 iy = oy * g->stride_h - g->pad_top + (gint64) kh * g->dilation_h;
              if (iy < 0 || iy >= g->in_h)
                memset (d, 0, sizeof (float) * (ox1 - ox0));
              else
                {
                  const float *row = plane + iy * g->in_w;
                  gint64 lo = CLAMP (ox_lo, ox0, ox1), hi = CLAMP (ox_hi, lo, ox1);
                  for (gint64 ox = ox0; ox < lo; ox++)
                    d[ox - ox0] = 0.0f;
                  if (g->stride_w == 1)
                    memcpy (d + (lo - ox0), row + lo + x_offset, sizeof (float) * (hi - lo));
                  else if (g->stride_w == 2)
                    gather_stride2 (d + (lo - ox0), row + 2 * lo + x_offset, hi - lo);
                  else
                    for (gint64 ox = lo; ox < hi; ox++)
                      d[ox - ox0] = row[ox * g->stride_w + x_offset];
                  for (gint64 ox = hi; ox < ox1; ox++)
                    d[ox - ox0] = 0.0f;
                }
              p += ox1 - ox0;
            }
        }
}

static void
im2col_chunk (gint64 item, int worker, gpointer p)
{
  Im2colJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  if (atelier_context_is_cancelled (job->setup->ctx))
    return;

  gint64 group = item / job->chunks_per_group;
  gint64 p0 = (item % job->chunks_per_group) * job->chunk_positions;
  gint64 p1 = MIN (p0 + job->chunk_positions, g->out_positions);
  gint64 n = p1 - p0;
  const gint64 k = g->cin_per_group * g->kh * g->kw;
  const float *in_group = job->input + group * g->cin_per_group * g->in_h * g->in_w;

  const float *b;
  gint64 ldb;
  if (atelier_conv_geometry_is_pointwise (g))
    {
      b = in_group + p0;
      ldb = g->in_h * g->in_w;
    }
  else
    {
      im2col_range (g, in_group, p0, p1, job->scratch[worker]);
      b = job->scratch[worker];
      ldb = n;
    }

  float *c = job->output + group * g->cout_per_group * g->out_positions + p0;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
               (int) g->cout_per_group, (int) n, (int) k,
               1.0f, job->setup->weight + group * g->cout_per_group * k, (int) k,
               b, (int) ldb, 0.0f, c, (int) g->out_positions);
  atelier_conv_finish_rows (job->setup, c, g->cout_per_group, g->out_positions, n, group * g->cout_per_group);
}

gboolean
atelier_conv2d_im2col (const AtelierConvSetup *setup, const float *input, float *output, GError **error)
{
  const AtelierConvGeometry *g = setup->g;
  AtelierContext *ctx = setup->ctx;
  const gint64 k = g->cin_per_group * g->kh * g->kw;
  const gboolean pointwise = atelier_conv_geometry_is_pointwise (g);

  /* Chunk size: cache-sized, at most the workspace share of one worker, and
   * small enough that every thread gets work. */
  gint64 chunk = MAX ((gint64) (IM2COL_TARGET_CHUNK_BYTES / (sizeof (float) * k)), 64);
  gint64 per_worker_limit = (gint64) (atelier_context_get_piece_workspace_bytes (ctx) / (sizeof (float) * k));
  if (!pointwise && per_worker_limit < 1)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "convolution with %" G_GINT64_FORMAT " taps per output does not fit the %zu-byte workspace",
                   k, atelier_context_get_workspace_bytes (ctx));
      return FALSE;
    }
  chunk = MIN (chunk, MAX (per_worker_limit, 1));
  chunk = MAX (MIN (chunk, (g->out_positions + ATELIER_WORK_PIECES - 1) / ATELIER_WORK_PIECES), 1);

  Im2colJob job = {
    .setup = setup, .input = input, .output = output,
    .chunk_positions = chunk,
    .chunks_per_group = (g->out_positions + chunk - 1) / chunk,
  };
  AtelierWorkerScratch scratch = { 0 };
  if (!pointwise && !atelier_worker_scratch_init (&scratch, ctx, k * chunk, "convolution", error))
    return FALSE;
  job.scratch = scratch.buffers;
  atelier_context_parallel_for (ctx, g->groups * job.chunks_per_group, im2col_chunk, &job);
  atelier_worker_scratch_clear (&scratch);
  return TRUE;
}
