/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Batches as GNU parallel and Slurm run them (cli/cli-batch.h): atomic outputs, --list, --shard, JSON lines,
 * resuming, per-file seeds, locks; and `atelier check-listing` on images whose figures are known. */
#include "atelier-image-io.h"
#include "atomic-file.h"
#include "test-helpers.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <signal.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers */

typedef struct
{
  int status;
  char *out, *err;
} Run;

static void
run_clear (Run *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* `atelier ARGS...`, the arguments in one space-free string per word of @words (NULL-terminated). */
static void
atelier (Run *run, const char *const *words)
{
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  g_strv_builder_add (argv, g_getenv ("ATELIER_CLI"));
  g_strv_builder_addv (argv, (const char **) words);
  g_auto (GStrv) args = g_strv_builder_end (argv);
  int wait_status;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, args, NULL, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err, &wait_status,
                               &error));
  g_assert_no_error (error);
  run->status = WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
  if (run->status != 0)
    g_test_message ("exit status %d, stderr: %s", run->status, run->err);
}

/* Takes @pixels. */
static char *
save_png (const char *dir, const char *name, AtelierTensor *pixels)
{
  g_autoptr (AtelierImage) image = atelier_image_new (pixels, 8);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  g_assert_no_error (error);
  return path;
}

static GBytes *
contents (const char *path)
{
  g_autoptr (GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  g_assert_nonnull (file);
  return g_mapped_file_get_bytes (file);
}

/* The JSON lines of @text, one object each, by their "input". */
static GHashTable *
lines_by_input (const char *text, guint expected)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  g_auto (GStrv) rows = g_strsplit (text, "\n", -1);
  guint n = 0;
  for (char **row = rows; *row != NULL; row++)
    {
      if (**row == '\0')
        continue;
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, *row, -1, NULL));
      JsonObject *line = json_node_get_object (json_parser_get_root (parser));
      const char *input = json_object_get_string_member (line, "input");
      g_assert_false (g_hash_table_contains (lines, input));
      g_hash_table_insert (lines, g_strdup (input), json_object_ref (line));
      n++;
    }
  g_assert_cmpuint (n, ==, expected);
  return lines;
}

static GHashTable *
lines_in_file (const char *path, guint expected)
{
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return lines_by_input (text, expected);
}

static const char *
status_of (GHashTable *lines, const char *input)
{
  JsonObject *line = g_hash_table_lookup (lines, input);
  g_assert_nonnull (line);
  return json_object_get_string_member (line, "status");
}

/* @n small distinct images in @dir as img00.png...; their paths. */
static GPtrArray *
make_inputs (const char *dir, int n)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("img%02d.png", i);
      g_ptr_array_add (paths, save_png (dir, name, test_random_4d (1, 3, 12 + i, 10)));
    }
  return paths;
}

/* ------------------------------------------------------- atomic files */

/* A writer that dies before its commit, as a killed task does (no cleanup runs), leaves the old file whole. */
static void
test_atomic_killed_writer (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "out.png", NULL);
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  const pid_t child = fork ();
  if (child == 0)
    {
      AtelierAtomicFile *file = atelier_atomic_file_open (path, NULL);
      fputs ("half of a new", atelier_atomic_file_stream (file));
      fflush (atelier_atomic_file_stream (file));
      _exit (0);
    }
  int wait_status;
  g_assert_cmpint (waitpid (child, &wait_status, 0), ==, child);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "old");

  /* A commit replaces it whole; an abort leaves it and no temporary file. */
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_atomic_file_write (path, "new", 3, &error));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");
  AtelierAtomicFile *aborted = atelier_atomic_file_open (path, &error);
  g_autofree char *temporary = g_strdup (atelier_atomic_file_temporary_path (aborted));
  g_assert_true (g_file_test (temporary, G_FILE_TEST_EXISTS));
  atelier_atomic_file_abort (aborted);
  g_assert_false (g_file_test (temporary, G_FILE_TEST_EXISTS));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpstr (text, ==, "new");
  test_remove_dir (dir);
}

