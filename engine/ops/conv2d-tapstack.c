/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/conv2d-paths.h"

#include "core/atelier-error.h"
#include "ops/worker-scratch.h"

#include <cblas.h>
#include <string.h>

/* Stride-1 convolution with the taps stacked into sgemm's M dimension. For
 * each input row, Z = W_all x row, where W_all holds every tap's (Cout x Cin)
 * matrix, one under the other ((KH KW Cout) x Cin). Each output row is then
 * the sum of KH KW shifted rows of the Z of the input rows it sees. sgemm
 * reads the input rows in place, with no copy and no padding. Its packing of
 * them is shared by KH KW Cout output rows instead of Cout. Profiled on
 * esrgan-thick, whose layers have 32 output channels, that packing was a
 * quarter of the run time with Cout alone as M. */

typedef struct
{
  const AtelierConvSetup *setup;
  const float *input;   /* (Cin, H, W) */
  const float *stacked; /* (groups, KH KW Cout/groups, Cin/groups) */
  float *output;        /* (Cout, OH, OW) */
  gint64 band_rows, bands;
  gint64 ring;          /* Z rows kept: (KH - 1) dh + 1, the input rows one output row spans */
  float **scratch;      /* per worker: ring x Z, each (KH KW Cout/groups, W) */
} TapstackJob;

/* The inner loop of the whole path; cloned so that it runs with AVX-512 or
 * AVX2 where the CPU has them, whatever the build flags. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__ ((target_clones ("avx512f", "avx2", "default")))
#endif
static void
add_row (float *restrict dst, const float *restrict src, gint64 n)
{
  for (gint64 i = 0; i < n; i++)
    dst[i] += src[i];
}

static void
tapstack_band (gint64 item, int worker, gpointer p)
{
  TapstackJob *job = p;
  const AtelierConvGeometry *g = job->setup->g;
  if (atelier_context_is_cancelled (job->setup->ctx))
    return;
  const gint64 group = item / job->bands;
  const gint64 r0 = (item % job->bands) * job->band_rows, r1 = MIN (r0 + job->band_rows, g->out_h);
  const gint64 taps = (gint64) g->kh * g->kw, m = taps * g->cout_per_group;
  const gint64 plane = g->in_h * g->in_w, z_size = m * g->in_w;
  float *ring = job->scratch[worker];
  float *out_group = job->output + group * g->cout_per_group * g->out_positions;
  const float *bias = job->setup->bias;
  gint64 next_row = MAX (r0 - g->pad_top, 0); /* the next input row whose Z is not computed yet */

  for (gint64 oy = r0; oy < r1; oy++)
    {
      /* Output row oy sees input rows oy - pad_top + kh dh. */
      const gint64 needed = MIN (oy - g->pad_top + (gint64) (g->kh - 1) * g->dilation_h, g->in_h - 1);
      for (; next_row <= needed; next_row++)
        cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) m, (int) g->in_w, (int) g->cin_per_group,
                     1.0f, job->stacked + group * m * g->cin_per_group, (int) g->cin_per_group,
                     job->input + group * g->cin_per_group * plane + next_row * g->in_w, (int) plane,
                     0.0f, ring + (next_row % job->ring) * z_size, (int) g->in_w);
      for (gint64 co = 0; co < g->cout_per_group; co++)
        {
          const gint64 channel = group * g->cout_per_group + co;
          float *dst = out_group + co * g->out_positions + oy * g->out_w;
          const float b = bias ? bias[channel] : 0.0f;
          for (gint64 ox = 0; ox < g->out_w; ox++)
            dst[ox] = b;
          for (int kh = 0; kh < g->kh; kh++)
            {
              const gint64 iy = oy - g->pad_top + (gint64) kh * g->dilation_h;
              if (iy < 0 || iy >= g->in_h)
                continue;
              const float *z = ring + (iy % job->ring) * z_size;
              for (int kw = 0; kw < g->kw; kw++)
                {
                  const gint64 x_offset = (gint64) kw * g->dilation_w - g->pad_left;
                  gint64 lo, hi;
                  atelier_conv_geometry_valid_range (x_offset, 1, g->in_w, g->out_w, &lo, &hi);
                  const float *src = z + ((gint64) (kh * g->kw + kw) * g->cout_per_group + co) * g->in_w;
                  add_row (dst + lo, src + lo + x_offset, hi - lo);
                }
            }
          atelier_activation_apply (dst, g->out_w, job->setup->params->activation,
                                    job->setup->params->activation_alpha);
        }
    }
}

gboolean
atelier_conv2d_tapstack (const AtelierConvSetup *setup, const float *input, float *output,
                         gboolean *applicable, GError **error)
{
  const AtelierConvGeometry *g = setup->g;
  AtelierContext *ctx = setup->ctx;
  const gint64 m = (gint64) g->kh * g->kw * g->cout_per_group;
  const gint64 ring = (gint64) (g->kh - 1) * g->dilation_h + 1;
  const gint64 z_floats = ring * m * g->in_w;
  *applicable = (gsize) z_floats * sizeof (float) <= atelier_context_get_piece_workspace_bytes (ctx)
                && m <= G_MAXINT && g->in_h * g->in_w <= G_MAXINT;
  if (!*applicable)
    return FALSE;

  /* One band per thread: every band recomputes Z for the (KH-1) dh input rows
   * it shares with its neighbours, so fewer bands waste less. The bands do not
   * change the result: each Z row is one sgemm of its own input row. */
  const int threads = atelier_context_get_threads (ctx);
  const gint64 band_rows = MAX ((g->out_h + threads - 1) / threads, 1);
  TapstackJob job = {
    .setup = setup, .input = input, .stacked = setup->tap_weights, .output = output,
    .band_rows = band_rows, .bands = (g->out_h + band_rows - 1) / band_rows, .ring = ring,
  };
  AtelierWorkerScratch scratch;
  if (!atelier_worker_scratch_init (&scratch, ctx, z_floats, "convolution", error))
    return FALSE;
  job.scratch = scratch.buffers;
  atelier_context_parallel_for (ctx, g->groups * job.bands, tapstack_band, &job);
  atelier_worker_scratch_clear (&scratch);
  return TRUE;
}
