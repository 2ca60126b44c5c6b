/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-context.h"

#include "atelier-error.h"
#include "atelier-worker-pool.h"

#include <cblas.h>

struct _AtelierContext
{
  int threads;
  gsize workspace_bytes;
  gsize memory_budget;
  gboolean winograd;
  AtelierProgressFunc progress;
  gpointer progress_data;
  double span_start, span_end; /* where the current stage's 0..1 falls in the whole job */
  gint cancelled; /* atomic */
  double flops;   /* only ever added to from the thread that runs the ops */
  AtelierWorkerPool *pool; /* threads - 1 helpers, started by the first parallel loop */
};

AtelierContext *
atelier_context_new (int threads)
{
  AtelierContext *ctx = g_new0 (AtelierContext, 1);
  ctx->threads = threads > 0 ? threads : (int) g_get_num_processors ();
  ctx->workspace_bytes = ATELIER_DEFAULT_WORKSPACE_BYTES;
  ctx->memory_budget = ATELIER_DEFAULT_MEMORY_BUDGET_BYTES;
  ctx->span_end = 1.0;
  ctx->winograd = TRUE;
  /* The engine parallelises over output chunks itself and calls sgemm from
   * each worker, which measured 1.3-1.6x faster on conv layers than letting
   * OpenBLAS split each small sgemm (the im2col copy runs in parallel and stays
   * in the worker's cache). OpenBLAS must then be single-threaded, or workers'
   * calls would contend for its thread pool. */
  openblas_set_num_threads (1);
  return ctx;
}

void
atelier_context_free (AtelierContext *ctx)
{
  if (ctx == NULL)
    return;
  atelier_worker_pool_free (ctx->pool);
  g_free (ctx);
}

int
atelier_context_get_threads (const AtelierContext *ctx)
{
  return ctx->threads;
}

gsize
atelier_context_get_workspace_bytes (const AtelierContext *ctx)
{
  return ctx->workspace_bytes;
}

gsize
atelier_context_get_piece_workspace_bytes (const AtelierContext *ctx)
{
  return ctx->workspace_bytes / (gsize) MAX (ctx->threads, ATELIER_WORK_PIECES);
}

void
atelier_context_set_workspace_bytes (AtelierContext *ctx, gsize bytes)
{
  ctx->workspace_bytes = MAX (bytes, (gsize) 1 << 16);
}

gsize
atelier_context_get_memory_budget (const AtelierContext *ctx)
{
  return ctx->memory_budget;
}

void
atelier_context_set_memory_budget (AtelierContext *ctx, gsize bytes)
{
  ctx->memory_budget = MAX (bytes, (gsize) 1 << 20);
}

gboolean
atelier_context_get_winograd (const AtelierContext *ctx)
{
  return ctx->winograd;
}

void
atelier_context_set_winograd (AtelierContext *ctx, gboolean allowed)
{
  ctx->winograd = allowed;
}

void
atelier_context_set_progress (AtelierContext *ctx, AtelierProgressFunc func, gpointer user_data)
{
  ctx->progress = func;
  ctx->progress_data = user_data;
}

void
atelier_context_set_progress_span (AtelierContext *ctx, double start, double end)
{
  ctx->span_start = CLAMP (start, 0.0, 1.0);
  ctx->span_end = CLAMP (end, ctx->span_start, 1.0);
}

void
atelier_context_report_progress (AtelierContext *ctx, double fraction, const char *step)
{
  if (ctx->progress != NULL)
    ctx->progress (ctx->span_start + CLAMP (fraction, 0.0, 1.0) * (ctx->span_end - ctx->span_start), step,
                   ctx->progress_data);
}

void
atelier_context_cancel (AtelierContext *ctx)
{
  g_atomic_int_set (&ctx->cancelled, 1);
}

gboolean
atelier_context_is_cancelled (const AtelierContext *ctx)
{
  return g_atomic_int_get (&ctx->cancelled) != 0;
}

gboolean
atelier_context_check_cancelled (const AtelierContext *ctx, GError **error)
{
  if (!atelier_context_is_cancelled (ctx))
    return TRUE;
  g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_CANCELLED, "cancelled");
  return FALSE;
}

void
atelier_context_add_flops (AtelierContext *ctx, double flops)
{
  ctx->flops += flops;
}

double
atelier_context_get_flops (const AtelierContext *ctx)
{
  return ctx->flops;
}

void
atelier_context_reset_flops (AtelierContext *ctx)
{
  ctx->flops = 0.0;
}

typedef struct
{
  gint64 n_items;
  gssize next; /* atomic */
  AtelierParallelFunc fn;
  gpointer data;
  int workers; /* min(threads, items) */
} ParallelJob;

static void
parallel_worker_run (ParallelJob *job, int worker)
{
  for (;;)
    {
      gint64 item = (gint64) g_atomic_pointer_add (&job->next, 1);
      if (item >= job->n_items)
        break;
      job->fn (item, worker, job->data);
    }
}

static void
pool_body (int worker, gpointer data)
{
  ParallelJob *job = data;
  /* With fewer items than threads the extra helpers have nothing to take, and no scratch slot beyond. */
  if (worker < job->workers)
    parallel_worker_run (job, worker);
}

void
atelier_context_parallel_for (AtelierContext *ctx, gint64 n_items,
                              AtelierParallelFunc fn, gpointer data)
{
  if (n_items <= 0)
    return;
  ParallelJob job = { n_items, 0, fn, data, (int) MIN ((gint64) ctx->threads, n_items) };
  if (job.workers > 1 && ctx->pool == NULL)
    ctx->pool = atelier_worker_pool_new (ctx->threads - 1);
  /* Without helpers, or inside another loop of this context: the calling thread alone. */
  if (job.workers == 1 || ctx->pool == NULL || !atelier_worker_pool_run (ctx->pool, pool_body, &job))
    parallel_worker_run (&job, 0);
}