/* The temporary file of @dir being written, if any. */
static gboolean
has_partial_file (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  for (const char *name; d != NULL && (name = g_dir_read_name (d)) != NULL;)
    if (g_str_has_suffix (name, ".part"))
      return TRUE;
  return FALSE;
}

/* The real program killed (SIGKILL) while it writes a large output: no file at the output's name. */
static void
test_atomic_killed_program (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = save_png (dir, "large.png", test_random_4d (1, 3, 2000, 2000));
  g_autofree char *out_dir = g_build_filename (dir, "out", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0755), ==, 0);
  g_autofree char *output = g_build_filename (out_dir, "large.png", NULL);
  const char *argv[] = { g_getenv ("ATELIER_CLI"), "plain-background", "--threads", "1", input, output, NULL };
  gboolean caught = FALSE;
  for (int attempt = 0; attempt < 3 && !caught; attempt++)
    {
      GPid pid;
      g_autoptr (GError) error = NULL;
      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                    NULL, NULL, &pid, &error));
      int wait_status = 0;
      while (!(caught = has_partial_file (out_dir)) && waitpid (pid, &wait_status, WNOHANG) == 0)
        g_usleep (200);
      if (caught)
        {
          kill (pid, SIGKILL);
          waitpid (pid, &wait_status, 0);
          g_assert_true (WIFSIGNALED (wait_status));
        }
      g_spawn_close_pid (pid);
      g_unlink (output);
    }
  g_assert_true (caught);
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* ------------------------------------------------------------ batches */

/* One task, then the same inputs in three shards given in another order and through --list: the same bytes,
 * every input in exactly one shard, one line each. */
static void
test_shards_identical (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GPtrArray) inputs = make_inputs (dir, 7);
  g_autofree char *whole = g_build_filename (dir, "whole", NULL);
  g_autofree char *sharded = g_build_filename (dir, "sharded", NULL);
  g_autoptr (GStrvBuilder) words = g_strv_builder_new ();
  const char *options[] = { "upscale", "--model", "slim", "--scale", "2", "--threads", "1", "--jsonl", "-", NULL };
  g_strv_builder_addv (words, options);
  g_strv_builder_add_many (words, "--output-dir", whole, NULL);
  for (guint i = 0; i < inputs->len; i++)
    g_strv_builder_add (words, inputs->pdata[i]);
  g_auto (GStrv) one_task = g_strv_builder_end (words);
  g_auto (Run) run = { 0 };
  atelier (&run, (const char *const *) one_task);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GHashTable) whole_lines = lines_by_input (run.out, inputs->len);

  g_autofree char *list = g_build_filename (dir, "list.txt", NULL);
  g_autoptr (GString) listed = g_string_new ("\n");
  for (guint i = inputs->len; i-- > 0;)
    g_string_append_printf (listed, "%s\r\n", (const char *) inputs->pdata[i]);
  g_assert_true (g_file_set_contents (list, listed->str, -1, NULL));
  g_autoptr (GString) shard_text = g_string_new (NULL);
  for (int shard = 0; shard < 3; shard++)
    {
      g_autofree char *slice = g_strdup_printf ("%d/3", shard);
      const char *task[] = { "upscale", "--model", "slim", "--scale", "2", "--threads", "2", "--jsonl", "-",
                             "--output-dir", sharded, "--list", list, "--shard", slice, NULL };
      g_auto (Run) part = { 0 };
      atelier (&part, task);
      g_assert_cmpint (part.status, ==, 0);
      g_string_append (shard_text, part.out);
    }
  g_autoptr (GHashTable) shard_lines = lines_by_input (shard_text->str, inputs->len);
  for (guint i = 0; i < inputs->len; i++)
    {
      g_assert_cmpstr (status_of (shard_lines, inputs->pdata[i]), ==, "done");
      g_autofree char *base = g_path_get_basename (inputs->pdata[i]);
      g_autofree char *a = g_build_filename (whole, base, NULL);
      g_autofree char *b = g_build_filename (sharded, base, NULL);
      g_autoptr (GBytes) bytes_a = contents (a);
      g_autoptr (GBytes) bytes_b = contents (b);
      g_assert_true (g_bytes_equal (bytes_a, bytes_b));
      JsonObject *line = g_hash_table_lookup (whole_lines, inputs->pdata[i]);
      g_assert_cmpint (json_object_get_int_member (line, "output_width"), ==, 20);
      g_assert_nonnull (json_object_get_object_member (line, "settings"));
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (line, "settings"), "model"), ==,
                       "slim");
    }
  test_remove_dir (dir);
}

