/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fsync, O_CLOEXEC, O_DIRECTORY and flock are POSIX and BSD, outside strict C11. */
#define _DEFAULT_SOURCE
#include "batch-record.h"

#include "atomic-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <unistd.h>

#define RECORD_FOLDER ".atelier-batch"

char *
atelier_batch_file_sha256 (const char *path, GError **error)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, error);
  if (file == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) g_mapped_file_get_contents (file),
                                      g_mapped_file_get_length (file));
}

static void
add_param (JsonBuilder *b, const AtelierFilterValues *values, const AtelierParamSpec *spec, double value)
{
  json_builder_set_member_name (b, spec->name);
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      json_builder_add_int_value (b, (gint64) value);
      break;
    case ATELIER_PARAM_DOUBLE:
      json_builder_add_double_value (b, value);
      break;
    case ATELIER_PARAM_BOOLEAN:
      json_builder_add_boolean_value (b, value != 0);
      break;
    case ATELIER_PARAM_CHOICE:
      json_builder_add_string_value (b, atelier_filter_values_get_choice (values, spec->name));
      break;
    case ATELIER_PARAM_COLOUR:
      {
        g_autofree char *colour = atelier_colour_format (value);
        json_builder_add_string_value (b, colour);
      }
      break;
    }
}

JsonNode *
atelier_batch_settings (const AtelierFilterValues *values, const char *output_options)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  /* A row the other choices make meaningless (steps under fast sampling) does not shape the output: changing it
   * must not redo the work. */
  for (int i = 0; i < values->info->n_params; i++)
    if (!atelier_filter_values_row_unused (values, i))
      add_param (b, values, &values->info->params[i], values->values[i]);
  json_builder_set_member_name (b, "output");
  json_builder_add_string_value (b, output_options);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* DIR/.atelier-batch/NAME@suffix for the output DIR/NAME, its folder made when @make. */
static char *
record_path (const char *output_path, const char *suffix, gboolean make)
{
  g_autofree char *dir = g_path_get_dirname (output_path);
  g_autofree char *base = g_path_get_basename (output_path);
  g_autofree char *folder = g_build_filename (dir, RECORD_FOLDER, NULL);
  if (make)
    g_mkdir_with_parents (folder, 0755);
  g_autofree char *name = g_strconcat (base, suffix, NULL);
  return g_build_filename (folder, name, NULL);
}

JsonObject *
atelier_batch_record_load (const char *output_path)
{
  g_autofree char *path = record_path (output_path, ".json", FALSE);
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, path, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root (parser);
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_object_ref (json_node_get_object (root)) : NULL;
}

gboolean
atelier_batch_record_save (const char *output_path, JsonNode *line, GError **error)
{
  g_autofree char *path = record_path (output_path, ".json", TRUE);
  g_autofree char *text = json_to_string (line, FALSE);
  return atelier_atomic_file_write (path, text, strlen (text), error);
}

static gboolean
member_is (JsonObject *record, const char *name, const char *expected)
{
  const char *value = json_object_get_string_member_with_default (record, name, NULL);
  return value != NULL && expected != NULL && g_str_equal (value, expected);
}

gboolean
atelier_batch_record_matches (JsonObject *record, const char *output_path, const char *version,
                              const char *input_sha256, JsonNode *settings)
{
  if (!member_is (record, "atelier_version", version) || !member_is (record, "input_sha256", input_sha256)
      || !json_object_has_member (record, "settings"))
    return FALSE;
  /* Both objects are built member by member in the description's order, so equal settings print equally. */
  g_autofree char *recorded = json_to_string (json_object_get_member (record, "settings"), FALSE);
  g_autofree char *wanted = json_to_string (settings, FALSE);
  if (!g_str_equal (recorded, wanted))
    return FALSE;
  g_autofree char *output_sha256 = atelier_batch_file_sha256 (output_path, NULL);
  return member_is (record, "output_sha256", output_sha256);
}

int
atelier_batch_lock (const char *output_path, GError **error)
{
  g_autofree char *path = record_path (output_path, ".lock", TRUE);
  const int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "cannot open %s: %s", path,
                   g_strerror (errno));
      return -1;
    }
  /* flock, not a lock file that exists or not: the kernel drops it when a killed task dies, so a rerun never
   * finds a stale one. */
  if (flock (fd, LOCK_EX | LOCK_NB) != 0)
    {
      const int code = errno;
      close (fd);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s",
                   code == EWOULDBLOCK ? "another task is writing this output now (two tasks given the same shard?)"
                                       : g_strerror (code));
      return -1;
    }
  return fd;
}
