/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ops/worker-scratch.h"

#include "core/atelier-error.h"

gboolean
atelier_worker_scratch_init (AtelierWorkerScratch *scratch, const AtelierContext *ctx,
                             gint64 floats_per_worker, const char *what, GError **error)
{
  scratch->count = atelier_context_get_threads (ctx);
  scratch->buffers = g_new0 (float *, scratch->count);
  for (int t = 0; t < scratch->count; t++)
    {
      scratch->buffers[t] = g_try_malloc (sizeof (float) * MAX (floats_per_worker, 1));
      if (scratch->buffers[t] == NULL)
        {
          atelier_worker_scratch_clear (scratch);
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                       "out of memory for the %s workspace (%.1f MiB per thread)", what,
                       floats_per_worker * sizeof (float) / 1048576.0);
          return FALSE;
        }
    }
  return TRUE;
}

void
atelier_worker_scratch_clear (AtelierWorkerScratch *scratch)
{
  for (int t = 0; t < scratch->count; t++)
    g_free (scratch->buffers[t]);
  g_clear_pointer (&scratch->buffers, g_free);
  scratch->count = 0;
}