/* A rerun skips what is done; a changed input, a changed setting, a lost record or --force redo it; a broken
 * input fails alone, with exit status 1 and its line. */
static void
test_resume (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GPtrArray) inputs = make_inputs (dir, 3);
  g_autofree char *broken = g_build_filename (dir, "broken.png", NULL);
  g_assert_true (g_file_set_contents (broken, "\x89PNG\r\n\x1a\n not really", -1, NULL));
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *jsonl = g_build_filename (dir, "lines.jsonl", NULL);
#define BATCH(...)                                                                                              \
  {                                                                                                             \
    "plain-background", "--jsonl", jsonl, "--output-dir", out, (const char *) inputs->pdata[0],                \
      (const char *) inputs->pdata[1], (const char *) inputs->pdata[2], __VA_ARGS__, NULL                      \
  }
  const char *first[] = BATCH (broken);
  g_auto (Run) run = { 0 };
  atelier (&run, first);
  g_assert_cmpint (run.status, ==, 1);
  g_autoptr (GHashTable) lines = lines_in_file (jsonl, 4);
  g_assert_cmpstr (status_of (lines, broken), ==, "failed");
  g_assert_nonnull (json_object_get_string_member (g_hash_table_lookup (lines, broken), "error"));
  for (guint i = 0; i < inputs->len; i++)
    {
      g_assert_cmpstr (status_of (lines, inputs->pdata[i]), ==, "done");
      /* Plain white: the listing figures of a blank white frame. */
      JsonObject *listing = json_object_get_object_member (g_hash_table_lookup (lines, inputs->pdata[i]), "listing");
      g_assert_cmpfloat (json_object_get_double_member (listing, "white_border"), ==, 1.0);
      g_assert_cmpfloat (json_object_get_double_member (listing, "fill"), ==, 0.0);
      g_assert_cmpint (json_object_get_int_member (listing, "long_side"), ==, 12 + (gint64) i);
    }

  /* The rerun: all skipped, the file rewritten with the same figures. */
  const char *again[] = BATCH ("--colour", "#3c78b4");
  g_auto (Run) rerun = { 0 };
  atelier (&rerun, again);
  g_assert_cmpint (rerun.status, ==, 0);
  g_autoptr (GHashTable) skipped = lines_in_file (jsonl, 3);
  for (guint i = 0; i < inputs->len; i++)
    {
      g_assert_cmpstr (status_of (skipped, inputs->pdata[i]), ==, "skipped");
      JsonObject *before = g_hash_table_lookup (lines, inputs->pdata[i]);
      JsonObject *after = g_hash_table_lookup (skipped, inputs->pdata[i]);
      g_assert_cmpstr (json_object_get_string_member (before, "output_sha256"), ==,
                       json_object_get_string_member (after, "output_sha256"));
    }

  /* One input changed, one record lost: those two are redone. */
  g_autoptr (AtelierImage) changed = atelier_image_new (test_random_4d (1, 3, 5, 5), 8);
  g_assert_true (atelier_image_save (changed, inputs->pdata[0], 8, 90, NULL));
  g_autofree char *record = g_build_filename (out, ".atelier-batch", "img01.png.json", NULL);
  g_assert_cmpint (g_unlink (record), ==, 0);
  const char *third[] = BATCH ("--fill", "white");
  g_auto (Run) third_run = { 0 };
  atelier (&third_run, third);
  g_assert_cmpint (third_run.status, ==, 0);
  g_autoptr (GHashTable) redone = lines_in_file (jsonl, 3);
  g_assert_cmpstr (status_of (redone, inputs->pdata[0]), ==, "done");
  g_assert_cmpstr (status_of (redone, inputs->pdata[1]), ==, "done");
  g_assert_cmpstr (status_of (redone, inputs->pdata[2]), ==, "skipped");
  g_autofree char *first_output = g_build_filename (out, "img00.png", NULL);
  g_autoptr (AtelierImage) remade = atelier_image_load (first_output, NULL);
  g_assert_cmpint (atelier_image_width (remade), ==, 5);

  /* Another setting, and --force: all redone. */
  const char *gradient[] = BATCH ("--fill", "gradient");
  const char *forced[] = BATCH ("--fill", "gradient", "--force");
  const char *const *redo[] = { gradient, forced };
  for (gsize r = 0; r < G_N_ELEMENTS (redo); r++)
    {
      g_auto (Run) all = { 0 };
      atelier (&all, redo[r]);
      g_assert_cmpint (all.status, ==, 0);
      g_autoptr (GHashTable) done = lines_in_file (jsonl, 3);
      for (guint i = 0; i < inputs->len; i++)
        g_assert_cmpstr (status_of (done, inputs->pdata[i]), ==, "done");
    }
