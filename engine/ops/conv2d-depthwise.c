/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/conv2d-paths.h"

/* An sgemm with M = 1 per channel would waste the packing, so depthwise
 * layers run a direct loop: per channel, per tap, a shifted multiply-add of
 * the valid part of each output row, which the compiler vectorises. */
typedef struct
{
  const AtelierConvSetup *setup;
  const float *input;
  float *output;
} DepthwiseJob;

static void
depthwise_channel (gint64 channel, int worker, gpointer p)
{
  (void) worker;
  DepthwiseJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  if (atelier_context_is_cancelled (job->setup->ctx))
    return;
  const float *plane = job->input + channel * g->in_h * g->in_w;
  const float *w = job->setup->weight + channel * g->kh * g->kw;
  float *out = job->output + channel * g->out_positions;
  for (gint64 i = 0; i < g->out_positions; i++)
    out[i] = 0.0f;
  for (int kw = 0; kw < g->kw; kw++)
    {
      const gint64 x_offset = (gint64) kw * g->dilation_w - g->pad_left;
      gint64 lo, hi;
      atelier_conv_geometry_valid_range (x_offset, g->stride_w, g->in_w, g->out_w, &lo, &hi);
      for (int kh = 0; kh < g->kh; kh++)
        {
          const float tap = w[kh * g->kw + kw];
          for (gint64 oy = 0; oy < g->out_h; oy++)
            {
              gint64 iy = oy * g->stride_h - g->pad_top + (gint64) kh * g->dilation_h;
              if (iy < 0 || iy >= g->in_h)
                continue;
              const float *row = plane + iy * g->in_w;
              float *dst = out + oy * g->out_w;
              if (g->stride_w == 1)
                for (gint64 ox = lo; ox < hi; ox++)
                  dst[ox] += tap * row[ox + x_offset];
              else
                for (gint64 ox = lo; ox < hi; ox++)
                  dst[ox] += tap * row[ox * g->stride_w + x_offset];
            }
        }
    }
  atelier_conv_finish_rows (job->setup, out, 1, g->out_positions, g->out_positions, channel);
}

void
atelier_conv2d_depthwise (const AtelierConvSetup *setup, const float *input, float *output)
{
  DepthwiseJob job = { setup, input, output };
  atelier_context_parallel_for (setup->ctx, setup->g->cout, depthwise_channel, &job);
}
