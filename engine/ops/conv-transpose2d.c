/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"
#include "ops/conv-geometry.h"
#include "ops/worker-scratch.h"

#include <cblas.h>
#include <string.h>

AtelierConvTranspose2dParams
atelier_conv_transpose2d_params (int stride, int padding, int output_padding)
{
  return (AtelierConvTranspose2dParams) {
    .stride_h = stride, .stride_w = stride,
    .pad_h = padding, .pad_w = padding,
    .output_pad_h = output_padding, .output_pad_w = output_padding,
    .dilation_h = 1, .dilation_w = 1,
    .groups = 1,
  };
}

/* ---------------------------------------------------------------- validate */

static gboolean
validate (const AtelierTensor *input, const AtelierTensor *weight, const AtelierTensor *bias,
          const AtelierConvTranspose2dParams *p, GError **error)
{
  const int pads[4] = { p->pad_h, p->pad_w, p->output_pad_h, p->output_pad_w };
  if (!atelier_conv_check_hyperparameters (p->stride_h, p->stride_w, p->dilation_h, p->dilation_w,
                                           p->groups, pads, 4, error))
    return FALSE;
  if (!atelier_tensor_check_shape (input, "transposed convolution input", 4, (const int64_t[]) { -1, -1, -1, -1 }, error)
      || !atelier_tensor_check_shape (weight, "transposed convolution weight", 4,
                                      (const int64_t[]) { input->shape[1], -1, -1, -1 }, error))
    return FALSE;
  if (input->shape[1] % p->groups != 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "transposed convolution: %" G_GINT64_FORMAT " input channels are not divisible into %d groups",
                   input->shape[1], p->groups);
      return FALSE;
    }
  if (p->output_pad_h >= MAX (p->stride_h, p->dilation_h) || p->output_pad_w >= MAX (p->stride_w, p->dilation_w))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "transposed convolution output padding must be smaller than stride or dilation");
      return FALSE;
    }
  const int64_t cout = weight->shape[1] * p->groups;
  return bias == NULL
         || atelier_tensor_check_shape (bias, "transposed convolution bias", 1, (const int64_t[]) { cout }, error);
}

/* ---------------------------------------------------------------- plan */

typedef struct
{
  const AtelierConvTranspose2dParams *p;
  gint64 cin_per_group, cout_per_group, groups;
  gint64 in_h, in_w, out_h, out_w;
  int kh, kw;
  gint64 channel_block, blocks_per_group; /* output channels per work item, work items per group */
  gint64 chunk_positions;                 /* input positions per gemm, as many as the workspace holds */
  const float *input;  /* (Cin, H, W) */
  const float *weight; /* (Cin, Cout/groups, KH, KW) */
  float *output;       /* (Cout, OH, OW), holds the bias on entry */
  float **scratch;
  AtelierContext *ctx;
} TransposeJob;

/* The output's size and the split of the work: a block of output channels per work item, so that every
 * thread has one, and input positions in chunks whose columns fit the workspace. */
static gboolean
plan (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *weight,
      const AtelierConvTranspose2dParams *p, TransposeJob *job, GError **error)
{
  *job = (TransposeJob) {
    .p = p, .ctx = ctx, .groups = p->groups, .weight = weight->data,
    .cin_per_group = input->shape[1] / p->groups,
    .cout_per_group = weight->shape[1],
    .in_h = input->shape[2], .in_w = input->shape[3],
    .kh = (int) weight->shape[2], .kw = (int) weight->shape[3],
  };
  job->out_h = (job->in_h - 1) * p->stride_h - 2 * p->pad_h + (gint64) p->dilation_h * (job->kh - 1) + p->output_pad_h + 1;
  job->out_w = (job->in_w - 1) * p->stride_w - 2 * p->pad_w + (gint64) p->dilation_w * (job->kw - 1) + p->output_pad_w + 1;
  if (job->out_h < 1 || job->out_w < 1 || job->kh < 1 || job->kw < 1)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "transposed convolution padding leaves an empty output");
      return FALSE;
    }
  const gint64 taps = (gint64) job->kh * job->kw;
  job->channel_block = MAX ((job->cout_per_group * p->groups + ATELIER_WORK_PIECES - 1) / ATELIER_WORK_PIECES / p->groups,
                            1);
  job->blocks_per_group = (job->cout_per_group + job->channel_block - 1) / job->channel_block;
  const gint64 rows = job->channel_block * taps;
  const gint64 workspace_floats = (gint64) (atelier_context_get_piece_workspace_bytes (ctx) / sizeof (float));
  job->chunk_positions = MIN (workspace_floats / rows, job->in_h * job->in_w);
  if (job->chunk_positions < 1)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "transposed convolution does not fit the workspace");
      return FALSE;
    }
  return TRUE;
}

