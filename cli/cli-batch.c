/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli-batch.h"

#include "atelier-image-io.h"
#include "atomic-file.h"
#include "batch-record.h"
#include "cli-commands.h"
#include "cli-output-names.h"
#include "cli-report.h"
#include "listing-figures.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ options */

void
atelier_cli_batch_options_clear (AtelierCliBatchOptions *o)
{
  g_clear_pointer (&o->list_path, g_free);
  g_clear_pointer (&o->shard, g_free);
  g_clear_pointer (&o->jsonl_path, g_free);
}

void
atelier_cli_batch_add_entries (GArray *entries, AtelierCliBatchOptions *o, gboolean makes_files)
{
  const GOptionEntry list = { "list", 0, 0, G_OPTION_ARG_FILENAME, &o->list_path,
                              atelier_i18n ("Batch: read the inputs from FILE, one per line (besides any given as "
                                            "arguments)"),
                              "FILE" };
  const GOptionEntry shard = { "shard", 0, 0, G_OPTION_ARG_STRING, &o->shard,
                               atelier_i18n ("Batch: process only slice I (0..N-1) of N of the sorted inputs (a Slurm "
                                             "array task id, a Kubernetes completion index)"),
                               "I/N" };
  g_array_append_val (entries, list);
  g_array_append_val (entries, shard);
  if (!makes_files)
    return;
  const GOptionEntry jsonl = { "jsonl", 0, 0, G_OPTION_ARG_FILENAME, &o->jsonl_path,
                               atelier_i18n ("Batch: one JSON line per input into FILE (rewritten; - for stdout)"),
                               "FILE" };
  const GOptionEntry force = { "force", 0, 0, G_OPTION_ARG_NONE, &o->force,
                               atelier_i18n ("Batch: redo outputs that are already done with the same settings"),
                               NULL };
  g_array_append_val (entries, jsonl);
  g_array_append_val (entries, force);
}

gboolean
atelier_cli_batch_options_given (const AtelierCliBatchOptions *o)
{
  return o->list_path != NULL || o->shard != NULL || o->jsonl_path != NULL || o->force;
}

gboolean
atelier_cli_batch_parse_shard (const char *text, int *index, int *count, GError **error)
{
  char *end = NULL;
  errno = 0;
  const long i = strtol (text, &end, 10);
  long n = -1;
  if (end != text && *end == '/' && g_ascii_isdigit (end[1]))
    {
      const char *rest = end + 1;
      n = strtol (rest, &end, 10);
    }
  if (errno != 0 || *end != '\0' || n < 1 || n > G_MAXINT || i < 0 || i >= n || !g_ascii_isdigit (text[0]))
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "--shard wants I/N with 0 <= I < N (such as 0/4), not \"%s\"", text);
      return FALSE;
    }
  *index = (int) i;
  *count = (int) n;
  return TRUE;
}

/* ------------------------------------------------------------- inputs */

static gboolean
read_list (const char *path, GPtrArray *inputs, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, error))
    return FALSE;
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  for (char **line = lines; *line != NULL; line++)
    {
      /* Lists written on Windows or by hand: a CR at the end and blank lines are not part of a name. */
      g_strchomp (*line);
      if (**line != '\0')
        g_ptr_array_add (inputs, g_strdup (*line));
    }
  return TRUE;
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

GPtrArray *
atelier_cli_batch_inputs (const AtelierCliBatchOptions *o, int n_files, char **files, GPtrArray **slice,
                          GError **error)
{
  g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < n_files; i++)
    g_ptr_array_add (inputs, g_strdup (files[i]));
  if (o->list_path != NULL && !read_list (o->list_path, inputs, error))
    return NULL;
  int index = 0, count = 1;
  if (o->shard != NULL && !atelier_cli_batch_parse_shard (o->shard, &index, &count, error))
    return NULL;
  /* strcmp's order, not the locale's: a shell's glob and `sort` order by locale, which may differ between
   * machines, and then the shards would too. */
  g_ptr_array_sort (inputs, compare_paths);
  for (guint i = 1; i < inputs->len; i++)
    if (g_str_equal (inputs->pdata[i - 1], inputs->pdata[i]))
      {
        g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s is given twice: nothing done",
                     (const char *) inputs->pdata[i]);
        return NULL;
      }
  *slice = g_ptr_array_new ();
  /* Every N-th input rather than a block of them: neighbours in a catalogue are often alike in cost (one
   * product's photos), so striding spreads the slow ones over the tasks. */
  for (guint i = (guint) index; i < inputs->len; i += (guint) count)
    g_ptr_array_add (*slice, inputs->pdata[i]);
  return g_steal_pointer (&inputs);
}