#undef BATCH
  test_remove_dir (dir);
}

/* Under fast sampling steps, guidance and sampler do not shape the output: a rerun that changes only them skips
 * every input; the seed does shape it, and a rerun with another seed redoes them. */
static void
test_resume_ignores_unused_rows (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GPtrArray) inputs = make_inputs (dir, 2);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *jsonl = g_build_filename (dir, "lines.jsonl", NULL);
#define BATCH(...)                                                                                                {                                                                                                                 "extend-canvas", "--speed", "fast", "--aspect", "pixels", "--right", "6", "--jsonl", jsonl, "--output-dir",       out, (const char *) inputs->pdata[0], (const char *) inputs->pdata[1], __VA_ARGS__, NULL                   }
  const char *first[] = BATCH ("--steps", "20");
  const char *unused[] = BATCH ("--steps", "7", "--guidance", "5", "--sampler", "ddim");
  const char *reseeded[] = BATCH ("--steps", "7", "--seed", "3");
  const char *const *runs[] = { first, unused, reseeded };
  const char *expected[] = { "done", "skipped", "done" };
  for (gsize r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_auto (Run) run = { 0 };
      atelier (&run, runs[r]);
      g_assert_cmpint (run.status, ==, 0);
      g_autoptr (GHashTable) lines = lines_in_file (jsonl, 2);
      for (guint i = 0; i < inputs->len; i++)
        g_assert_cmpstr (status_of (lines, inputs->pdata[i]), ==, expected[r]);
    }
#undef BATCH
  test_remove_dir (dir);
}

/* A run's line says what the run decided in place of a row (the surface a preset chose instead of the style given)
 * beside the settings it was asked, which stay what a rerun is matched on; a run that decided nothing says nothing. */
static void
test_line_names_decided_rows (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  const gint64 h = 24, w = 32;
  AtelierTensor *mask = atelier_tensor_new_4d (1, 1, h, w, NULL);
  for (gint64 i = 0; i < h * w; i++)
    mask->data[i] = i % w >= 10 && i % w < 20 && i / w >= 6 && i / w < 16;
  g_autofree char *mask_path = save_png (dir, "mask.png", mask);
  g_autofree char *input = save_png (dir, "x.png", test_random_4d (1, 3, h, w));
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  for (int preset = 0; preset < 2; preset++)
    {
      const char *task[] = { "replace-background", "--background", "generated", "--style", "wood", "--speed", "fast",
                             "--mask", mask_path, "--preset", preset ? "clothing" : "none", "--force", "--jsonl",
                             "-", "--output-dir", out, input, NULL };
      g_auto (Run) run = { 0 };
      atelier (&run, task);
      g_assert_cmpint (run.status, ==, 0);
      g_autoptr (GHashTable) lines = lines_by_input (run.out, 1);
      JsonObject *line = g_hash_table_lookup (lines, input);
      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (line, "settings"), "style"), ==,
                       "wood");
      if (preset)
        g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (line, "decided"), "style"),
                         ==, "studio"); /* clothing's linen is not among the committed model's labels */
      else
        g_assert_false (json_object_has_member (line, "decided"));
    }
  test_remove_dir (dir);
}

/* Another task holding an output's lock (two tasks given one shard): that output fails, it is not written, and
 * its temporary files are left to the task writing it. */
