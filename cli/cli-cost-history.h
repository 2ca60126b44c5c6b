/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* How long a job will take, measured: this machine's own times for earlier jobs of the same kind (the same
 * command, settings and threads), kept in $XDG_CACHE_HOME/atelier/job-times.ini. The cost of a kind of job is
 * taken as a + b x megapixels through its last two sizes (a fixed part such as a network at 1024 x 1024, and a
 * part per pixel such as tiles), or as proportional to the pixels after a single run. A guess only where a run
 * of that kind was timed: a table of FLOPs would go stale with every model and still need this machine's speed. */
typedef struct _AtelierCliCostHistory AtelierCliCostHistory;

AtelierCliCostHistory *atelier_cli_cost_history_new (void);
void atelier_cli_cost_history_free (AtelierCliCostHistory *history);
/* Expected seconds for @job ("upscale: scale 4, model thick, ...; 2 threads") on @megapixels, or -1 when no run
 * of it was timed. */
double atelier_cli_cost_history_predict (AtelierCliCostHistory *history, const char *job, double megapixels);
/* Adds a timed run. Best effort: a cache that cannot be written only means no estimate next time. */
void atelier_cli_cost_history_record (AtelierCliCostHistory *history, const char *job, double megapixels,
                                      double seconds);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierCliCostHistory, atelier_cli_cost_history_free)
