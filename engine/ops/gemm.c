/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/gemm.h"

#include <cblas.h>

typedef struct
{
  gint64 m, n, k, block;
  const float *a, *b;
  gint64 lda, ldb, ldc;
  gboolean transpose_b;
  float *c;
  const float *bias;
} GemmJob;

static void
gemm_block (gint64 item, int worker, gpointer data)
{
  (void) worker;
  GemmJob *job = data;
  gint64 r0 = item * job->block, rows = MIN (job->block, job->m - r0);
  float *c = job->c + r0 * job->ldc;
  cblas_sgemm (CblasRowMajor, CblasNoTrans, job->transpose_b ? CblasTrans : CblasNoTrans,
               (int) rows, (int) job->n, (int) job->k, 1.0f, job->a + r0 * job->lda, (int) job->lda,
               job->b, (int) job->ldb, 0.0f, c, (int) job->ldc);
  if (job->bias != NULL)
    for (gint64 r = 0; r < rows; r++)
      for (gint64 j = 0; j < job->n; j++)
        c[r * job->ldc + j] += job->bias[j];
}

void
atelier_gemm_rows (AtelierContext *ctx, gint64 m, gint64 n, gint64 k,
                   const float *a, gint64 lda, const float *b, gint64 ldb, gboolean transpose_b,
                   float *c, gint64 ldc, const float *column_bias)
{
  (void) ctx;
  /* Row blocks of at least 64: smaller ones fall below sgemm's register tile
   * and lose more to repacking B than threads win. */
  gint64 block = MAX ((m + ATELIER_WORK_PIECES - 1) / ATELIER_WORK_PIECES, MIN (m, 64));
  GemmJob job = { m, n, k, block, a, b, lda, ldb, ldc, transpose_b, c, column_bias };
  atelier_context_parallel_for (ctx, (m + block - 1) / block, gemm_block, &job);
}
