/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Helper threads that a context keeps for its parallel loops, started once
 * and woken per loop: a guided U-Net step runs several hundred parallel ops,
 * and starting a thread for each cost more than some of the ops. Internal to
 * the context. */

#include <glib.h>

typedef struct _AtelierWorkerPool AtelierWorkerPool;

/* Runs @body (worker index 1..helpers) on each helper thread. */
typedef void (*AtelierWorkerBody) (int worker, gpointer data);

/* @helpers threads besides the caller's own; NULL when they could not all start. */
AtelierWorkerPool *atelier_worker_pool_new (int helpers);
/* Stops and joins the threads. */
void atelier_worker_pool_free (AtelierWorkerPool *pool);

/* Wakes every helper to run @body, runs @body on the calling thread too
 * (worker 0), and returns when all have finished. Returns FALSE, running
 * nothing, when the pool is already running a loop: a parallel loop started
 * from inside another one must run on its own thread. */
gboolean atelier_worker_pool_run (AtelierWorkerPool *pool, AtelierWorkerBody body, gpointer data);
