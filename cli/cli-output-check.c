/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-output-check.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

static gboolean
refuse (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
refuse (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, message);
  return FALSE;
}

gboolean
atelier_cli_output_check_options (const AtelierCliOutputPlan *plan, GError **error)
{
  if (plan->bit_depth != 0 && plan->bit_depth != 8 && plan->bit_depth != 16)
    return refuse (error, "--bit-depth must be 8 or 16, not %d", plan->bit_depth);
  if (plan->quality < 1 || plan->quality > 100)
    return refuse (error, "--quality must be 1 to 100, not %d", plan->quality);
  return TRUE;
}

static gboolean
is_jpeg (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  return g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg");
}

static gboolean
is_png (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  return g_str_has_suffix (lower, ".png");
}

/* The folder exists and a file may be created in it; an existing @path may be replaced. */
static gboolean
check_writable (const char *path, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    return refuse (error, "cannot write %s: the folder %s does not exist", path, dir);
  if (g_access (dir, W_OK | X_OK) != 0)
    return refuse (error, "cannot write %s: no permission to write into %s", path, dir);
  if (g_file_test (path, G_FILE_TEST_EXISTS) && g_access (path, W_OK) != 0)
    return refuse (error, "cannot write %s: %s", path, g_strerror (EACCES));
  return TRUE;
}

gboolean
atelier_cli_output_check (const char *path, const AtelierCliOutputPlan *plan, GError **error)
{
  const gboolean jpeg = is_jpeg (path);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    return refuse (error, "cannot write %s: it is a folder", path);
  if (!jpeg && !is_png (path))
    return refuse (error, "cannot write %s: unknown file type, use .png, .jpg or .jpeg", path);
  if (jpeg && plan->bit_depth == 16)
    return refuse (error, "cannot write %s: JPEG holds 8 bits; use .png for --bit-depth 16", path);
  if (jpeg && plan->has_alpha)
    return refuse (error, "cannot write %s: the result is transparent and JPEG has no transparency; use .png", path);
  return check_writable (path, error);
}