/* --------------------------------------------------------------- seeds */

AtelierFilterValues *
atelier_cli_batch_file_values (const AtelierFilterValues *values, const char *input)
{
  AtelierFilterValues *copy = atelier_filter_values_copy (values);
  const int seed = atelier_filter_param_index (values->info, "seed");
  if (seed < 0)
    return copy;
  const AtelierParamSpec *spec = &values->info->params[seed];
  /* The name, not the path: the same file gets the same seed whichever folder or machine it is read from. */
  g_autofree char *base = g_path_get_basename (input);
  g_autofree char *key = g_strdup_printf ("%.0f/%s", values->values[seed], base);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr (GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) key, -1);
  g_checksum_get_digest (checksum, digest, &length);
  guint64 hash = 0;
  for (int i = 0; i < 8; i++)
    hash = hash << 8 | digest[i];
  const guint64 range = (guint64) (spec->max - spec->min) + 1;
  copy->values[seed] = spec->min + (double) (hash % range);
  return copy;
}

/* ------------------------------------------------------------- outputs */

void
atelier_cli_file_run_clear (AtelierCliFileRun *run)
{
  g_clear_pointer (&run->output, atelier_filter_output_free);
}

/* Where @input's result goes in @dir: its unique @stem (cli-output-names.h), with .png for a mask or a cut-out
 * (which JPEG cannot hold), the input's own extension otherwise. */
static char *
batch_output_path (const AtelierFilterInfo *info, const char *dir, const char *input, const char *stem)
{
  g_autofree char *base = g_path_get_basename (input);
  const gboolean png = info->output == ATELIER_OUTPUT_SELECTION || info->new_layer_alone;
  const char *dot = strrchr (base, '.');
  g_autofree char *name = g_strconcat (stem, png || dot == NULL ? ".png" : dot, NULL);
  return g_build_filename (dir, name, NULL);
}

/* The output paths of all the inputs (of every shard, so that every task refuses the same clash), or NULL with
 * a message when two inputs would be written to one path or an output would overwrite an input. */
static GPtrArray *
batch_output_paths (const AtelierFilterInfo *info, const char *dir, GPtrArray *files)
{
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) inputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) outputs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GPtrArray) stems = atelier_cli_output_stems ((int) files->len, (char *const *) files->pdata);
  for (guint i = 0; i < files->len; i++)
    g_hash_table_add (inputs, g_canonicalize_filename (files->pdata[i], NULL));
  for (guint i = 0; i < files->len; i++)
    {
      const char *file = files->pdata[i];
      char *path = batch_output_path (info, dir, file, stems->pdata[i]);
      g_ptr_array_add (paths, path);
      g_autofree char *canonical = g_canonicalize_filename (path, NULL);
      const char *other = g_hash_table_lookup (outputs, canonical);
      if (other != NULL || g_hash_table_contains (inputs, canonical))
        {
          if (other != NULL)
            g_printerr ("atelier: %s and %s would both be written to %s: nothing done\n", other, file, path);
          else
            g_printerr ("atelier: %s's result would overwrite the input %s: nothing done\n", file, path);
          return NULL;
        }
      g_hash_table_insert (outputs, g_steal_pointer (&canonical), (gpointer) file);
    }
  return g_steal_pointer (&paths);
}

/* ----------------------------------------------------------- JSON lines */

typedef struct
{
  const AtelierCliBatch *batch;
  const AtelierCliBatchOptions *options;
  const char *shard;
  FILE *lines;    /* the JSON lines, or NULL */
  FILE *progress; /* the text lines people read */
} BatchRun;

static void
set_string (JsonObject *line, const char *name, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (line, name, value);
}