/* ---------------------------------------------------------------- run */

/* The transposed convolution as gemm + col2im: col = W^T x, then every column
 * entry is added to the output pixel it lands on. A work item owns a block of
 * output channels, so no two workers ever add into the same pixel. */
static void
transpose_block (gint64 item, int worker, gpointer data)
{
  TransposeJob *job = data;
  if (atelier_context_is_cancelled (job->ctx))
    return;
  const gint64 group = item / job->blocks_per_group;
  const gint64 co0 = (item % job->blocks_per_group) * job->channel_block;
  const gint64 co1 = MIN (co0 + job->channel_block, job->cout_per_group);
  const gint64 taps = (gint64) job->kh * job->kw;
  const gint64 rows = (co1 - co0) * taps;
  const gint64 in_positions = job->in_h * job->in_w;
  const gint64 weight_cols = job->cout_per_group * taps;
  float *col = job->scratch[worker];

  for (gint64 p0 = 0; p0 < in_positions; p0 += job->chunk_positions)
    {
      gint64 n = MIN (job->chunk_positions, in_positions - p0);
      cblas_sgemm (CblasRowMajor, CblasTrans, CblasNoTrans, (int) rows, (int) n, (int) job->cin_per_group,
                   1.0f, job->weight + group * job->cin_per_group * weight_cols + co0 * taps, (int) weight_cols,
                   job->input + group * job->cin_per_group * in_positions + p0, (int) in_positions,
                   0.0f, col, (int) n);
      for (gint64 co = co0; co < co1; co++)
        {
          float *plane = job->output + (group * job->cout_per_group + co) * job->out_h * job->out_w;
          for (int kh = 0; kh < job->kh; kh++)
            for (int kw = 0; kw < job->kw; kw++)
              {
                const float *src = col + (((co - co0) * job->kh + kh) * job->kw + kw) * n;
                for (gint64 i = 0; i < n; i++)
                  {
                    gint64 iy = (p0 + i) / job->in_w, ix = (p0 + i) % job->in_w;
                    gint64 oy = iy * job->p->stride_h - job->p->pad_h + (gint64) kh * job->p->dilation_h;
                    gint64 ox = ix * job->p->stride_w - job->p->pad_w + (gint64) kw * job->p->dilation_w;
                    if (oy >= 0 && oy < job->out_h && ox >= 0 && ox < job->out_w)
                      plane[oy * job->out_w + ox] += src[i];
                  }
              }
        }
    }
}

/* Per batch item: the output starts as the bias, then the work items add every block of output channels. */
static AtelierTensor *
run (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *bias, TransposeJob *job, GError **error)
{
  const gint64 cout = job->cout_per_group * job->groups, out_plane = job->out_h * job->out_w;
  g_autoptr (AtelierTensor) output = atelier_tensor_new_4d (input->shape[0], cout, job->out_h, job->out_w, error);
  AtelierWorkerScratch scratch;
  if (output == NULL
      || !atelier_worker_scratch_init (&scratch, ctx, job->channel_block * job->kh * job->kw * job->chunk_positions,
                                       "transposed convolution", error))
    return NULL;
  job->scratch = scratch.buffers;
  for (gint64 n = 0; n < input->shape[0]; n++)
    {
      job->input = input->data + n * input->shape[1] * job->in_h * job->in_w;
      job->output = output->data + n * cout * out_plane;
      for (gint64 c = 0; c < cout; c++)
        {
          float b = bias ? bias->data[c] : 0.0f;
          for (gint64 i = 0; i < out_plane; i++)
            job->output[c * out_plane + i] = b;
        }
      atelier_context_parallel_for (ctx, job->groups * job->blocks_per_group, transpose_block, job);
    }
  atelier_worker_scratch_clear (&scratch);
  if (!atelier_context_check_cancelled (ctx, error))
    return NULL;
  return g_steal_pointer (&output);
}

AtelierTensor *
atelier_conv_transpose2d (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *weight,
                          const AtelierTensor *bias, const AtelierConvTranspose2dParams *p, GError **error)
{
  TransposeJob job;
  if (!validate (input, weight, bias, p, error) || !plan (ctx, input, weight, p, &job, error))
    return NULL;
  return run (ctx, input, bias, &job, error);
}
