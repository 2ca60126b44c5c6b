/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-progress.h"

#include <stdio.h>
#include <unistd.h>

static void
print_progress (double fraction, const char *step, gpointer data)
{
  (void) data;
  fprintf (stderr, "\r%-40s %3d%%", step, (int) (fraction * 100.0 + 0.5));
  fflush (stderr);
}

void
atelier_cli_progress_attach (AtelierContext *ctx)
{
  if (isatty (STDERR_FILENO))
    atelier_context_set_progress (ctx, print_progress, NULL);
}

void
atelier_cli_progress_finish (void)
{
  if (isatty (STDERR_FILENO))
    fputc ('\n', stderr);
}
