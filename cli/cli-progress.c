/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-progress.h"

#include "core/atelier-i18n.h"

#include <stdio.h>
#include <unistd.h>

/* Before this much of the job and this much time the rate says little, and a job this short needs no estimate. */
#define ESTIMATE_AFTER_FRACTION 0.02
#define ESTIMATE_AFTER_SECONDS 0.5
/* A job expected to be over in less than this needs no announcement. */
#define ANNOUNCE_FROM_SECONDS 1.0

struct _AtelierCliProgress
{
  gboolean shown; /* stderr is a terminal and not --quiet */
  gboolean drawn; /* a line is on the terminal */
  gint64 start;   /* monotonic microseconds */
};

AtelierCliProgress *
atelier_cli_progress_new (gboolean quiet)
{
  AtelierCliProgress *progress = g_new0 (AtelierCliProgress, 1);
  progress->shown = !quiet && isatty (STDERR_FILENO);
  return progress;
}

void
atelier_cli_progress_free (AtelierCliProgress *progress)
{
  g_free (progress);
}

/* "45 s", "3 min 05 s". */
static char *
format_duration (double seconds)
{
  const int s = (int) (seconds + 0.5);
  if (s < 90)
    return g_strdup_printf (atelier_i18n ("%d s"), MAX (s, 1));
  return g_strdup_printf (atelier_i18n ("%d min %02d s"), s / 60, s % 60);
}

static void
print_progress (double fraction, const char *step, gpointer data)
{
  AtelierCliProgress *progress = data;
  const double elapsed = (g_get_monotonic_time () - progress->start) / 1e6;
  g_autofree char *left = NULL;
  if (fraction >= ESTIMATE_AFTER_FRACTION && elapsed >= ESTIMATE_AFTER_SECONDS && fraction < 1.0)
    {
      g_autofree char *duration = format_duration (elapsed * (1.0 - fraction) / fraction);
      left = g_strdup_printf (atelier_i18n ("  about %s left"), duration);
    }
  /* The trailing spaces wipe what a longer earlier line left on the terminal. */
  fprintf (stderr, "\r%-32s %3d%%%-24s", step, (int) (fraction * 100.0 + 0.5), left ? left : "");
  fflush (stderr);
  progress->drawn = TRUE;
}

void
atelier_cli_progress_attach (AtelierCliProgress *progress, AtelierContext *ctx)
{
  progress->start = g_get_monotonic_time ();
  if (progress->shown)
    atelier_context_set_progress (ctx, print_progress, progress);
}

void
atelier_cli_progress_expect (AtelierCliProgress *progress, double seconds, gboolean measured)
{
  if (!progress->shown || seconds < ANNOUNCE_FROM_SECONDS)
    return;
  g_autofree char *duration = format_duration (seconds);
  fprintf (stderr, atelier_i18n ("Expected: about %s (%s)\n"), duration,
           measured ? atelier_i18n ("from earlier runs of these settings")
                    : atelier_i18n ("a first guess; later runs are timed on this machine"));
}

void
atelier_cli_progress_finish (AtelierCliProgress *progress)
{
  if (progress->drawn)
    fputc ('\n', stderr);
  progress->drawn = FALSE;
}
