/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* One private float buffer per worker thread, so threads never share a
 * writable scratch buffer. Internal to the engine. */

#include "core/atelier-context.h"

typedef struct
{
  int count;
  float **buffers; /* (count)[floats_per_worker] */
} AtelierWorkerScratch;

/* Fails with ATELIER_ERROR_OUT_OF_MEMORY naming @what. */
gboolean atelier_worker_scratch_init (AtelierWorkerScratch *scratch, const AtelierContext *ctx,
                                      gint64 floats_per_worker, const char *what, GError **error);
void atelier_worker_scratch_clear (AtelierWorkerScratch *scratch);
