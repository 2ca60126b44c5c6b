/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-worker-pool.h"

typedef struct
{
  AtelierWorkerPool *pool;
  int worker;
} HelperSlot;

struct _AtelierWorkerPool
{
  GMutex mutex;
  GCond wake, done;
  guint64 generation; /* which loop the helpers are to run; each runs every generation once */
  int finished;       /* helpers done with the current generation */
  gboolean quit;
  AtelierWorkerBody body;
  gpointer data;
  gint busy; /* atomic: a loop is running */
  int helpers;
  GThread **threads;
  HelperSlot *slots;
};

static gpointer
helper_main (gpointer p)
{
  HelperSlot *slot = p;
  AtelierWorkerPool *pool = slot->pool;
  guint64 seen = 0;
  g_mutex_lock (&pool->mutex);
  for (;;)
    {
      while (pool->generation == seen && !pool->quit)
        g_cond_wait (&pool->wake, &pool->mutex);
      if (pool->quit)
        break;
      seen = pool->generation;
      AtelierWorkerBody body = pool->body;
      gpointer data = pool->data;
      g_mutex_unlock (&pool->mutex);
      body (slot->worker, data);
      g_mutex_lock (&pool->mutex);
      pool->finished++;
      g_cond_signal (&pool->done);
    }
  g_mutex_unlock (&pool->mutex);
  return NULL;
}

AtelierWorkerPool *
atelier_worker_pool_new (int helpers)
{
  AtelierWorkerPool *pool = g_new0 (AtelierWorkerPool, 1);
  g_mutex_init (&pool->mutex);
  g_cond_init (&pool->wake);
  g_cond_init (&pool->done);
  pool->threads = g_new0 (GThread *, MAX (helpers, 1));
  pool->slots = g_new0 (HelperSlot, MAX (helpers, 1));
  for (int i = 0; i < helpers; i++)
    {
      pool->slots[i] = (HelperSlot) { pool, i + 1 };
      pool->threads[i] = g_thread_try_new ("atelier-worker", helper_main, &pool->slots[i], NULL);
      if (pool->threads[i] == NULL)
        break;
      pool->helpers++;
    }
  if (pool->helpers < helpers)
    {
      atelier_worker_pool_free (pool);
      return NULL;
    }
  return pool;
}

void
atelier_worker_pool_free (AtelierWorkerPool *pool)
{
  if (pool == NULL)
    return;
  g_mutex_lock (&pool->mutex);
  pool->quit = TRUE;
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->mutex);
  for (int i = 0; i < pool->helpers; i++)
    g_thread_join (pool->threads[i]);
  g_mutex_clear (&pool->mutex);
  g_cond_clear (&pool->wake);
  g_cond_clear (&pool->done);
  g_free (pool->threads);
  g_free (pool->slots);
  g_free (pool);
}

gboolean
atelier_worker_pool_run (AtelierWorkerPool *pool, AtelierWorkerBody body, gpointer data)
{
  if (!g_atomic_int_compare_and_exchange (&pool->busy, 0, 1))
    return FALSE;
  g_mutex_lock (&pool->mutex);
  pool->body = body;
  pool->data = data;
  pool->finished = 0;
  pool->generation++;
  g_cond_broadcast (&pool->wake);
  g_mutex_unlock (&pool->mutex);
  body (0, data);
  g_mutex_lock (&pool->mutex);
  while (pool->finished < pool->helpers)
    g_cond_wait (&pool->done, &pool->mutex);
  g_mutex_unlock (&pool->mutex);
  g_atomic_int_set (&pool->busy, 0);
  return TRUE;
}
