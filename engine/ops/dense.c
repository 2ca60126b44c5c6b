/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"
#include "ops/gemm.h"
#include "ops/vector-exp.h"
#include "ops/worker-scratch.h"

#include <cblas.h>
#include <math.h>

AtelierTensor *
atelier_linear (AtelierContext *ctx, const AtelierTensor *input, const AtelierTensor *weight,
                const AtelierTensor *bias, GError **error)
{
  const gint64 in_features = input->shape[input->rank - 1];
  if (!atelier_tensor_check_shape (weight, "linear weight", 2, (const int64_t[]) { -1, in_features }, error))
    return NULL;
  const gint64 out_features = weight->shape[0];
  if (bias != NULL && !atelier_tensor_check_shape (bias, "linear bias", 1, (const int64_t[]) { out_features }, error))
    return NULL;
  int64_t shape[ATELIER_TENSOR_MAX_RANK];
  for (int i = 0; i < input->rank; i++)
    shape[i] = input->shape[i];
  shape[input->rank - 1] = out_features;
  AtelierTensor *output = atelier_tensor_new (input->rank, shape, error);
  if (output == NULL)
    return NULL;
  const gint64 rows = atelier_tensor_numel (input) / MAX (in_features, 1);
  atelier_gemm_rows (ctx, rows, out_features, in_features, input->data, in_features,
                     weight->data, in_features, TRUE, output->data, out_features,
                     bias ? bias->data : NULL);
  atelier_context_add_flops (ctx, 2.0 * rows * out_features * in_features);
  return output;
}

void
atelier_softmax_inplace (AtelierContext *ctx, AtelierTensor *x)
{
  (void) ctx;
  const gint64 n = x->shape[x->rank - 1];
  const gint64 rows = atelier_tensor_numel (x) / MAX (n, 1);
  for (gint64 r = 0; r < rows; r++)
    atelier_softmax_row (x->data + r * n, n);
}

typedef struct
{
  const AtelierTensor *q, *k, *v;
  AtelierTensor *out;
  float scale;
  gint64 chunk, chunks_per_batch;
  float **scratch; /* (chunk, Lk) scores, one per worker */
  AtelierContext *ctx;
} AttentionJob;

static void
attention_chunk (gint64 item, int worker, gpointer data)
{
  AttentionJob *job = data;
  if (atelier_context_is_cancelled (job->ctx))
    return;
  const gint64 lq = job->q->shape[1], lk = job->k->shape[1], d = job->q->shape[2], dv = job->v->shape[2];
  const gint64 b = item / job->chunks_per_batch;
  const gint64 q0 = (item % job->chunks_per_batch) * job->chunk;
  const gint64 rows = MIN (job->chunk, lq - q0);
  float *scores = job->scratch[worker];
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasTrans, (int) rows, (int) lk, (int) d, job->scale,
               job->q->data + (b * lq + q0) * d, (int) d, job->k->data + b * lk * d, (int) d,
               0.0f, scores, (int) lk);
  for (gint64 r = 0; r < rows; r++)
    atelier_softmax_row (scores + r * lk, lk);
  cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) rows, (int) dv, (int) lk, 1.0f,
               scores, (int) lk, job->v->data + b * lk * dv, (int) dv,
               0.0f, job->out->data + (b * lq + q0) * dv, (int) dv);
}

AtelierTensor *
atelier_attention (AtelierContext *ctx, const AtelierTensor *q, const AtelierTensor *k,
                   const AtelierTensor *v, float scale, GError **error)
{
  if (!atelier_tensor_check_shape (q, "attention query", 3, (const int64_t[]) { -1, -1, -1 }, error)
      || !atelier_tensor_check_shape (k, "attention key", 3, (const int64_t[]) { q->shape[0], -1, q->shape[2] }, error)
      || !atelier_tensor_check_shape (v, "attention value", 3, (const int64_t[]) { q->shape[0], k->shape[1], -1 }, error))
    return NULL;
  const gint64 batch = q->shape[0], lq = q->shape[1], lk = k->shape[1];
  g_autoptr (AtelierTensor) out = atelier_tensor_new (3, (const int64_t[]) { batch, lq, v->shape[2] }, error);
  if (out == NULL)
    return NULL;
  if (lq == 0 || lk == 0 || batch == 0)
    return g_steal_pointer (&out);

  gint64 chunk = (gint64) (atelier_context_get_piece_workspace_bytes (ctx) / sizeof (float) / lk);
  chunk = MIN (MIN (chunk, 256), lq);
  if (chunk < 1)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "attention over %" G_GINT64_FORMAT " keys does not fit the workspace", lk);
      return NULL;
    }
  AttentionJob job = {
    q, k, v, out, scale > 0.0f ? scale : 1.0f / sqrtf ((float) q->shape[2]),
    chunk, (lq + chunk - 1) / chunk, NULL, ctx,
  };
  AtelierWorkerScratch scratch;
  if (!atelier_worker_scratch_init (&scratch, ctx, chunk * lk, "attention score", error))
    return NULL;
  job.scratch = scratch.buffers;
  atelier_context_parallel_for (ctx, batch * job.chunks_per_batch, attention_chunk, &job);
  atelier_worker_scratch_clear (&scratch);
  atelier_context_add_flops (ctx, 2.0 * batch * lq * lk * (q->shape[2] + v->shape[2]));
  if (!atelier_context_check_cancelled (ctx, error))
    return NULL;
  return g_steal_pointer (&out);
}