/* Whole milliseconds: JSON readers get 93, not 0.093000000000000002. */
static JsonNode *
timings_node (const AtelierCliFileRun *run)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  const struct
  {
    const char *name;
    double seconds;
  } timings[] = {
    { "load", run->load_seconds },
    { "filter", run->filter_seconds },
    { "save", run->save_seconds },
    { "total", run->load_seconds + run->filter_seconds + run->save_seconds },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (timings); i++)
    {
      json_builder_set_member_name (b, timings[i].name);
      json_builder_add_int_value (b, (gint64) (timings[i].seconds * 1000.0 + 0.5));
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
results_node (const AtelierFilterOutput *out)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  atelier_cli_report_json_results (b, out);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The marketplace figures of the file as written (cli/listing-figures.h), or NULL when it cannot be read. */
static JsonNode *
listing_node (const char *output)
{
  g_autoptr (AtelierImage) image = atelier_image_load (output, NULL);
  if (image == NULL)
    return NULL;
  const AtelierListingFigures figures = atelier_listing_measure (image->pixels, 0.0f);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  atelier_listing_figures_add_json (b, &figures);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The figures of a finished file, added to its line. */
static void
add_run (JsonObject *line, const char *output, const AtelierCliFileRun *run)
{
  json_object_set_int_member (line, "width", run->width);
  json_object_set_int_member (line, "height", run->height);
  json_object_set_int_member (line, "output_width", run->output_width);
  json_object_set_int_member (line, "output_height", run->output_height);
  json_object_set_member (line, "timings_ms", timings_node (run));
  json_object_set_member (line, "results", results_node (run->output));
  /* "settings" are what the run was asked (and what a rerun is matched on); what it decided in their place: */
  g_autoptr (JsonNode) settings = run->output->settings ? json_from_string (run->output->settings, NULL) : NULL;
  JsonObject *settings_object = settings && JSON_NODE_HOLDS_OBJECT (settings) ? json_node_get_object (settings) : NULL;
  if (settings_object != NULL && json_object_has_member (settings_object, "decided"))
    json_object_set_member (line, "decided", json_node_copy (json_object_get_member (settings_object, "decided")));
  /* A picture's figures: a mask's white border says nothing. */
  JsonNode *listing = run->output->info->output != ATELIER_OUTPUT_SELECTION ? listing_node (output) : NULL;
  if (listing != NULL)
    json_object_set_member (line, "listing", listing);
  /* Replace Background's promise, by the name the issue gives it, when the filter reports it. */
  for (int i = 0; i < run->output->info->n_results; i++)
    if (g_str_equal (run->output->info->results[i].name, "subject-untouched"))
      json_object_set_boolean_member (line, "subject untouched", run->output->results[i].number != 0);
}

static void
emit_line (const BatchRun *b, JsonObject *line)
{
  if (b->lines == NULL)
    return;
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), line);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *with_newline = g_strconcat (text, "\n", NULL);
  /* One write per line, flushed at once: a task killed between files leaves whole lines only. */
  fputs (with_newline, b->lines);
  fflush (b->lines);
}

/* ------------------------------------------------------------ one file */

static JsonObject *
new_line (const BatchRun *b, const char *input, const char *output, JsonNode *settings)
{
  JsonObject *line = json_object_new ();
  json_object_set_string_member (line, "status", "failed");
  json_object_set_string_member (line, "input", input);
  json_object_set_string_member (line, "output", output);
  json_object_set_string_member (line, "filter", b->batch->info->name);
  json_object_set_string_member (line, "atelier_version", ATELIER_VERSION);
  set_string (line, "shard", b->shard);
  json_object_set_member (line, "settings", json_node_copy (settings));
  return line;
}

/* A record's line, as this run reports it: skipped, at the paths given now. */
static JsonObject *
skipped_line (const BatchRun *b, JsonObject *record, const char *input, const char *output)
{
  JsonObject *line = json_object_ref (record);
  json_object_set_string_member (line, "status", "skipped");
  json_object_set_string_member (line, "input", input);
  json_object_set_string_member (line, "output", output);
  set_string (line, "shard", b->shard);
  return line;
}

