/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/conv2d-paths.h"

#include "core/atelier-error.h"
#include "ops/worker-scratch.h"

#include <cblas.h>
#include <string.h>

/* Stride-1 convolution without im2col. The input is copied once into padded
 * planes of width PW = W + pad_left + pad_right. Computed on that padded
 * width, output position p of tap (kh, kw) reads padded position
 * p + kh*dh*PW + kw*dw, so each tap's operand is the padded input itself,
 * offset: out = sum over taps of W_tap (Cout x Cin) x shifted input. The
 * (KW-1)*dw extra columns per row are computed and dropped. sgemm still
 * packs its operand, but the 9x im2col copy is gone. */

/* The per-worker accumulator of this size stays in L2 across the taps. */
#define SHIFTED_TARGET_ACCUMULATOR_BYTES ((gsize) 512 << 10)

typedef struct
{
  const AtelierConvSetup *setup;
  const float *padded;   /* (Cin, plane): each channel's plane holds the batch's padded images one below another */
  gint64 padded_w, padded_h, plane;
  gint64 rows;           /* stacked output rows: (batch - 1) * padded_h + OH */
  const float *taps;     /* (groups, KH*KW, Cout/groups, Cin/groups) */
  float *output;         /* (N, Cout, OH, OW) */
  gint64 rows_per_item, items_per_group;
  float **scratch;       /* per worker: (Cout/groups, rows_per_item * padded_w) */
} ShiftedJob;

static void
shifted_rows (gint64 item, int worker, gpointer p)
{
  ShiftedJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  if (atelier_context_is_cancelled (job->setup->ctx))
    return;
  const gint64 group = item / job->items_per_group;
  const gint64 r0 = (item % job->items_per_group) * job->rows_per_item;
  const gint64 r1 = MIN (r0 + job->rows_per_item, job->rows);
  const gint64 n = (r1 - r0) * job->padded_w;
  const gint64 taps = (gint64) g->kh * g->kw;
  float *acc = job->scratch[worker];
  const float *in_group = job->padded + group * g->cin_per_group * job->plane;

  for (gint64 t = 0; t < taps; t++)
    {
      const gint64 offset = (r0 + (t / g->kw) * g->dilation_h) * job->padded_w + (t % g->kw) * g->dilation_w;
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans,
                   (int) g->cout_per_group, (int) n, (int) g->cin_per_group,
                   1.0f, job->taps + (group * taps + t) * g->cout_per_group * g->cin_per_group,
                   (int) g->cin_per_group, in_group + offset, (int) job->plane,
                   t == 0 ? 0.0f : 1.0f, acc, (int) n);
    }
  /* Stacked row r is row r % padded_h of item r / padded_h; rows past OH straddle the seam. */
  for (gint64 r = r0; r < r1;)
    {
      const gint64 b = r / job->padded_h, y0 = r % job->padded_h;
      const gint64 y1 = MIN (g->out_h, y0 + (r1 - r));
      for (gint64 co = 0; y0 < g->out_h && co < g->cout_per_group; co++)
        {
          const gint64 channel = group * g->cout_per_group + co;
          float *out = job->output + ((b * g->cout + channel) * g->out_h + y0) * g->out_w;
          for (gint64 y = y0; y < y1; y++)
            memcpy (out + (y - y0) * g->out_w, acc + co * n + (r - r0 + y - y0) * job->padded_w,
                    sizeof (float) * g->out_w);
          atelier_conv_finish_rows (job->setup, out, 1, 0, (y1 - y0) * g->out_w, channel);
        }
      r += MIN (job->padded_h - y0, r1 - r);
    }
}

typedef struct
{
  const AtelierConvGeometry *g;
  const float *input;
  float *padded;
  gint64 padded_w, padded_h, plane;
} PadJob;

/* One channel's padded plane, all batch items. */
static void
pad_channel (gint64 c, int worker, gpointer p)
{
  (void) worker;
  PadJob *job = p;
  const AtelierConvGeometry *g = job->g;
  float *dst = job->padded + c * job->plane;
  memset (dst, 0, sizeof (float) * job->plane);
  for (gint64 b = 0; b < g->batch; b++)
    for (gint64 y = 0; y < g->in_h; y++)
      memcpy (dst + (b * job->padded_h + y + g->pad_top) * job->padded_w + g->pad_left,
              job->input + ((b * g->cin + c) * g->in_h + y) * g->in_w, sizeof (float) * g->in_w);
}

gboolean
atelier_conv2d_shifted (const AtelierConvSetup *setup, const float *input, float *output,
                        gboolean *applicable, GError **error)
{
  const AtelierConvGeometry *g = setup->g;
  AtelierContext *ctx = setup->ctx;
  const gint64 padded_w = g->out_w + (gint64) (g->kw - 1) * g->dilation_w;
  const gint64 padded_h = g->out_h + (gint64) (g->kh - 1) * g->dilation_h;
  const gint64 row_bytes = (gint64) sizeof (float) * g->cout_per_group * padded_w;
  const gint64 per_worker = (gint64) atelier_context_get_piece_workspace_bytes (ctx);
  const gint64 stacked_rows = (g->batch - 1) * padded_h + g->out_h;
  *applicable = row_bytes <= per_worker && g->batch * padded_w * padded_h < G_MAXINT;
  if (!*applicable)
    return FALSE;

  gint64 rows = MAX ((gint64) SHIFTED_TARGET_ACCUMULATOR_BYTES / row_bytes, 1);
  rows = MIN (rows, per_worker / row_bytes);
  rows = MAX (MIN (rows, (stacked_rows + ATELIER_WORK_PIECES - 1) / ATELIER_WORK_PIECES), 1);

  /* The last tap of the last row reads (KW-1)*dw past the padded images. */
  const gint64 plane = g->batch * padded_h * padded_w + (gint64) (g->kw - 1) * g->dilation_w;
  g_autofree float *padded = g_try_malloc (sizeof (float) * g->cin * plane);
  if (padded == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for the padded convolution input");
      return FALSE;
    }
  PadJob pad = { g, input, padded, padded_w, padded_h, plane };
  atelier_context_parallel_for (ctx, g->cin, pad_channel, &pad);

  ShiftedJob job = {
    .setup = setup, .padded = padded, .padded_w = padded_w, .padded_h = padded_h, .plane = plane,
    .rows = stacked_rows, .taps = setup->tap_weights, .output = output,
    .rows_per_item = rows, .items_per_group = (stacked_rows + rows - 1) / rows,
  };
  AtelierWorkerScratch scratch;
  if (!atelier_worker_scratch_init (&scratch, ctx, g->cout_per_group * rows * padded_w, "convolution", error))
    return FALSE;
  job.scratch = scratch.buffers;
  atelier_context_parallel_for (ctx, g->groups * job.items_per_group, shifted_rows, &job);
  atelier_worker_scratch_clear (&scratch);
  return TRUE;
}