static void
test_lock (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GPtrArray) inputs = make_inputs (dir, 2);
  g_autofree char *out = g_build_filename (dir, "out", NULL);
  g_autofree char *records = g_build_filename (out, ".atelier-batch", NULL);
  g_assert_cmpint (g_mkdir_with_parents (records, 0755), ==, 0);
  g_autofree char *lock_path = g_build_filename (records, "img00.png.lock", NULL);
  /* What killed tasks left of both outputs: the batch removes the one whose lock it holds. */
  g_autofree char *left_locked = g_build_filename (out, ".img00.png.AbC123.part", NULL);
  g_autofree char *left_free = g_build_filename (out, ".img01.png.XyZ789.part", NULL);
  g_assert_true (g_file_set_contents (left_locked, "half", -1, NULL));
  g_assert_true (g_file_set_contents (left_free, "half", -1, NULL));
  const int lock = open (lock_path, O_RDWR | O_CREAT, 0644);
  g_assert_cmpint (flock (lock, LOCK_EX), ==, 0);
  const char *task[] = { "plain-background", "--jsonl", "-", "--output-dir", out, inputs->pdata[0], inputs->pdata[1],
                         NULL };
  g_auto (Run) run = { 0 };
  atelier (&run, task);
  close (lock);
  g_assert_cmpint (run.status, ==, 1);
  g_autoptr (GHashTable) lines = lines_by_input (run.out, 2);
  g_assert_cmpstr (status_of (lines, inputs->pdata[0]), ==, "failed");
  g_assert_cmpstr (status_of (lines, inputs->pdata[1]), ==, "done");
  g_autofree char *locked_output = g_build_filename (out, "img00.png", NULL);
  g_assert_false (g_file_test (locked_output, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (left_locked, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (left_free, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* The seed a file gets, written from the rule of cli/cli-batch.c: SHA-256 of "BASE/NAME", its first 8 bytes
 * big-endian, modulo the parameter's range. */
static gint64
expected_seed (int base, const char *name)
{
  g_autofree char *key = g_strdup_printf ("%d/%s", base, name);
  g_autofree char *hex = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  hex[16] = '\0';
  return (gint64) (g_ascii_strtoull (hex, NULL, 16) % 2147483648ull);
}

/* Two identical pictures under different names get different seeds, and a file's result does not depend on
 * the shard it falls in. */
static void
test_seed_per_file (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  const gint64 h = 24, w = 32;
  g_autoptr (AtelierTensor) pixels = test_random_4d (1, 3, h, w);
  AtelierTensor *mask = atelier_tensor_new_4d (1, 1, h, w, NULL);
  for (gint64 i = 0; i < h * w; i++)
    mask->data[i] = i % w >= 10 && i % w < 20 && i / w >= 6 && i / w < 16;
  g_autofree char *mask_path = save_png (dir, "mask.png", mask);
  g_autofree char *x = save_png (dir, "x.png", atelier_tensor_copy (pixels, NULL));
  g_autofree char *y = save_png (dir, "y.png", atelier_tensor_copy (pixels, NULL));
  g_autofree char *together = g_build_filename (dir, "together", NULL);
  g_autofree char *apart = g_build_filename (dir, "apart", NULL);
  const char *one_task[] = { "inpaint", "--mask", mask_path, "--steps", "1", "--working-size", "128", "--seed", "5",
                             "--jsonl", "-", "--output-dir", together, x, y, NULL };
  g_auto (Run) run = { 0 };
  atelier (&run, one_task);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GHashTable) lines = lines_by_input (run.out, 2);
  const char *names[] = { "x.png", "y.png" };
  const char *paths[] = { x, y };
  for (int i = 0; i < 2; i++)
    {
      JsonObject *settings = json_object_get_object_member (g_hash_table_lookup (lines, paths[i]), "settings");
      g_assert_cmpint (json_object_get_int_member (settings, "seed"), ==, expected_seed (5, names[i]));
    }
  g_autofree char *x_out = g_build_filename (together, "x.png", NULL);
  g_autofree char *y_out = g_build_filename (together, "y.png", NULL);
  g_autoptr (GBytes) x_bytes = contents (x_out);
  g_autoptr (GBytes) y_bytes = contents (y_out);
  g_assert_false (g_bytes_equal (x_bytes, y_bytes));

  const char *second_shard[] = { "inpaint", "--mask", mask_path, "--steps", "1", "--working-size", "128", "--seed",
                                 "5", "--shard", "1/2", "--output-dir", apart, x, y, NULL };
  g_auto (Run) shard = { 0 };
  atelier (&shard, second_shard);
  g_assert_cmpint (shard.status, ==, 0);
  g_autofree char *y_apart = g_build_filename (apart, "y.png", NULL);
  g_autoptr (GBytes) y_apart_bytes = contents (y_apart);
  g_assert_true (g_bytes_equal (y_bytes, y_apart_bytes));
  test_remove_dir (dir);
}

/* A report filter takes --list and --shard too: of three inputs (one an argument, two listed out of order),
 * shard 1 of 2 and shard 1 of 3 are both the second in byte order alone. */
static void
test_report_slices (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("photo-%d.png", i);
      g_ptr_array_add (inputs, save_png (dir, name, test_texture_image (64 + 8 * i, 64)));
    }
  g_autofree char *list = g_build_filename (dir, "list.txt", NULL);
  g_autofree char *listed = g_strdup_printf ("%s\n%s\n", (const char *) inputs->pdata[2], (const char *) inputs->pdata[1]);
  g_assert_true (g_file_set_contents (list, listed, -1, NULL));
  const char *shards[] = { "1/2", "1/3" };
  for (gsize s = 0; s < G_N_ELEMENTS (shards); s++)
    {
      const char *task[] = { "detect-ai", "--json", "--list", list, "--shard", shards[s], inputs->pdata[0], NULL };
      g_auto (Run) run = { 0 };
      atelier (&run, task);
      g_assert_cmpint (run.status, ==, 0);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, run.out, -1, NULL));
      JsonObject *report = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpstr (json_object_get_string_member (report, "path"), ==, inputs->pdata[1]);
    }
  test_remove_dir (dir);
}

