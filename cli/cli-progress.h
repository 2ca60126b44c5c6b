/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* Progress on stderr ("\rUpscaling tile 3/12  25%") when it is a terminal;
 * nothing in batch logs. */
void atelier_cli_progress_attach (AtelierContext *ctx);
/* Ends the progress line, if one was drawn. */
void atelier_cli_progress_finish (void);
