/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* Progress on stderr when it is a terminal: "\rTile 3/12   25%  about 1 min 10 s left", the time left
 * extrapolated from the time so far once the job is long enough to need it. Nothing in batch logs (stderr not a
 * terminal) or with --quiet. */
typedef struct _AtelierCliProgress AtelierCliProgress;

AtelierCliProgress *atelier_cli_progress_new (gboolean quiet);
void atelier_cli_progress_free (AtelierCliProgress *progress);
/* Reports @ctx's progress from now on, its clock starting now. */
void atelier_cli_progress_attach (AtelierCliProgress *progress, AtelierContext *ctx);
/* Before a job: "Expected: about 3 min 05 s", when @seconds (< 0: none) is long enough to say so; @measured: from
 * this machine's earlier runs, else a first guess. */
void atelier_cli_progress_expect (AtelierCliProgress *progress, double seconds, gboolean measured);
/* Ends the progress line, if one was drawn. */
void atelier_cli_progress_finish (AtelierCliProgress *progress);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierCliProgress, atelier_cli_progress_free)