static void
test_bad_arguments (void)
{
  const char *bad_shard[] = { "plain-background", "--output-dir", "/tmp", "--shard", "3/3", "a.png",
                              NULL };
  const char *no_dir[] = { "plain-background", "--shard", "0/2", "a.png", "b.png", NULL };
  const char *missing_list[] = { "plain-background", "--output-dir", "/tmp", "--list", "/nonexistent/list", NULL };
  const char *const *cases[] = { bad_shard, no_dir, missing_list };
  const char *messages[] = { "--shard wants I/N", "usage:", "/nonexistent/list" };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Run) run = { 0 };
      atelier (&run, cases[i]);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, messages[i]));
    }
}

/* ------------------------------------------------------- check-listing */

/* (1, channels, h, w) of white, opaque. */
static AtelierTensor *
white_image (int channels, gint64 h, gint64 w)
{
  AtelierTensor *t = atelier_tensor_new_4d (1, channels, h, w, NULL);
  atelier_tensor_fill (t, 1.0f);
  return t;
}

static void
paint (AtelierTensor *t, int channel, gint64 x0, gint64 y0, gint64 width, gint64 height, float value)
{
  const gint64 h = t->shape[2], w = t->shape[3];
  for (gint64 y = y0; y < y0 + height; y++)
    for (gint64 x = x0; x < x0 + width; x++)
      t->data[(channel * h + y) * w + x] = value;
}

static int
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every file of @dir with its checksum and modification time. */
static char *
snapshot (const char *dir)
{
  g_autoptr (GString) s = g_string_new (NULL);
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  for (const char *name; (name = g_dir_read_name (d)) != NULL;)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);
      GStatBuf st;
      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_autoptr (GBytes) bytes = contents (path);
      g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      g_string_append_printf (s, "%s %s %ld\n", (const char *) names->pdata[i], sha, (long) st.st_mtime);
    }
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Hand-made listings whose figures are known: a dark box on white; a red strip on the border and a near-white
 * speck (found at tolerance 0, ignored at 1); white but transparent (not a white background); all white. */
