/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called from the thread that runs the work. @step names what is being done
 * ("Tile 3/12"); @fraction is in 0..1 for the whole job. */
typedef void (*AtelierProgressFunc) (double fraction, const char *step, gpointer user_data);

/* Everything a computation needs to know about its environment. The engine has
 * no global state: every op and pipeline receives one of these. A context may
 * be cancelled from any thread; everything else is owned by one caller. */
typedef struct _AtelierContext AtelierContext;

#define ATELIER_DEFAULT_WORKSPACE_BYTES ((gsize) 64 << 20)
#define ATELIER_DEFAULT_MEMORY_BUDGET_BYTES ((gsize) 1 << 30)

/* @threads <= 0 means "one per online CPU". */
AtelierContext *atelier_context_new (int threads);
void atelier_context_free (AtelierContext *ctx);

int atelier_context_get_threads (const AtelierContext *ctx);

/* Upper bound for the scratch memory one op may hold (im2col, attention
 * scores), summed over all threads. */
gsize atelier_context_get_workspace_bytes (const AtelierContext *ctx);
void atelier_context_set_workspace_bytes (AtelierContext *ctx, gsize bytes);

/* Ops cut their work into pieces sized by the problem alone, never by the thread count, so that a result is the same
 * bit for bit on any number of threads: OpenBLAS rounds the rows at a block's edge differently from those inside it,
 * so blocks that moved with the thread count changed the U-Net's output by up to 1e-6 and a generated background
 * by 6e-6 between one thread and two. An op makes at least this many pieces where it can, so that up to this many
 * threads share the work. */
#define ATELIER_WORK_PIECES 8

/* The scratch memory one piece of an op may hold: the workspace shared by as many pieces as run at once, and as
 * many as ATELIER_WORK_PIECES whatever the thread count, so that it too is the same on up to that many threads. */
gsize atelier_context_get_piece_workspace_bytes (const AtelierContext *ctx);

/* Upper bound a tiled pipeline plans its tile size against (activations of one
 * tile), not counting the input and output images. */
gsize atelier_context_get_memory_budget (const AtelierContext *ctx);
void atelier_context_set_memory_budget (AtelierContext *ctx, gsize bytes);

/* Whether 3x3 convolutions may take Winograd's algorithm where it measured faster (the default), which rounds
 * differently from a direct convolution (engine/ops/conv2d.c); benchmarks turn it off to time the direct paths. */
gboolean atelier_context_get_winograd (const AtelierContext *ctx);
void atelier_context_set_winograd (AtelierContext *ctx, gboolean allowed);

void atelier_context_set_progress (AtelierContext *ctx, AtelierProgressFunc func, gpointer user_data);
void atelier_context_report_progress (AtelierContext *ctx, double fraction, const char *step);
/* Jobs of several stages (encode, denoise, decode) give each stage a span of the whole: the stage reports
 * 0..1 as usual and the callback receives start + fraction * (end - start). The default span is 0..1. */
void atelier_context_set_progress_span (AtelierContext *ctx, double start, double end);

void atelier_context_cancel (AtelierContext *ctx);
gboolean atelier_context_is_cancelled (const AtelierContext *ctx);
/* Sets ATELIER_ERROR_CANCELLED and returns FALSE once cancelled. */
gboolean atelier_context_check_cancelled (const AtelierContext *ctx, GError **error);

/* Floating-point operations of the convolutions run on this context (2 per
 * multiply-add), for benchmarks: convolutions are nearly all of a network's
 * arithmetic. */
void atelier_context_add_flops (AtelierContext *ctx, double flops);
double atelier_context_get_flops (const AtelierContext *ctx);
void atelier_context_reset_flops (AtelierContext *ctx);

/* Runs fn(item, worker, data) for item in 0..n_items-1 on the context's
 * threads. Items are handed out one at a time, so uneven items balance; each
 * worker index is in 0..threads-1 and identifies a private scratch slot. */
typedef void (*AtelierParallelFunc) (gint64 item, int worker, gpointer data);
void atelier_context_parallel_for (AtelierContext *ctx, gint64 n_items,
                                   AtelierParallelFunc fn, gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierContext, atelier_context_free)

G_END_DECLS
