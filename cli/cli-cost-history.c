/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-cost-history.h"

#include <glib/gstdio.h>
#include <math.h>

/* Two sizes closer than this fraction give no slope worth trusting. */
#define DISTINCT_SIZES 0.1
/* Runs kept per kind of job: the newest two, so that the machine's present speed counts. */
#define RUNS_KEPT 2

struct _AtelierCliCostHistory
{
  char *path;
};

AtelierCliCostHistory *
atelier_cli_cost_history_new (void)
{
  AtelierCliCostHistory *history = g_new0 (AtelierCliCostHistory, 1);
  history->path = g_build_filename (g_get_user_cache_dir (), "atelier", "job-times.ini", NULL);
  return history;
}

void
atelier_cli_cost_history_free (AtelierCliCostHistory *history)
{
  if (history == NULL)
    return;
  g_free (history->path);
  g_free (history);
}

static GKeyFile *
load (const AtelierCliCostHistory *history)
{
  GKeyFile *file = g_key_file_new ();
  g_key_file_load_from_file (file, history->path, G_KEY_FILE_NONE, NULL);
  return file;
}

/* @job's timed runs, oldest first: megapixels and seconds, or FALSE when there is none. */
static gboolean
runs_of (GKeyFile *file, const char *job, GArray *megapixels, GArray *seconds)
{
  gsize n_sizes = 0, n_times = 0;
  g_autofree double *sizes = g_key_file_get_double_list (file, job, "megapixels", &n_sizes, NULL);
  g_autofree double *times = g_key_file_get_double_list (file, job, "seconds", &n_times, NULL);
  if (sizes == NULL || times == NULL || n_sizes != n_times || n_sizes == 0)
    return FALSE;
  for (gsize i = 0; i < n_sizes; i++)
    if (isfinite (sizes[i]) && sizes[i] > 0 && isfinite (times[i]) && times[i] >= 0)
      {
        g_array_append_val (megapixels, sizes[i]);
        g_array_append_val (seconds, times[i]);
      }
  return megapixels->len > 0;
}

double
atelier_cli_cost_history_predict (AtelierCliCostHistory *history, const char *job, double megapixels)
{
  g_autoptr (GKeyFile) file = load (history);
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  if (!runs_of (file, job, sizes, times))
    return -1.0;
  const guint last = sizes->len - 1;
  const double m1 = g_array_index (sizes, double, last), s1 = g_array_index (times, double, last);
  if (sizes->len >= 2)
    {
      const double m0 = g_array_index (sizes, double, last - 1), s0 = g_array_index (times, double, last - 1);
      if (fabs (m1 - m0) > DISTINCT_SIZES * MAX (m0, m1))
        {
          const double slope = (s1 - s0) / (m1 - m0), fixed = s1 - slope * m1;
          if (slope >= 0 && fixed >= 0)
            return fixed + slope * megapixels;
        }
    }
  return s1 * megapixels / m1;
}

void
atelier_cli_cost_history_record (AtelierCliCostHistory *history, const char *job, double megapixels, double seconds)
{
  g_autoptr (GKeyFile) file = load (history);
  g_autoptr (GArray) sizes = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  runs_of (file, job, sizes, times);
  g_array_append_val (sizes, megapixels);
  g_array_append_val (times, seconds);
  const guint from = sizes->len > RUNS_KEPT ? sizes->len - RUNS_KEPT : 0;
  g_key_file_set_double_list (file, job, "megapixels", &g_array_index (sizes, double, from), sizes->len - from);
  g_key_file_set_double_list (file, job, "seconds", &g_array_index (times, double, from), times->len - from);
  g_autofree char *dir = g_path_get_dirname (history->path);
  g_mkdir_with_parents (dir, 0755);
  /* g_key_file_save_to_file writes through a temporary file and a rename: two processes never leave a torn file,
   * at worst one run's time is lost. */
  g_key_file_save_to_file (file, history->path, NULL);
}