static void
test_check_listing (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  AtelierTensor *boxed = white_image (3, 80, 100);
  for (int c = 0; c < 3; c++)
    paint (boxed, c, 10, 20, 50, 20, 0.0f);
  g_autofree char *a = save_png (dir, "a-boxed.png", boxed);
  AtelierTensor *strip = white_image (3, 60, 60);
  paint (strip, 1, 0, 10, 1, 20, 0.0f);
  paint (strip, 2, 0, 10, 1, 20, 0.0f);
  paint (strip, 0, 30, 30, 1, 1, 254.0f / 255.0f);
  g_autofree char *b = save_png (dir, "b-strip.png", strip);
  AtelierTensor *clear = white_image (4, 20, 40);
  paint (clear, 3, 0, 0, 40, 20, 0.0f);
  g_autofree char *c = save_png (dir, "c-clear.png", clear);
  g_autofree char *d = save_png (dir, "d-white.png", white_image (3, 30, 30));
  g_autofree char *before = snapshot (dir);

  g_auto (Run) csv = { 0 };
  const char *csv_args[] = { "check-listing", dir, NULL };
  atelier (&csv, csv_args);
  g_assert_cmpint (csv.status, ==, 0);
  g_autofree char *expected = g_strdup_printf (
    "path,width,height,long_side,aspect,white_border,fill,box_x,box_y,box_width,box_height\n"
    "%s,100,80,100,1.2500,1.0000,0.5000,10,20,50,20\n"
    "%s,60,60,60,1.0000,%.4f,%.4f,0,10,31,21\n"
    "%s,40,20,40,2.0000,0.0000,1.0000,0,0,40,20\n"
    "%s,30,30,30,1.0000,1.0000,0.0000,0,0,0,0\n",
    a, b, 216.0 / 236.0, 31.0 / 60.0, c, d);
  g_assert_cmpstr (csv.out, ==, expected);

  g_auto (Run) json = { 0 };
  const char *json_args[] = { "check-listing", "--json", "--tolerance", "1", b, NULL };
  atelier (&json, json_args);
  g_assert_cmpint (json.status, ==, 0);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json.out, -1, NULL));
  JsonObject *figures = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (figures, "fill"), 20.0 / 60.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (figures, "white_border"), 216.0 / 236.0, 1e-9);
  g_assert_cmpint (json_object_get_int_member (figures, "long_side"), ==, 60);
  JsonArray *box = json_object_get_array_member (figures, "product_box");
  const gint64 expected_box[] = { 0, 10, 1, 20 };
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (json_array_get_int_element (box, i), ==, expected_box[i]);

  /* Nothing written, nothing changed; a file that is not an image is named, the rest still measured. */
  g_autofree char *after = snapshot (dir);
  g_assert_cmpstr (before, ==, after);
  g_autofree char *bad = g_build_filename (dir, "e-bad.jpg", NULL);
  g_assert_true (g_file_set_contents (bad, "no", -1, NULL));
  g_auto (Run) with_bad = { 0 };
  atelier (&with_bad, csv_args);
  g_assert_cmpint (with_bad.status, ==, 1);
  g_assert_nonnull (strstr (with_bad.err, "e-bad.jpg"));
  g_assert_true (g_str_has_prefix (with_bad.out, expected));
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Outputs record when they were made: one fixed time makes runs comparable byte for byte (docs/batch.md). */
  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_add_func ("/batch/atomic/killed-writer", test_atomic_killed_writer);
  g_test_add_func ("/batch/atomic/killed-program", test_atomic_killed_program);
  g_test_add_func ("/batch/shards-identical", test_shards_identical);
  g_test_add_func ("/batch/resume", test_resume);
  g_test_add_func ("/batch/resume-ignores-unused-rows", test_resume_ignores_unused_rows);
  g_test_add_func ("/batch/line-names-decided-rows", test_line_names_decided_rows);
  g_test_add_func ("/batch/lock", test_lock);
  g_test_add_func ("/batch/seed-per-file", test_seed_per_file);
  g_test_add_func ("/batch/report-slices", test_report_slices);
  g_test_add_func ("/batch/bad-arguments", test_bad_arguments);
  g_test_add_func ("/batch/check-listing", test_check_listing);
  return g_test_run ();
}