/* Makes (or skips) one output; returns its line, whose status says which, and sets @error on failure. */
static JsonObject *
process_file (const BatchRun *b, const char *input, const char *output, GError **error)
{
  g_autoptr (AtelierFilterValues) values = atelier_cli_batch_file_values (b->batch->values, input);
  g_autoptr (JsonNode) settings = atelier_batch_settings (values, b->batch->output_options);
  g_autoptr (JsonObject) line = new_line (b, input, output, settings);
  const int lock = atelier_batch_lock (output, error);
  if (lock < 0)
    return g_steal_pointer (&line);
  atelier_atomic_file_remove_leftovers (output);
  g_autofree char *input_sha256 = atelier_batch_file_sha256 (input, error);
  g_autoptr (JsonObject) record = input_sha256 && !b->options->force ? atelier_batch_record_load (output) : NULL;
  if (record != NULL && atelier_batch_record_matches (record, output, ATELIER_VERSION, input_sha256, settings))
    {
      close (lock);
      return skipped_line (b, record, input, output);
    }
  g_auto (AtelierCliFileRun) run = { 0 };
  if (input_sha256 != NULL && b->batch->run_file (input, output, values, &run, b->batch->data, error))
    {
      g_autofree char *output_sha256 = atelier_batch_file_sha256 (output, error);
      set_string (line, "input_sha256", input_sha256);
      set_string (line, "output_sha256", output_sha256);
      add_run (line, output, &run);
      json_object_set_string_member (line, "status", "done");
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), line);
      if (output_sha256 == NULL || !atelier_batch_record_save (output, node, error))
        json_object_set_string_member (line, "status", "failed");
    }
  close (lock);
  return g_steal_pointer (&line);
}

/* ------------------------------------------------------------ the batch */

static void
print_progress (const BatchRun *b, const char *label, JsonObject *line, const GError *error)
{
  const char *status = json_object_get_string_member (line, "status");
  if (error != NULL)
    {
      g_printerr ("%satelier: %s: %s\n", label, json_object_get_string_member (line, "input"), error->message);
      return;
    }
  fprintf (b->progress, "%s%s -> %s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " (%s; %.1f s)\n", label,
           json_object_get_string_member (line, "input"), json_object_get_string_member (line, "output"),
           json_object_get_int_member_with_default (line, "output_width", 0),
           json_object_get_int_member_with_default (line, "output_height", 0), status,
           g_str_equal (status, "done")
             ? json_object_get_int_member (json_object_get_object_member (line, "timings_ms"), "total") / 1000.0
             : 0.0);
  fflush (b->progress);
}

static FILE *
open_lines (const char *path, GError **error)
{
  if (path == NULL || g_str_equal (path, "-"))
    return path ? stdout : NULL;
  FILE *lines = fopen (path, "w");
  if (lines == NULL)
    g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "cannot write %s: %s", path,
                 g_strerror (errno));
  return lines;
}

int
atelier_cli_batch_run (const AtelierCliBatch *batch, const AtelierCliBatchOptions *o, int n_files, char **files)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) slice = NULL;
  g_autoptr (GPtrArray) inputs = atelier_cli_batch_inputs (o, n_files, files, &slice, &error);
  if (inputs == NULL)
    {
      atelier_cli_fail (error);
      return 2; /* a bad list or shard: nothing was done */
    }
  g_autoptr (GPtrArray) outputs = batch_output_paths (batch->info, batch->output_dir, inputs);
  if (outputs == NULL)
    return 2;
  g_autoptr (GHashTable) output_of = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < inputs->len; i++)
    g_hash_table_insert (output_of, inputs->pdata[i], outputs->pdata[i]);
  FILE *lines = open_lines (o->jsonl_path, &error);
  if (o->jsonl_path != NULL && lines == NULL)
    return atelier_cli_fail (error);
  const BatchRun b = { batch, o, o->shard, lines, lines == stdout ? stderr : stdout };
  int failed = 0;
  for (guint i = 0; i < slice->len; i++)
    {
      g_autoptr (GError) file_error = NULL;
      g_autofree char *label = g_strdup_printf ("[%u/%u] ", i + 1, slice->len);
      const char *input = slice->pdata[i];
      g_autoptr (JsonObject) line = process_file (&b, input, g_hash_table_lookup (output_of, input), &file_error);
      if (file_error != NULL)
        json_object_set_string_member (line, "error", file_error->message);
      failed += file_error != NULL;
      emit_line (&b, line);
      print_progress (&b, label, line, file_error);
    }
  if (lines != NULL && lines != stdout && fclose (lines) != 0)
    {
      g_printerr ("atelier: cannot write %s: %s\n", o->jsonl_path, g_strerror (errno));
      failed++;
    }
  if (failed > 0)
    g_printerr ("atelier: %d of %u files failed\n", failed, slice->len);
  return failed > 0 ? 1 : 0;
}
