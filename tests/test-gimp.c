/* SPDX-License-Identifier: GPL-3.0-or-later */
/* End to end through GIMP: gimp-console-2.10 on an isolated profile runs the
 * plug-in non-interactively. Results must equal the engine's own output for
 * the same input; a failing call must leave the image as it was and say why.
 * gimp-console exits 0 even when a batch command fails, so the output file
 * and the "execution error" text are checked, not the exit code. */
#include "atelier-image-io.h"
#include "test-helpers.h"

#include <gexiv2/gexiv2.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct
{
  char *profile;
  char *dir;
} Gimp;

static gboolean
gimp_available (void)
{
  g_autofree char *console = g_find_program_in_path ("gimp-console-2.10");
  return console != NULL && g_getenv ("ATELIER_GIMP_PLUGIN") != NULL;
}

static void
gimp_setup (Gimp *g, gconstpointer data)
{
  (void) data;
  g->dir = test_make_temp_dir ();
  g->profile = g_build_filename (g->dir, "profile", NULL);
  g_autofree char *plugins = g_build_filename (g->profile, "plug-ins", "atelier", NULL);
  g_assert_cmpint (g_mkdir_with_parents (plugins, 0755), ==, 0);
  g_autofree char *target = g_build_filename (plugins, "atelier", NULL);
  g_autofree char *contents = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (g_getenv ("ATELIER_GIMP_PLUGIN"), &contents, &size, NULL));
  g_assert_true (g_file_set_contents (target, contents, (gssize) size, NULL));
  g_chmod (target, 0755);
}

static void
gimp_teardown (Gimp *g, gconstpointer data)
{
  (void) data;
  if (g->dir != NULL)
    test_remove_dir (g->dir);
  g_free (g->dir);
  g_free (g->profile);
}

/* Runs Script-Fu @script in gimp-console on the test's profile; returns GIMP's stdout + stderr. */
static char *
run_script (const Gimp *g, const char *script)
{
  const char *argv[] = { "gimp-console-2.10", "-i", "-b", script, "-b", "(gimp-quit 0)", NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "GIMP2_DIRECTORY", g->profile, TRUE);
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr (GError) error = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, NULL, &error));
  g_assert_no_error (error);
  return g_strconcat (out, err, NULL);
}

/* Runs Script-Fu @body with @input loaded as img and its active drawable bound to drw (every test's scaffolding,
 * written once). */
static char *
run_on_file (const Gimp *g, const char *input, const char *body)
{
  g_autofree char *script = g_strdup_printf ("(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"%s\" \"%s\")))"
                                             " (drw (car (gimp-image-get-active-drawable img)))) %s)",
                                             input, input, body);
  return run_script (g, script);
}

/* Script-Fu that saves @layer (an expression) of img as the PNG @path, keeping the colour of transparent pixels
 * when @keep_hidden_colour. */
static char *
save_png (const char *layer, const char *path, gboolean keep_hidden_colour)
{
  return g_strdup_printf ("(file-png-save2 RUN-NONINTERACTIVE img %s \"%s\" \"%s\" 0 9 0 0 0 0 0 0 %d)", layer, path, path,
                          keep_hidden_colour);
}

/* Runs the Script-Fu @call (img and drw bound) for a filter that adds a layer: prints the number of layers and
 * the top layer's name ("layers=2 name=NAME end"), saves the top layer to @top and the one below it to @below,
 * then runs @then. */
static char *
run_adding_layer (const Gimp *g, const char *input, const char *call, const char *top, const char *below,
                  const char *then)
{
  g_autofree char *save_top = save_png ("(vector-ref (cadr layers) 0)", top, TRUE);
  g_autofree char *save_below = save_png ("(vector-ref (cadr layers) 1)", below, TRUE);
  g_autofree char *command = g_strdup_printf (
    "%s (let* ((layers (gimp-image-get-layers img)))"
    "  (gimp-message (string-append \"layers=\" (number->string (car layers))"
    "   \" name=\" (car (gimp-item-get-name (vector-ref (cadr layers) 0))) \" end\"))"
    "  %s %s) %s",
    call, save_top, save_below, then);
  return run_on_file (g, input, command);
}

/* The image GIMP saved at @saved holds the pixels of the file @original, exactly: the layer was left as it was. */
static void
assert_untouched (const char *original, const char *saved, const char *log)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) before = atelier_image_load (original, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierImage) after = atelier_image_load (saved, &error);
  if (after == NULL)
    g_error ("GIMP wrote no result: %s\n%s", error->message, log);
  g_assert_true (atelier_tensor_same_shape (before->pixels, after->pixels));
  g_assert_cmpfloat (test_max_abs_diff (before->pixels, after->pixels), ==, 0.0f);
}

/* The image GIMP saved at @path; the test fails with GIMP's @log when there is none. */
static AtelierImage *
load_result (const char *path, const char *log)
{
  g_autoptr (GError) error = NULL;
  AtelierImage *image = atelier_image_load (path, &error);
  if (image == NULL)
    g_error ("GIMP wrote no result: %s\n%s", error->message, log);
  return image;
}

/* The engine's output of filter @name with @values on @pixels (and @selection), as the command line computes it. */
static AtelierFilterOutput *
engine_run (const AtelierFilterValues *values, const AtelierTensor *pixels, const AtelierTensor *selection)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilter) filter = atelier_filter_new (values->info);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const AtelierFilterInput in = { pixels, selection, FALSE, NULL };
  AtelierFilterOutput *out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  return out;
}

static AtelierImage *
engine_upscale (const char *path, int scale, const char *model)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) input = atelier_image_load (path, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("upscale"));
  g_assert_true (atelier_filter_values_set (values, "scale", scale, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "model", model, &error));
  g_autoptr (AtelierFilterOutput) out = engine_run (values, input->pixels, NULL);
  return atelier_image_new (g_steal_pointer (&out->pixels), input->bit_depth);
}

static const AtelierFilterPicture *
picture_named (const AtelierFilterOutput *out, const char *name)
{
  for (guint i = 0; i < out->pictures->len; i++)
    if (strcmp (((const AtelierFilterPicture *) out->pictures->pdata[i])->name, name) == 0)
      return out->pictures->pdata[i];
  g_error ("no picture \"%s\"", name);
}

/* Stands for every test where GIMP or the plug-in is missing. */
static void
skip_without_gimp (void)
{
  g_test_skip ("gimp-console-2.10 or the plug-in is not available");
}

/* The number GIMP printed after @key. */
static double
number_after (const char *log, const char *key)
{
  const char *at = strstr (log, key);
  if (at == NULL)
    g_error ("no \"%s\" in GIMP's output:\n%s", key, log);
  return g_ascii_strtod (at + strlen (key), NULL);
}

/* An 8-bit RGBA image in the test folder: the 3x2 test PNG enlarged to 24x16
 * by the engine itself. Returns its path. */
static char *
write_rgba8_input (const Gimp *g, const char *name)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autoptr (AtelierImage) small = engine_upscale (source, 8, "slim");
  char *path = g_build_filename (g->dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (small, path, 8, 90, &error));
  return path;
}

static void
check_matches_engine (const Gimp *g, const char *input, int scale, float tolerance)
{
  g_autofree char *out = g_build_filename (g->dir, "out.png", NULL);
  /* slim, active layer only, automatic tiles */
  g_autofree char *command = g_strdup_printf (
    "(plug-in-atelier-upscale RUN-NONINTERACTIVE img drw %d 0 0 0)"
    " (gimp-file-save RUN-NONINTERACTIVE img (car (gimp-image-get-active-drawable img)) \"%s\" \"%s\")",
    scale, out, out);
  g_autofree char *log = run_on_file (g, input, command);
  g_autoptr (AtelierImage) result = load_result (out, log);
  g_autoptr (AtelierImage) expected = engine_upscale (input, scale, "slim");
  g_assert_true (atelier_tensor_same_shape (result->pixels, expected->pixels));
  g_test_message ("%s x%d through GIMP: max diff to the engine %g", input, scale,
                  test_max_abs_diff (result->pixels, expected->pixels));
  g_assert_cmpfloat (test_max_abs_diff (result->pixels, expected->pixels), <=, tolerance);
}

static void
test_upscale_8bit_rgba (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_rgba8_input (g, "rgba8.png");
  check_matches_engine (g, input, 2, 1.0f / 255.0f);
}

static void
test_upscale_16bit_and_grey (Gimp *g, gconstpointer data)
{
  (void) data;
  /* 16 bits stay 16 bits: the tolerance is two 16-bit steps, not one 8-bit step. */
  g_autofree char *rgba16 = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  check_matches_engine (g, rgba16, 3, 2.0f / 65535.0f);
  g_autofree char *grey = g_test_build_filename (G_TEST_DIST, "data", "grey8.png", NULL);
  check_matches_engine (g, grey, 4, 1.0f / 255.0f);
}

/* A 32-bit float image keeps float precision: the 16-bit test PNG converted to float in GIMP, enlarged x3,
 * and every pixel of the result read back through the PDB as the drawable's raw float bytes. A trip through
 * 16 bits would differ from the engine by up to half a 16-bit step (7.6e-6). */
static void
test_upscale_32bit_float (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *command = g_strdup_printf (
    "(let* ( (out \"pixels:\"))"
    " (gimp-image-convert-precision img PRECISION-FLOAT-GAMMA)"
    " (plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 3 0 0 0)"
    " (gimp-message (string-append \"precision=\" (number->string (car (gimp-image-get-precision img)))))"
    " (do ((y 0 (+ y 1))) ((= y (car (gimp-drawable-height drw))))"
    "  (do ((x 0 (+ x 1))) ((= x (car (gimp-drawable-width drw))))"
    "   (let* ((pixel (gimp-drawable-get-pixel drw x y)))"
    "    (do ((i 0 (+ i 1))) ((= i (car pixel)))"
    "     (set! out (string-append out \" \" (number->string (vector-ref (cadr pixel) i))))))))"
    " (gimp-message (string-append out \" end\")))");
  g_autofree char *log = run_on_file (g, input, command);
  g_assert_cmpfloat (number_after (log, "precision="), ==, 650); /* GIMP_PRECISION_FLOAT_GAMMA */
  g_autoptr (AtelierImage) expected = engine_upscale (input, 3, "slim");
  const int64_t channels = expected->pixels->shape[1], h = expected->pixels->shape[2], w = expected->pixels->shape[3];
  g_assert_cmpint (channels, ==, 4);
  const char *at = strstr (log, "pixels:");
  g_assert_nonnull (at);
  g_auto (GStrv) bytes = g_strsplit (at + strlen ("pixels:"), " ", -1);
  /* Row-major pixels of four little-endian floats each (the drawable's "R'G'B'A float" format). */
  g_autoptr (GByteArray) raw = g_byte_array_new ();
  for (int i = 0; bytes[i] != NULL && strncmp (bytes[i], "end", 3) != 0; i++)
    if (bytes[i][0] != '\0')
      {
        const guint8 byte = (guint8) g_ascii_strtoull (bytes[i], NULL, 10);
        g_byte_array_append (raw, &byte, 1);
      }
  g_assert_cmpuint (raw->len, ==, (guint) (h * w * channels * sizeof (float)));
  float diff = 0.0f;
  for (int64_t i = 0; i < h * w; i++)
    for (int64_t c = 0; c < channels; c++)
      {
        float value;
        memcpy (&value, raw->data + (i * channels + c) * sizeof (float), sizeof value);
        diff = MAX (diff, fabsf (value - expected->pixels->data[c * h * w + i]));
      }
  g_test_message ("32-bit float layer vs the engine: %g", diff);
  g_assert_cmpfloat (diff, <=, 1e-6f);
}

/* Input GIMP has but the filter cannot take: an indexed image, and one whose enlargement would pass GIMP's
 * largest image (524288 pixels a side). Each is refused with its message and left as it was. */
static void
test_upscale_refuses_unfit_images (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *command = g_strdup_printf (
    "(let* ("
    " (wide (car (gimp-image-new 70000 1 RGB)))"
    " (strip (car (gimp-layer-new wide 70000 1 RGB-IMAGE \"strip\" 100 LAYER-MODE-NORMAL))))"
    " (gimp-image-convert-precision img PRECISION-U8-GAMMA)"
    " (gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 FALSE FALSE \"\")"
    " (catch #f (plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 2 0 0 0))"
    " (gimp-message (string-append \"indexed-width=\" (number->string (car (gimp-image-width img)))))"
    " (gimp-image-insert-layer wide strip 0 0)"
    " (catch #f (plug-in-atelier-upscale RUN-NONINTERACTIVE wide strip 8 0 0 0))"
    " (gimp-message (string-append \"wide-width=\" (number->string (car (gimp-image-width wide))))))");
  g_autofree char *log = run_on_file (g, input, command);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "indexed images are not supported"));
  g_assert_cmpfloat (number_after (log, "indexed-width="), ==, 3);
  g_assert_nonnull (strstr (log, "exceeds GIMP's largest image"));
  g_assert_cmpfloat (number_after (log, "wide-width="), ==, 70000);
}

/* Upscales a two-layer image (the layer and a copy of it underneath) and
 * saves the lower, non-active layer. */
static AtelierImage *
upscale_lower_layer (const Gimp *g, const char *input, int all_layers)
{
  g_autofree char *out = g_strdup_printf ("%s/lower-%d.png", g->dir, all_layers);
  g_autofree char *save = save_png ("lower", out, FALSE);
  g_autofree char *command = g_strdup_printf (
    "(let* ((lower (car (gimp-layer-copy drw TRUE))))"
    " (gimp-image-insert-layer img lower 0 1)"
    " (gimp-image-set-active-layer img drw)"
    " (plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 2 0 %d 0)"
    " %s)",
    all_layers, save);
  g_autofree char *log = run_on_file (g, input, command);
  return load_result (out, log);
}

static void
test_all_layers (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_rgba8_input (g, "layers.png");
  g_autoptr (AtelierImage) expected = engine_upscale (input, 2, "slim");
  g_autoptr (AtelierImage) with_all = upscale_lower_layer (g, input, 1);
  g_autoptr (AtelierImage) active_only = upscale_lower_layer (g, input, 0);
  g_assert_true (atelier_tensor_same_shape (with_all->pixels, expected->pixels));
  g_test_message ("lower layer vs engine: all layers %g, active only %g",
                  test_max_abs_diff (with_all->pixels, expected->pixels),
                  test_max_abs_diff (active_only->pixels, expected->pixels));
  g_assert_cmpfloat (test_max_abs_diff (with_all->pixels, expected->pixels), <=, 1.0f / 255.0f);
  /* Without the option the lower layer is interpolated by GIMP, not the network: 3.3 levels from the network's
   * result on this smooth image since the network's borders are no longer dark (measured), against at most 1
   * level for the layer the network did enlarge. */
  g_assert_cmpfloat (test_max_abs_diff (active_only->pixels, expected->pixels), >, 2.0f / 255.0f);
}

static void
test_bad_argument_leaves_image (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *out = g_build_filename (g->dir, "untouched.png", NULL);
  /* Scale 5 is refused (the failure is caught so the script goes on), then
   * the image is saved as it is. */
  g_autofree char *command = g_strdup_printf (
    "(let* ()"
    " (catch #f (plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 5 0 0 0))"
    " (gimp-file-save RUN-NONINTERACTIVE img (car (gimp-image-get-active-drawable img)) \"%s\" \"%s\"))",
    out, out);
  g_autofree char *log = run_on_file (g, input, command);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "error for procedure 'plug-in-atelier-upscale'"));
  g_assert_nonnull (strstr (log, "scale must be 2, 3, 4 or 8, not 5"));
  assert_untouched (input, out, log);
}

/* ---------------------------------------------------------------- cancel */

/* Whether process @pid was started with the argument @arg. */
static gboolean
has_argument (const char *pid, const char *arg)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "cmdline", NULL);
  g_autofree char *cmdline = NULL;
  gsize size = 0;
  if (!g_file_get_contents (path, &cmdline, &size, NULL))
    return FALSE;
  for (gsize at = 0; at < size; at += strlen (cmdline + at) + 1)
    if (strcmp (cmdline + at, arg) == 0)
      return TRUE;
  return FALSE;
}

/* The pid of a process named @name whose parent is @parent, running a procedure (not GIMP's query of a new
 * plug-in at start-up), or 0. */
static GPid
running_child (GPid parent, const char *name)
{
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  for (const char *entry = proc ? g_dir_read_name (proc) : NULL; entry != NULL; entry = g_dir_read_name (proc))
    {
      g_autofree char *stat_path = g_build_filename ("/proc", entry, "stat", NULL);
      g_autofree char *stat = NULL;
      if (!g_ascii_isdigit (entry[0]) || !g_file_get_contents (stat_path, &stat, NULL, NULL))
        continue;
      /* "pid (comm) state ppid ...": comm may hold spaces, so it is read between the first '(' and the last ')' */
      const char *open = strchr (stat, '('), *close = strrchr (stat, ')');
      if (open == NULL || close == NULL)
        continue;
      g_autofree char *comm = g_strndup (open + 1, close - open - 1);
      int ppid = 0;
      if (strcmp (comm, name) == 0 && sscanf (close + 2, "%*c %d", &ppid) == 1 && ppid == parent
          && has_argument (entry, "-run"))
        return (GPid) atoi (entry);
    }
  return 0;
}

/* GIMP 2.10 answers Cancel on a plug-in's progress by closing the plug-in with kill_it (gimpplugin-progress.c:
 * the call returns "Cancelled", the process gets SIGKILL), whatever it is doing; gimp-console has no Cancel
 * button, so the test does the same to the plug-in a second into a long upscale (thick x4 of 400x300). The image
 * must be as it was (one layer, its size, its pixels, not dirty: the plug-in writes only once its work is done)
 * and GIMP must go on: a slim x2 upscale of the same image afterwards, in 128-pixel tiles, doubles it, and each
 * of its progress updates (logged with GIMP's answer, G_MESSAGES_DEBUG) reaches GIMP, from 0 to 1 in steps. */
static void
test_cancel_kills_plugin_leaves_image (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = g_build_filename (g->dir, "photo.png", NULL);
  g_autoptr (AtelierImage) photo
    = atelier_image_new (test_random_tensor (4, (const int64_t[]) { 1, 3, 300, 400 }, 0.0f, 1.0f), 8);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (photo, input, 8, 90, &error));
  g_autofree char *saved = g_build_filename (g->dir, "after.png", NULL);
  g_autofree char *script = g_strdup_printf (
    "(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"%s\" \"%s\")))"
    " (drw (car (gimp-image-get-active-drawable img))))"
    " (gimp-image-clean-all img)"
    " (catch #f (plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 4 2 0 0))"
    " (gimp-message (string-append \"after-kill layers=\" (number->string (car (gimp-image-get-layers img)))"
    "  \" width=\" (number->string (car (gimp-image-width img)))"
    "  \" dirty=\" (number->string (car (gimp-image-is-dirty img))) \" end\"))"
    " (file-png-save2 RUN-NONINTERACTIVE img drw \"%s\" \"%s\" 0 9 0 0 0 0 0 0 0)"
    " (plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 2 0 0 128)"
    " (gimp-message (string-append \"next-run width=\" (number->string (car (gimp-image-width img))) \" end\")))",
    input, input, saved, saved);
  g_autofree char *log_path = g_build_filename (g->dir, "gimp.log", NULL);
  const int log_fd = g_open (log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (log_fd, >=, 0);
  const char *argv[] = { "gimp-console-2.10", "-i", "-b", script, "-b", "(gimp-quit 0)", NULL };
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "GIMP2_DIRECTORY", g->profile, TRUE);
  env = g_environ_setenv (env, "G_MESSAGES_DEBUG", "Atelier-Plugin", TRUE);
  GPid gimp = 0;
  g_assert_true (g_spawn_async_with_pipes_and_fds (NULL, argv, (const char *const *) env,
                                                   G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, -1,
                                                   log_fd, log_fd, NULL, NULL, 0, &gimp, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  close (log_fd);
  GPid plugin = 0;
  for (int i = 0; i < 6000 && plugin == 0; i++) /* a minute: GIMP starts slowly on a loaded machine */
    {
      g_usleep (10000);
      plugin = running_child (gimp, "atelier");
    }
  g_assert_cmpint (plugin, >, 0);
  g_usleep (G_USEC_PER_SEC);
  g_assert_cmpint (kill (plugin, SIGKILL), ==, 0);
  int status = 0;
  g_assert_cmpint (waitpid (gimp, &status, 0), ==, gimp);
  g_spawn_close_pid (gimp);
  g_autofree char *log = NULL;
  g_assert_true (g_file_get_contents (log_path, &log, NULL, NULL));
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "Plug-in crashed: \"atelier\"")); /* killed mid-run, not finished within 1 s */
  g_assert_nonnull (strstr (log, "error for procedure 'plug-in-atelier-upscale'"));
  g_assert_cmpfloat (number_after (log, "after-kill layers="), ==, 1);
  g_assert_cmpfloat (number_after (log, " width="), ==, 400);
  g_assert_cmpfloat (number_after (log, " dirty="), ==, 0);
  assert_untouched (input, saved, log);
  g_assert_cmpfloat (number_after (log, "next-run width="), ==, 800);
  const char *after = strstr (log, "after-kill");
  double last = -1.0;
  int updates = 0;
  for (const char *at = strstr (after, "progress "); at != NULL; at = strstr (at + 1, "progress "))
    {
      const double fraction = g_ascii_strtod (at + strlen ("progress "), NULL);
      g_assert_cmpfloat (fraction, >=, last);
      g_assert_true (g_str_has_prefix (strchr (at + strlen ("progress "), ' ') + 1, "taken by GIMP"));
      last = fraction;
      updates++;
    }
  g_test_message ("%d progress updates taken by GIMP after the kill, the last %.3f", updates, last);
  g_assert_cmpint (updates, >=, 12); /* 4x3 tiles */
  g_assert_cmpfloat (last, ==, 1.0);
}

/* ---------------------------------------------------------------- detect */

/* A 300x200 8-bit RGB image of uniform noise: large enough for the spectrum. */
static char *
write_noise_input (const Gimp *g)
{
  g_autoptr (AtelierTensor) pixels = test_random_4d (1, 3, 200, 300);
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&pixels), 8);
  char *path = g_build_filename (g->dir, "noise.png", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  return path;
}

/* A 300x300 smooth 8-bit image, whose upper chroma bands the rounding
 * fills: GIMP hands the plug-in its levels exactly, or they would not be
 * read off the pixels and the verdicts would differ. */
static char *
write_smooth_input (const Gimp *g)
{
  g_autoptr (AtelierTensor) waves = test_smooth_waves (300);
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&waves), 8);
  char *path = g_build_filename (g->dir, "smooth.png", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  return path;
}

static void
test_detect_matches_engine (Gimp *g, gconstpointer data)
{
  const gboolean smooth = GPOINTER_TO_INT (data);
  g_autofree char *input = smooth ? write_smooth_input (g) : write_noise_input (g);
  const int width = 300, height = smooth ? 300 : 200;
  g_autofree char *heat = g_build_filename (g->dir, "heat.png", NULL);
  g_autofree char *source = g_build_filename (g->dir, "source.png", NULL);
  g_autofree char *spectrum = g_build_filename (g->dir, "spectrum.png", NULL);
  /* The noise image opens its spectrum too, as a second image: the newest. */
  const gboolean open_spectrum = !smooth;
  g_autofree char *command = g_strdup_printf (
    "(let* ("
    " (r (plug-in-atelier-detect-ai RUN-NONINTERACTIVE img drw 0 1 %d))"
    " (layers (gimp-image-get-layers img))"
    " (images (gimp-image-list))"
    " (newest (vector-ref (cadr images) 0)))"
    " (gimp-message (string-append \"probability=\" (number->string (car r)) \" verdict=\" (cadr r)"
    "  \" layers=\" (number->string (car layers)) \" images=\" (number->string (car images))))"
    " (file-png-save2 RUN-NONINTERACTIVE img (vector-ref (cadr layers) 0) \"%s\" \"%s\" 0 9 0 0 0 0 0 0 0)"
    " (file-png-save2 RUN-NONINTERACTIVE img (vector-ref (cadr layers) 1) \"%s\" \"%s\" 0 9 0 0 0 0 0 0 0)"
    " (file-png-save2 RUN-NONINTERACTIVE newest (car (gimp-image-get-active-layer newest)) \"%s\" \"%s\" 0 9 0 0 0 0 0 0 0))",
    open_spectrum, heat, heat, source, source, spectrum, spectrum);
  g_autofree char *log = run_on_file (g, input, command);
  g_assert_cmpfloat (number_after (log, "images="), ==, open_spectrum ? 2 : 1);

  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_load (input, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("detect-ai"));
  g_assert_true (atelier_filter_values_set (values, "spectrum", open_spectrum, &error));
  g_autoptr (AtelierFilterOutput) expected = engine_run (values, image->pixels, NULL);
  gboolean rounding_corner = FALSE;
  const AtelierResultValue *conditions = atelier_filter_output_get (expected, "conditions");
  for (guint c = 0; conditions->texts != NULL && c < conditions->texts->len; c++)
    rounding_corner |= strcmp (conditions->texts->pdata[c], "rounding-corner") == 0;
  g_assert_cmpint (rounding_corner, ==, smooth);
  const double probability = number_after (log, "probability="), engine = atelier_filter_output_get (expected, "probability")->number;
  g_test_message ("GIMP: %g, engine: %g", probability, engine);
  g_assert_cmpfloat_with_epsilon (probability, engine, 1e-4);
  g_autofree char *verdict = g_strdup_printf ("verdict=%s ", atelier_filter_output_get (expected, "verdict")->text);
  g_assert_nonnull (strstr (log, verdict));
  g_assert_cmpfloat (number_after (log, "layers="), ==, 2);

  /* The heat map as the engine renders it, and the source layer untouched. */
  g_autoptr (AtelierImage) heat_map = atelier_image_load (heat, &error);
  g_assert_no_error (error);
  const AtelierTensor *expected_map = picture_named (expected, "heat-map")->pixels;
  g_assert_cmpint (expected_map->shape[2], ==, height);
  g_assert_cmpint (expected_map->shape[3], ==, width);
  g_assert_cmpfloat (test_max_abs_diff (heat_map->pixels, expected_map), <=, 1.0f / 255.0f);
  assert_untouched (input, source, log);
  if (!open_spectrum)
    return;
  g_autoptr (AtelierImage) opened = load_result (spectrum, log);
  const AtelierTensor *expected_spectrum = picture_named (expected, "spectrum")->pixels;
  g_assert_true (atelier_tensor_same_shape (opened->pixels, expected_spectrum));
  g_assert_cmpfloat (test_max_abs_diff (opened->pixels, expected_spectrum), <=, 1.0f / 255.0f);
}

static void
test_detect_refuses_tiny_image (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_rgba8_input (g, "tiny.png");
  g_autofree char *command = g_strdup_printf (
    "(let* ()"
    " (catch #f (plug-in-atelier-detect-ai RUN-NONINTERACTIVE img drw 0 1 0))"
    " (gimp-message (string-append \"layers=\" (number->string (car (gimp-image-get-layers img))))))");
  g_autofree char *log = run_on_file (g, input, command);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "error for procedure 'plug-in-atelier-detect-ai'"));
  g_assert_nonnull (strstr (log, "24x16 is too small to analyse"));
  g_assert_cmpfloat (number_after (log, "layers="), ==, 1);
}

/* A smooth 96x64 RGB picture (gradients and a disc), 8-bit: something for the model to continue. */
static char *
write_picture_input (const Gimp *g)
{
  const int64_t h = 64, w = 96;
  g_autoptr (AtelierTensor) pixels = atelier_tensor_new_4d (1, 3, h, w, NULL);
  for (int c = 0; c < 3; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        pixels->data[(c * h + y) * w + x] = (x - 60) * (x - 60) + (y - 30) * (y - 30) < 200
                                              ? 0.8f - 0.2f * c : 0.2f + 0.6f * x / w * (c == 2) + 0.3f * y / h;
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&pixels), 8);
  char *path = g_build_filename (g->dir, "picture.png", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  return path;
}

static void
test_inpaint_matches_engine (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_picture_input (g);
  g_autofree char *fill = g_build_filename (g->dir, "fill.png", NULL);
  g_autofree char *source = g_build_filename (g->dir, "source.png", NULL);
  /* steps 3, guidance 2.5, seed 7, DDIM, working size 128; the selection a 30x20 rectangle at (50, 22). */
  const char *call = "(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 50 22 30 20)"
                     " (plug-in-atelier-inpaint RUN-NONINTERACTIVE img drw 3 2.5 7 1 128 0 0 0 0 1 0)";
  g_autofree char *log = run_adding_layer (g, input, call, fill, source, "");
  g_assert_cmpfloat (number_after (log, "layers="), ==, 2);
  g_assert_nonnull (strstr (log, "name=Inpainted end"));

  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_load (input, &error);
  g_autoptr (AtelierImage) layer = atelier_image_load (fill, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("inpaint"));
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_assert_true (atelier_filter_values_set (values, "guidance", 2.5, &error));
  g_assert_true (atelier_filter_values_set (values, "seed", 7, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "sampler", "ddim", &error));
  g_assert_true (atelier_filter_values_set (values, "working-size", 128, &error));
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, 64, 96, &error);
  for (int y = 22; y < 42; y++)
    for (int x = 50; x < 80; x++)
      selection->data[y * 96 + x] = 1.0f;
  g_autoptr (AtelierFilterOutput) expected = engine_run (values, image->pixels, selection);

  /* The new layer: the engine's colours where selected (within an 8-bit step), transparent elsewhere. */
  g_assert_cmpint (atelier_image_channels (layer), ==, 4);
  const int64_t plane = 64 * 96;
  float colour_diff = 0;
  for (int64_t i = 0; i < plane; i++)
    {
      g_assert_cmpfloat (layer->pixels->data[3 * plane + i], ==, selection->data[i]);
      for (int c = 0; c < 3 && selection->data[i] > 0; c++)
        colour_diff = MAX (colour_diff, fabsf (layer->pixels->data[c * plane + i] - expected->pixels->data[c * plane + i]));
    }
  g_test_message ("inpainted layer vs engine: %g", colour_diff);
  g_assert_cmpfloat (colour_diff, <=, 0.5f / 255.0f + 1e-4f);
  assert_untouched (input, source, log);
}

static void
test_inpaint_refuses_empty_selection (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_picture_input (g);
  g_autofree char *command = g_strdup_printf (
    "(let* ()"
    " (catch #f (plug-in-atelier-inpaint RUN-NONINTERACTIVE img drw 3 2.5 7 0 128 0 0 0 0 1 0))"
    " (gimp-message (string-append \"layers=\" (number->string (car (gimp-image-get-layers img))))))");
  g_autofree char *log = run_on_file (g, input, command);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "error for procedure 'plug-in-atelier-inpaint'"));
  g_assert_nonnull (strstr (log, "the selection is empty"));
  g_assert_cmpfloat (number_after (log, "layers="), ==, 1);
}

/* A model directory searched before the real one, holding the U-Net's manifest beside a truncated copy of
 * its weights: the filter must fail with a message naming the file and leave the image as it was. */
static void
test_inpaint_corrupt_model_leaves_image (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *models = g_build_filename (g->dir, "models", NULL);
  g_assert_cmpint (g_mkdir_with_parents (models, 0755), ==, 0);
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "..", "models", "unet", "latent-unet.json", NULL);
  g_autofree char *weights = g_test_build_filename (G_TEST_DIST, "..", "models", "unet", "latent-unet.safetensors", NULL);
  g_autofree char *json = NULL, *blob = NULL;
  gsize json_size, blob_size;
  g_assert_true (g_file_get_contents (manifest, &json, &json_size, NULL));
  g_assert_true (g_file_get_contents (weights, &blob, &blob_size, NULL));
  g_autofree char *copy = g_build_filename (models, "latent-unet.json", NULL);
  g_autofree char *broken = g_build_filename (models, "latent-unet.safetensors", NULL);
  g_assert_true (g_file_set_contents (copy, json, (gssize) json_size, NULL));
  g_assert_true (g_file_set_contents (broken, blob, (gssize) (blob_size / 2), NULL));

  g_autofree char *input = write_picture_input (g);
  g_autofree char *saved = g_build_filename (g->dir, "after.png", NULL);
  g_autofree char *command = g_strdup_printf (
    "(let* ()"
    " (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 10 10 20 20)"
    " (catch #f (plug-in-atelier-inpaint RUN-NONINTERACTIVE img drw 3 2.5 7 0 128 0 0 0 0 1 0))"
    " (gimp-message (string-append \"layers=\" (number->string (car (gimp-image-get-layers img)))))"
    " (file-png-save2 RUN-NONINTERACTIVE img drw \"%s\" \"%s\" 0 9 0 0 0 0 0 0 0))",
    saved, saved);
  g_setenv ("ATELIER_MODEL_PATH", models, TRUE);
  g_autofree char *log = run_on_file (g, input, command);
  g_unsetenv ("ATELIER_MODEL_PATH");
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "error for procedure 'plug-in-atelier-inpaint'"));
  g_assert_nonnull (strstr (log, broken));
  g_assert_cmpfloat (number_after (log, "layers="), ==, 1);
  assert_untouched (input, saved, log);
}

/* A 16-bit layer smaller than the canvas, moved to (20, 12), with a selection that runs off its edge: the
 * fill layer takes the source layer's place and offsets, its alpha is the selection over the layer. */
static void
test_inpaint_offset_16bit_layer (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_picture_input (g);
  g_autofree char *fill = g_build_filename (g->dir, "fill.png", NULL);
  g_autofree char *command = g_strdup_printf (
    "(let* ()"
    " (gimp-image-convert-precision img PRECISION-U16-GAMMA)"
    " (gimp-image-resize img 130 90 0 0)"
    " (gimp-layer-set-offsets drw 20 12)"
    " (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 100 30 40 20)"
    " (plug-in-atelier-inpaint RUN-NONINTERACTIVE img drw 2 1.0 3 0 128 0 0 0 0 1 0)"
    " (let* ((top (vector-ref (cadr (gimp-image-get-layers img)) 0)) (offsets (gimp-drawable-offsets top)))"
    "  (gimp-message (string-append \"x=\" (number->string (car offsets)) \" y=\" (number->string (cadr offsets))"
    "   \" w=\" (number->string (car (gimp-drawable-width top)))))"
    "  (file-png-save2 RUN-NONINTERACTIVE img top \"%s\" \"%s\" 0 9 0 0 0 0 0 0 1)))",
    fill, fill);
  g_autofree char *log = run_on_file (g, input, command);
  g_assert_cmpfloat (number_after (log, "x="), ==, 20);
  g_assert_cmpfloat (number_after (log, "y="), ==, 12);
  g_assert_cmpfloat (number_after (log, "w="), ==, 96);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) layer = atelier_image_load (fill, &error);
  g_assert_no_error (error);
  g_assert_cmpint (layer->bit_depth, ==, 16);
  /* Canvas (100..140, 30..50) is layer (80..96, 18..38): the selection clipped by the layer's right edge. */
  const int64_t plane = 64 * 96;
  for (int64_t y = 0; y < 64; y++)
    for (int64_t x = 0; x < 96; x++)
      g_assert_cmpfloat (layer->pixels->data[3 * plane + y * 96 + x], ==, x >= 80 && y >= 18 && y < 38 ? 1.0f : 0.0f);
}

/* Three variations: three layers above the source, the first (on top) visible and named "Inpainted", the two
 * others hidden and named with their seeds (7 + k). */
static void
test_inpaint_variations (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_picture_input (g);
  const char *command =
    "(let* ()"
    " (gimp-image-select-rectangle img CHANNEL-OP-REPLACE 50 22 30 20)"
    " (plug-in-atelier-inpaint RUN-NONINTERACTIVE img drw 2 2.5 7 0 128 0 0 0 1 3 0)"
    " (let* ((layers (cadr (gimp-image-get-layers img))))"
    "  (gimp-message (string-append \"layers=\" (number->string (vector-length layers))"
    "   \" 0=\" (car (gimp-item-get-name (vector-ref layers 0)))"
    "   \" visible=\" (number->string (car (gimp-item-get-visible (vector-ref layers 0))))"
    "   \" 1=\" (car (gimp-item-get-name (vector-ref layers 1)))"
    "   \" visible=\" (number->string (car (gimp-item-get-visible (vector-ref layers 1))))"
    "   \" 2=\" (car (gimp-item-get-name (vector-ref layers 2)))"
    "   \" visible=\" (number->string (car (gimp-item-get-visible (vector-ref layers 2)))) \" end\"))))";
  g_autofree char *log = run_on_file (g, input, command);
  g_test_message ("%s", log);
  g_assert_cmpfloat (number_after (log, "layers="), ==, 4);
  g_assert_nonnull (strstr (log, "0=Inpainted visible=1 1=Inpainted #3 (seed 9) visible=0 "
                                 "2=Inpainted #2 (seed 8) visible=0 end"));
}

/* ------------------------------------------------------ extend canvas */

/* Extend Canvas to 1:1 on the 96x64 picture: the canvas becomes 96x96 with the source moved 16 down, under a
 * new "Extended" layer of the canvas's size whose rows 16..79 are the source's pixels exactly. */
static void
test_extend_canvas_square (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_picture_input (g);
  g_autofree char *top = g_build_filename (g->dir, "extended.png", NULL);
  g_autofree char *below = g_build_filename (g->dir, "source.png", NULL);
  const char *call = "(plug-in-atelier-extend-canvas RUN-NONINTERACTIVE img drw 0 0 0 0 0 3 2.0 7 0 128 0)";
  const char *then = "(let* ((layers (cadr (gimp-image-get-layers img))) (source (vector-ref layers 1)))"
                     " (gimp-message (string-append \"width=\" (number->string (car (gimp-image-width img)))"
                     "  \" height=\" (number->string (car (gimp-image-height img)))"
                     "  \" top-y=\" (number->string (cadr (gimp-drawable-offsets (vector-ref layers 0))))"
                     "  \" source-y=\" (number->string (cadr (gimp-drawable-offsets source))))))";
  g_autofree char *log = run_adding_layer (g, input, call, top, below, then);
  g_assert_cmpfloat (number_after (log, "layers="), ==, 2);
  g_assert_nonnull (strstr (log, "name=Extended end"));
  g_assert_cmpfloat (number_after (log, "width="), ==, 96);
  g_assert_cmpfloat (number_after (log, "height="), ==, 96);
  g_assert_cmpfloat (number_after (log, "top-y="), ==, 0);
  g_assert_cmpfloat (number_after (log, "source-y="), ==, 16);
  assert_untouched (input, below, log);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) source = atelier_image_load (input, &error);
  g_autoptr (AtelierImage) layer = load_result (top, log);
  g_assert_cmpint (atelier_image_height (layer), ==, 96);
  const int64_t plane = 96 * 96, source_plane = 64 * 96;
  for (int64_t c = 0; c < 3; c++)
    for (int64_t y = 0; y < 64; y++)
      for (int64_t x = 0; x < 96; x++)
        g_assert_cmpfloat (layer->pixels->data[c * plane + (y + 16) * 96 + x], ==,
                           source->pixels->data[c * source_plane + y * 96 + x]);
}

/* ------------------------------------------------------ plain background */

/* White is exactly white (255 in every channel, opaque), in a layer of its own above the source, which keeps
 * every pixel. A gradient through the PDB's COLOR arguments (run next, in the same GIMP, so it lands between
 * the white layer and the source) has the rows the engine computes, within rounding to 8 bits; its first row is
 * its top colour and its last row its bottom colour, exactly. */
static void
test_plain_background (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_rgba8_input (g, "source.png");
  g_autofree char *top = g_build_filename (g->dir, "top.png", NULL);
  g_autofree char *below = g_build_filename (g->dir, "below.png", NULL);
  g_autofree char *gradient = g_build_filename (g->dir, "gradient.png", NULL);
  g_autofree char *save_gradient = save_png ("(vector-ref (cadr (gimp-image-get-layers img)) 1)", gradient, TRUE);
  g_autofree char *then = g_strdup_printf (
    "(plug-in-atelier-plain-background RUN-NONINTERACTIVE img drw 2 '(255 128 0) '(0 0 255)) %s", save_gradient);
  const char *white_call = "(plug-in-atelier-plain-background RUN-NONINTERACTIVE img drw 0 '(0 0 0) '(0 0 0))";
  g_autofree char *log = run_adding_layer (g, input, white_call, top, below, then);
  g_assert_cmpfloat (number_after (log, "layers="), ==, 2);
  /* GIMP numbers the name: the loaded PNG's own layer is called Background too. */
  g_assert_nonnull (strstr (log, "name=Background #1 end"));
  g_autoptr (AtelierImage) white = load_result (top, log);
  g_assert_cmpint (atelier_image_channels (white), ==, 4);
  g_assert_cmpint (atelier_image_width (white), ==, 24);
  for (int64_t i = 0; i < atelier_tensor_numel (white->pixels); i++)
    g_assert_cmpfloat (white->pixels->data[i], ==, 1.0f);
  assert_untouched (input, below, log);

  g_autoptr (AtelierImage) layer = load_result (gradient, log);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) source = atelier_image_load (input, &error);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("plain-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "fill", "gradient", &error));
  g_assert_true (atelier_filter_values_set (values, "colour", 0xff8000, &error));
  g_assert_true (atelier_filter_values_set (values, "bottom-colour", 0x0000ff, &error));
  g_autoptr (AtelierFilterOutput) expected = engine_run (values, source->pixels, NULL);
  g_assert_true (atelier_tensor_same_shape (layer->pixels, expected->pixels));
  g_assert_cmpfloat (test_max_abs_diff (layer->pixels, expected->pixels), <=, 0.5f / 255.0f + 1e-6f);
  const int64_t h = 16, w = 24, plane = h * w;
  const float top_row[3] = { 1.0f, 128.0f / 255.0f, 0.0f }, bottom_row[3] = { 0.0f, 0.0f, 1.0f };
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat (layer->pixels->data[c * plane + 5], ==, top_row[c]);
      g_assert_cmpfloat (layer->pixels->data[c * plane + (h - 1) * w + 5], ==, bottom_row[c]);
    }
}

/* ------------------------------------------------------- Select Subject */

#define SUBJECT_H 96
#define SUBJECT_W 128

/* A disc on a texture, 8-bit RGB, in the test folder (or a flat grey when @flat). */
static char *
write_subject_input (const Gimp *g, gboolean flat)
{
  g_autoptr (AtelierTensor) pixels = test_subject_image (SUBJECT_H, SUBJECT_W);
  if (flat)
    atelier_tensor_fill (pixels, 0.5f);
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&pixels), 8);
  char *path = g_build_filename (g->dir, flat ? "flat.png" : "subject.png", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  return path;
}

/* Runs Select Subject (@mode, @layer_mask, the other parameters at their defaults) on @input after selecting a
 * 10x10 square at the top left, then prints the layer mask's id and the number and first name of the channels,
 * saves the selection as the alpha of a white layer to @selection and the source layer to @source, and prints the
 * mask's mean (0..255). */
static char *
run_select_subject (const Gimp *g, const char *input, int mode, gboolean layer_mask, const char *selection,
                    const char *source)
{
  g_autofree char *save_selection = save_png ("sel", selection, FALSE);
  g_autofree char *save_source = save_png ("drw", source, FALSE);
  g_autofree char *command = g_strdup_printf (
    "(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 10 10)"
    " (catch #f (plug-in-atelier-select-subject RUN-NONINTERACTIVE img drw %d %d 1 1.0 0 0 1 0))"
    " (let* ((mask (car (gimp-layer-get-mask drw)))"
    "        (sel (car (gimp-layer-new img %d %d RGBA-IMAGE \"sel\" 100 LAYER-MODE-NORMAL))))"
    "  (gimp-message (string-append \"mask=\" (number->string mask) \" channels=\""
    "   (number->string (car (gimp-image-get-channels img))) \" channel=\""
    "   (if (> (car (gimp-image-get-channels img)) 0)"
    "       (car (gimp-item-get-name (vector-ref (cadr (gimp-image-get-channels img)) 0))) \"none\") \" end\"))"
    "  %s"
    "  (gimp-image-insert-layer img sel 0 0)"
    "  (gimp-context-set-foreground '(255 255 255))"
    "  (gimp-drawable-edit-fill sel FILL-FOREGROUND)"
    "  %s"
    /* The histogram counts only what is selected. */
    "  (gimp-selection-none img)"
    "  (if (> mask 0) (gimp-message (string-append \"mask-mean=\""
    "   (number->string (car (gimp-drawable-histogram mask HISTOGRAM-VALUE 0 1))) \" end\"))))",
    mode, layer_mask, SUBJECT_W, SUBJECT_H, save_source, save_selection);
  return run_on_file (g, input, command);
}

/* The mean of @t's values, each sRGB-encoded: what the PDB's histogram, which reads a drawable in perceptual
 * terms, reports for a layer mask (kept in linear light) holding @t. */
static double
encoded_mean_of (const AtelierTensor *t)
{
  double sum = 0.0;
  for (gint64 i = 0; i < atelier_tensor_numel (t); i++)
    {
      const double v = t->data[i];
      sum += v <= 0.0031308 ? 12.92 * v : 1.055 * pow (v, 1.0 / 2.4) - 0.055;
    }
  return sum / (double) atelier_tensor_numel (t);
}

/* Replace (with a layer mask) and add: the selection is the engine's matte within an 8-bit step (or the square
 * united with it), the layer's pixels are unchanged, and the mask is the matte. */
static void
test_select_subject_modes (Gimp *g, gconstpointer data)
{
  (void) data;
  if (!test_isnet_ready ())
    return;
  g_autofree char *input = write_subject_input (g, FALSE);
  g_autofree char *selection = g_build_filename (g->dir, "selection.png", NULL);
  g_autofree char *source = g_build_filename (g->dir, "source.png", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_load (input, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("select-subject"));
  g_autoptr (AtelierFilterOutput) expected = engine_run (values, image->pixels, NULL);
  const AtelierTensor *matte = expected->pixels;
  const gint64 plane = SUBJECT_H * SUBJECT_W;

  for (int mode = 0; mode < 2; mode++) /* replace (with a layer mask), add */
    {
      g_autofree char *log = run_select_subject (g, input, mode, mode == 0, selection, source);
      g_test_message ("%s", log);
      g_assert_null (strstr (log, "execution error"));
      g_autoptr (AtelierImage) selected = load_result (selection, log);
      g_assert_cmpint (atelier_image_channels (selected), ==, 4);
      float worst = 0.0f;
      for (gint64 i = 0; i < plane; i++)
        {
          const gboolean in_square = i / SUBJECT_W < 10 && i % SUBJECT_W < 10;
          const float want = mode == 1 && in_square ? 1.0f : matte->data[i];
          worst = MAX (worst, fabsf (selected->pixels->data[3 * plane + i] - want));
        }
      g_test_message ("mode %d: selection vs engine matte %g", mode, worst);
      g_assert_cmpfloat (worst, <=, 1.0f / 255.0f + 1e-6f);
      assert_untouched (input, source, log);
      g_assert_cmpfloat (number_after (log, "channels="), ==, 1); /* the matte, kept */
      g_assert_nonnull (strstr (log, "channel=Select Subject end"));
      if (mode == 0)
        {
          g_assert_cmpfloat (number_after (log, "mask="), >, 0);
          g_assert_cmpfloat (fabs (number_after (log, "mask-mean=") / 255.0 - encoded_mean_of (matte)), <=, 1.0 / 255.0);
        }
      else
        g_assert_cmpfloat (number_after (log, "mask="), ==, -1);
    }
}

/* Nothing to select in a flat image: a message, the selection as it was (the square), nothing added. */
static void
test_select_subject_nothing_found (Gimp *g, gconstpointer data)
{
  (void) data;
  if (!test_isnet_ready ())
    return;
  g_autofree char *input = write_subject_input (g, TRUE);
  g_autofree char *selection = g_build_filename (g->dir, "selection.png", NULL);
  g_autofree char *source = g_build_filename (g->dir, "source.png", NULL);
  g_autofree char *log = run_select_subject (g, input, 0, TRUE, selection, source);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "no subject found"));
  g_assert_cmpfloat (number_after (log, "mask="), ==, -1);
  g_assert_cmpfloat (number_after (log, "channels="), ==, 0);
  g_autoptr (AtelierImage) selected = load_result (selection, log);
  const gint64 plane = SUBJECT_H * SUBJECT_W;
  for (gint64 i = 0; i < plane; i++)
    g_assert_cmpfloat (selected->pixels->data[3 * plane + i], ==, i / SUBJECT_W < 10 && i % SUBJECT_W < 10 ? 1.0f : 0.0f);
  assert_untouched (input, source, log);
}

/* ---------------------------------------------------- replace background */

/* The Replace Background call with the studio sweep in (230, 230, 230), the default shadow and subject settings. */
#define REPLACE_BACKGROUND_STUDIO \
  "(plug-in-atelier-replace-background RUN-NONINTERACTIVE img drw 3 '(230 230 230) '(200 200 200) 0.4 12 2 1 1.0 0 0 1 0" \
  " 0.0 0.0 0.0 0 2000 2000 0.0 0 0 0 0.0 0 20 2.0 0 0 0 0)"

/* Script-Fu that prints every layer of img from the top: "[NAME,VISIBLE,mask|nomask,PARASITES]...", then " end",
 * PARASITES the number of "atelier-settings" parasites on it (0 or 1), and the subject layer's settings. */
static const char *const describe_layers =
  "(let* ((layers (gimp-image-get-layers img)) (text \"layers=\"))"
  " (do ((i 0 (+ i 1))) ((= i (car layers)))"
  "  (let* ((l (vector-ref (cadr layers) i)) (parasites (gimp-item-get-parasite-list l)))"
  "   (set! text (string-append text \"[\" (car (gimp-item-get-name l)) \",\""
  "    (number->string (car (gimp-item-get-visible l))) \",\" (if (> (car (gimp-layer-get-mask l)) 0) \"mask\" \"nomask\")"
  "    \",\" (number->string (length (filter-settings (cadr parasites)))) \"]\"))))"
  " (gimp-message (string-append text \" end\")))";

/* What every Replace Background test in GIMP prints: the layers (describe_layers), and when the top layer has
 * settings, "settings=JSON end". */
static char *
replace_background_script (const char *before, const char *call, const char *after)
{
  return g_strdup_printf (
    "(define (filter-settings names) (cond ((null? names) '()) ((string=? (car names) \"atelier-settings\")"
    "  (cons (car names) (filter-settings (cdr names)))) (else (filter-settings (cdr names)))))"
    " %s (catch #f %s) %s"
    " (let* ((top (vector-ref (cadr (gimp-image-get-layers img)) 0)))"
    "  (if (> (car (gimp-item-get-parasite-list top)) 0)"
    "   (gimp-message (string-append \"settings=\" (caddr (car (gimp-item-get-parasite top \"atelier-settings\"))) \" end\"))))"
    " %s",
    before, call, describe_layers, after);
}

/* The text GIMP printed between @key and the next " end". */
static char *
text_after (const char *log, const char *key)
{
  const char *at = strstr (log, key);
  if (at == NULL)
    g_error ("no \"%s\" in GIMP's output:\n%s", key, log);
  at += strlen (key);
  const char *end = strstr (at, " end");
  g_assert_nonnull (end);
  return g_strndup (at, end - at);
}

/* Script-Fu that saves the layers from the top (subject, shadow, background, source), then the visible layers
 * merged (what GIMP shows), as PNGs layer-NAME.png in @dir. */
static char *
save_replace_background_layers (const char *dir)
{
  GString *s = g_string_new ("(let* ((v (cadr (gimp-image-get-layers img))))");
  const char *names[] = { "subject", "shadow", "background", "source" };
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *layer = g_strdup_printf ("(vector-ref v %d)", i);
      g_autofree char *path = g_strdup_printf ("%s/layer-%s.png", dir, names[i]);
      g_autofree char *save = save_png (layer, path, TRUE);
      g_string_append_printf (s, " %s", save);
    }
  g_autofree char *composite_path = g_strdup_printf ("%s/layer-composite.png", dir);
  g_autofree char *save_composite = save_png ("(car (gimp-image-merge-visible-layers img CLIP-TO-IMAGE))",
                                              composite_path, FALSE);
  g_string_append_printf (s, " %s)", save_composite);
  return g_string_free (s, FALSE);
}

static AtelierImage *
load_from (const char *dir, const char *name, const char *log)
{
  g_autofree char *path = g_strdup_printf ("%s/layer-%s.png", dir, name);
  return load_result (path, log);
}

/* The layers GIMP made against the engine's pictures: each layer within rounding to 8 bits, the subject the
 * source's own values wherever its mask is 1 (at least @min_kept pixels), the source untouched, and what GIMP
 * shows (its own compositing of the 8-bit layers, through the mask) the engine's composite, the command line's
 * output, within two 8-bit steps (the layers' rounding, then the composite's). */
static void
assert_layers_match_engine (const Gimp *g, const char *input, const AtelierFilterOutput *expected, gint64 min_kept,
                            const char *log)
{
  g_autofree char *source_path = g_strdup_printf ("%s/layer-source.png", g->dir);
  assert_untouched (input, source_path, log);
  g_autoptr (AtelierImage) source = load_result (input, log);
  g_autoptr (AtelierImage) background = load_from (g->dir, "background", log);
  g_autoptr (AtelierImage) shadow = load_from (g->dir, "shadow", log);
  g_autoptr (AtelierImage) subject = load_from (g->dir, "subject", log);
  g_autoptr (AtelierImage) shown = load_from (g->dir, "composite", log);
  const AtelierFilterPicture *pictures[3];
  for (int i = 0; i < 3; i++)
    pictures[i] = expected->pictures->pdata[i];
  const float step = 0.5f / 255.0f + 1e-6f;
  g_assert_cmpfloat (test_max_abs_diff (background->pixels, pictures[0]->pixels), <=, step);
  g_assert_cmpfloat (test_max_abs_diff (shadow->pixels, pictures[1]->pixels), <=, step);
  g_autoptr (AtelierTensor) composite = atelier_filter_output_composite (expected, source->pixels, NULL);
  g_autoptr (AtelierTensor) shown_colour = atelier_planes_colour (shown->pixels, NULL);
  g_test_message ("GIMP's composite vs the engine's: %g", test_max_abs_diff (shown_colour, composite));
  g_assert_cmpfloat (test_max_abs_diff (shown_colour, composite), <=, 2.0f / 255.0f);
  const gint64 plane = atelier_tensor_numel (pictures[2]->mask);
  gint64 kept = 0;
  for (gint64 i = 0; i < plane; i++)
    if (pictures[2]->mask->data[i] == 1.0f)
      {
        for (int c = 0; c < 3; c++)
          g_assert_cmpfloat (subject->pixels->data[c * plane + i], ==, source->pixels->data[c * plane + i]);
        kept++;
      }
  g_test_message ("subject pixels kept bit for bit: %" G_GINT64_FORMAT, kept);
  g_assert_cmpint (kept, >=, min_kept);
}

/* No selection: the subject is found, and the result is three layers above the source, which is hidden and
 * keeps every pixel: Background (GIMP numbers the name, the loaded PNG's layer being called Background), Shadow
 * and Subject with the matte as its mask, each with the settings; the layers are the engine's within rounding to
 * 8 bits, and the subject layer the source's own values wherever its mask is 1. (One undo group cannot be
 * observed through GIMP 2.10's PDB, which has no undo procedure.) */
static void
test_replace_background (Gimp *g, gconstpointer data)
{
  (void) data;
  if (!test_isnet_ready ())
    return;
  g_autofree char *input = write_subject_input (g, FALSE);
  g_autofree char *save = save_replace_background_layers (g->dir);
  g_autofree char *script = replace_background_script ("", REPLACE_BACKGROUND_STUDIO, save);
  g_autofree char *log = run_on_file (g, input, script);
  g_test_message ("%s", log);
  g_assert_null (strstr (log, "execution error"));
  g_autofree char *layers = text_after (log, "layers=");
  g_assert_cmpstr (layers, ==, "[Subject,1,mask,1][Shadow,1,nomask,1][Background #1,1,nomask,1][Background,0,nomask,0]");

  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) source = atelier_image_load (input, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", &error));
  g_assert_true (atelier_filter_values_set (values, "colour", 0xe6e6e6, &error));
  g_autoptr (AtelierFilterOutput) expected = engine_run (values, source->pixels, NULL);
  g_autofree char *settings = text_after (log, "settings=");
  g_assert_cmpstr (settings, ==, expected->settings);
  g_assert_nonnull (strstr (settings, "\"background\":\"studio\""));
  g_assert_nonnull (strstr (settings, "\"name\":\"isnet-medium\""));
  assert_layers_match_engine (g, input, expected, SUBJECT_H * SUBJECT_W / 8, log);
}

/* Script-Fu that saves the selection as the alpha of a white layer, as the PNG @path, then removes that layer
 * again. */
static char *
save_selection_png (const char *path)
{
  g_autofree char *save = save_png ("sel", path, FALSE);
  return g_strdup_printf (
    "(let* ((sel (car (gimp-layer-new img %d %d RGBA-IMAGE \"sel\" 100 LAYER-MODE-NORMAL))))"
    " (gimp-image-insert-layer img sel 0 0) (gimp-context-set-foreground '(255 255 255))"
    " (gimp-drawable-edit-fill sel FILL-FOREGROUND) %s (gimp-image-remove-layer img sel)"
    " (gimp-image-set-active-layer img drw))",
    SUBJECT_W, SUBJECT_H, save);
}

/* Script-Fu that selects an ellipse inside the subject image and saves that selection as @path. */
static char *
select_ellipse (const char *path)
{
  g_autofree char *save = save_selection_png (path);
  return g_strdup_printf ("(gimp-image-select-ellipse img CHANNEL-OP-REPLACE 30 20 60 50) %s", save);
}

/* An elliptic selection is the subject, no model involved: the mask is the selection, the settings name no
 * model. */
static void
test_replace_background_selection (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_subject_input (g, FALSE);
  g_autofree char *save = save_replace_background_layers (g->dir);
  g_autofree char *selection_path = g_strdup_printf ("%s/selection.png", g->dir);
  g_autofree char *before = select_ellipse (selection_path);
  g_autofree char *script = replace_background_script (before, REPLACE_BACKGROUND_STUDIO, save);
  g_autofree char *log = run_on_file (g, input, script);
  g_test_message ("%s", log);
  g_assert_null (strstr (log, "execution error"));
  g_autofree char *layers = text_after (log, "layers=");
  g_assert_cmpstr (layers, ==, "[Subject,1,mask,1][Shadow,1,nomask,1][Background #1,1,nomask,1][Background,0,nomask,0]");
  g_autofree char *settings = text_after (log, "settings=");
  g_assert_nonnull (strstr (settings, "\"models\":[]"));

  g_autoptr (AtelierImage) source = load_result (input, log);
  g_autoptr (AtelierImage) selected = load_result (selection_path, log);
  g_autoptr (AtelierTensor) selection = atelier_planes_alpha_view (selected->pixels);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", &error));
  g_assert_true (atelier_filter_values_set (values, "colour", 0xe6e6e6, &error));
  g_autoptr (AtelierFilterOutput) expected = engine_run (values, source->pixels, selection);
  g_autofree char *expected_settings = g_strdup (expected->settings);
  g_assert_cmpstr (settings, ==, expected_settings);
  /* The ellipse's inside, about pi/4 of its 60x50 box, is kept. */
  assert_layers_match_engine (g, input, expected, 2000, log);
}

/* The settings regenerate a result whose subject was a selection: the run keeps the selection as the channel the
 * settings name ("subject_channel"), holding the selection exactly; that channel loaded as the selection and the
 * filter run again on the source with the same values gives the same subject and shadow layers, bit for bit, and
 * the same settings. */
static void
test_replace_background_regenerate (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_subject_input (g, FALSE);
  g_autofree char *first_path = g_strdup_printf ("%s/selection.png", g->dir);
  g_autofree char *again_path = g_strdup_printf ("%s/selection-again.png", g->dir);
  g_autofree char *save_again = save_selection_png (again_path);
  g_autofree char *before = select_ellipse (first_path);
  const char *layers = "(cadr (gimp-image-get-layers img))";
  g_autofree char *new_subject = g_strdup_printf ("(vector-ref %s 0)", layers);
  g_autofree char *new_shadow = g_strdup_printf ("(vector-ref %s 1)", layers);
  g_autofree char *old_subject = g_strdup_printf ("(vector-ref %s 3)", layers);
  g_autofree char *old_shadow = g_strdup_printf ("(vector-ref %s 4)", layers);
  char *paths[4];
  const char *names[4] = { "new-subject", "new-shadow", "old-subject", "old-shadow" };
  for (int i = 0; i < 4; i++)
    paths[i] = g_strdup_printf ("%s/%s.png", g->dir, names[i]);
  g_autofree char *save_new_subject = save_png (new_subject, paths[0], TRUE);
  g_autofree char *save_new_shadow = save_png (new_shadow, paths[1], TRUE);
  g_autofree char *save_old_subject = save_png (old_subject, paths[2], TRUE);
  g_autofree char *save_old_shadow = save_png (old_shadow, paths[3], TRUE);
  /* From the settings alone: the channel they name becomes the selection, and the same call runs on the source. */
  g_autofree char *after = g_strdup_printf (
    "(gimp-selection-none img)"
    " (let* ((settings (caddr (car (gimp-item-get-parasite (vector-ref %s 0) \"atelier-settings\"))))"
    "        (ch (car (gimp-image-get-channel-by-name img \"Replace Background subject\"))))"
    "  (gimp-message (string-append \"first=\" settings \" end\"))"
    "  (gimp-image-select-item img CHANNEL-OP-REPLACE ch))"
    " %s (catch #f %s)"
    " (gimp-message (string-append \"again=\""
    "  (caddr (car (gimp-item-get-parasite (vector-ref %s 0) \"atelier-settings\"))) \" end\"))"
    " %s %s %s %s",
    layers, save_again, REPLACE_BACKGROUND_STUDIO, layers, save_new_subject, save_new_shadow, save_old_subject,
    save_old_shadow);
  g_autofree char *script = replace_background_script (before, REPLACE_BACKGROUND_STUDIO, after);
  g_autofree char *log = run_on_file (g, input, script);
  g_test_message ("%s", log);
  g_assert_null (strstr (log, "execution error"));
  g_autofree char *first = text_after (log, "first=");
  g_autofree char *again = text_after (log, "again=");
  g_assert_nonnull (strstr (first, "\"subject_channel\":\"Replace Background subject\""));
  g_assert_cmpstr (first, ==, again);
  g_autoptr (AtelierImage) selection = load_result (first_path, log);
  g_autoptr (AtelierImage) reloaded = load_result (again_path, log);
  g_assert_cmpfloat (test_max_abs_diff (selection->pixels, reloaded->pixels), ==, 0.0f);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (AtelierImage) made = load_result (paths[i], log);
      g_autoptr (AtelierImage) remade = load_result (paths[i + 2], log);
      g_assert_true (atelier_tensor_same_shape (made->pixels, remade->pixels));
      g_assert_cmpfloat (test_max_abs_diff (made->pixels, remade->pixels), ==, 0.0f);
    }
  for (int i = 0; i < 4; i++)
    g_free (paths[i]);
}

/* Input the filter cannot use, each refused with its message and the image left as it was (one layer, visible):
 * a flat image where no subject is found, the whole image selected, an indexed image, and a 1x1 image (no
 * subject can be told from its background). */
static void
test_replace_background_bad_input (Gimp *g, gconstpointer data)
{
  (void) data;
  if (!test_isnet_ready ())
    return;
  g_autofree char *flat = write_subject_input (g, TRUE);
  g_autofree char *subject = write_subject_input (g, FALSE);
  g_autofree char *source = g_build_filename (g->dir, "source.png", NULL);
  g_autofree char *save_source = save_png ("drw", source, FALSE);
  const struct
  {
    const char *input, *before, *message;
  } cases[] = {
    { flat, "", "no subject found" },
    { subject, "(gimp-selection-all img)", "the whole image is selected" },
    { subject, "(gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 FALSE FALSE \"\")",
      "indexed images are not supported" },
    { subject, "(gimp-image-scale img 1 1)", "no subject found" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *script = replace_background_script (cases[i].before, REPLACE_BACKGROUND_STUDIO,
                                                           i == 0 ? save_source : "");
      g_autofree char *log = run_on_file (g, cases[i].input, script);
      g_test_message ("%s", log);
      g_assert_nonnull (strstr (log, "error for procedure 'plug-in-atelier-replace-background'"));
      g_assert_nonnull (strstr (log, cases[i].message));
      g_autofree char *layers = text_after (log, "layers=");
      g_assert_cmpstr (layers, ==, "[Background,1,nomask,0]");
      if (i == 0)
        assert_untouched (cases[i].input, source, log);
    }
}

/* tools/gimp/atelier-replace-background-folder.scm over a folder of two PNGs and a JPEG (of different sizes), a
 * note and a broken PNG: the broken file is reported and the rest go on; each image's PNG is the engine's
 * composite with the default settings (GIMP's last values in a fresh profile) within two 8-bit steps (six for the
 * JPEG, which GIMP decodes itself); each has its XCF. */
static void
test_replace_background_folder_script (Gimp *g, gconstpointer data)
{
  (void) data;
  if (!test_isnet_ready ())
    return;
  g_autofree char *in = g_build_filename (g->dir, "in", NULL), *out = g_build_filename (g->dir, "out", NULL);
  g_assert_cmpint (g_mkdir (in, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (out, 0755), ==, 0);
  const char *names[] = { "disc.png", "small.png", "photo.jpg" };
  const gint64 sizes[][2] = { { SUBJECT_H, SUBJECT_W }, { 80, 100 }, { SUBJECT_H, SUBJECT_W } };
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (AtelierImage) image = atelier_image_new (test_subject_image (sizes[i][0], sizes[i][1]), 8);
      g_autofree char *path = g_build_filename (in, names[i], NULL);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_image_save (image, path, 8, 95, &error));
    }
  g_autofree char *note = g_build_filename (in, "notes.txt", NULL), *broken = g_build_filename (in, "broken.png", NULL);
  g_assert_true (g_file_set_contents (note, "not an image", -1, NULL));
  g_assert_true (g_file_set_contents (broken, "\x89PNG broken", -1, NULL));
  g_autofree char *tool = g_test_build_filename (G_TEST_DIST, "..", "tools", "gimp", "atelier-replace-background-folder.scm",
                                                 NULL);
  g_autofree char *script = g_strdup_printf ("(begin (load \"%s\") (atelier-replace-background-folder \"%s\" \"%s\" '() 1))",
                                             tool, in, out);
  g_autofree char *log = run_script (g, script);
  g_test_message ("%s", log);
  g_assert_nonnull (strstr (log, "atelier: 3 of 4 files done, 1 failed"));
  g_assert_nonnull (strstr (log, "broken.png failed"));

  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *input = g_build_filename (in, names[i], NULL);
      g_autofree char *stem = g_strndup (names[i], strchr (names[i], '.') - names[i]);
      g_autofree char *png = g_strdup_printf ("%s/%s.png", out, stem), *xcf = g_strdup_printf ("%s/%s.xcf", out, stem);
      g_assert_true (g_file_test (xcf, G_FILE_TEST_IS_REGULAR));
      g_autoptr (AtelierImage) source = load_result (input, log);
      g_autoptr (AtelierImage) result = load_result (png, log);
      g_autoptr (AtelierFilterOutput) expected = engine_run (values, source->pixels, NULL);
      g_autoptr (AtelierTensor) composite = atelier_filter_output_composite (expected, source->pixels, NULL);
      g_autoptr (AtelierTensor) colour = atelier_planes_colour (result->pixels, NULL);
      g_test_message ("%s: GIMP's result vs the engine's composite %g", names[i], test_max_abs_diff (colour, composite));
      /* GIMP decodes the JPEG with its own libjpeg settings (4.2/255 from ours measured). */
      g_assert_cmpfloat (test_max_abs_diff (colour, composite), <=, (g_str_has_suffix (input, ".jpg") ? 6.0f : 2.0f) / 255.0f);
    }
}

/* GIMP's own export writes what the filter recorded in the image's metadata: the Digital Source Type and a
 * history event naming the filter and its settings. */
static void
test_provenance_in_export (Gimp *g, gconstpointer data)
{
  (void) data;
  g_autofree char *input = write_picture_input (g);
  g_autofree char *exported = g_build_filename (g->dir, "exported.png", NULL);
  g_autofree char *command = g_strdup_printf (
    "(plug-in-atelier-upscale RUN-NONINTERACTIVE img drw 2 0 0 0)"
    " (file-png-save-defaults RUN-NONINTERACTIVE img (car (gimp-image-get-active-drawable img)) \"%s\" \"%s\")",
    exported, exported);
  g_autofree char *log = run_on_file (g, input, command);
  g_autoptr (GExiv2Metadata) metadata = gexiv2_metadata_new ();
  g_autoptr (GError) error = NULL;
  if (!gexiv2_metadata_open_path (metadata, exported, &error))
    g_error ("GIMP exported nothing readable: %s\n%s", error->message, log);
  g_autofree char *source = gexiv2_metadata_try_get_tag_string (metadata, "Xmp.iptcExt.DigitalSourceType", &error);
  g_assert_cmpstr (source, ==, "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicallyEnhanced");
  gboolean found = FALSE;
  for (int i = 1; i <= 4 && !found; i++)
    {
      g_autofree char *tag = g_strdup_printf ("Xmp.xmpMM.History[%d]/stEvt:parameters", i);
      g_autofree char *parameters = gexiv2_metadata_try_has_tag (metadata, tag, NULL)
                                      ? gexiv2_metadata_try_get_tag_string (metadata, tag, &error) : NULL;
      found = parameters != NULL && g_str_has_prefix (parameters, "upscale: scale 2, model slim");
    }
  g_assert_true (found);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (!gimp_available ())
    {
      g_test_add_func ("/gimp/skipped", skip_without_gimp);
      return g_test_run ();
    }
  g_test_add ("/gimp/upscale/8bit-rgba", Gimp, NULL, gimp_setup, test_upscale_8bit_rgba, gimp_teardown);
  g_test_add ("/gimp/upscale/16bit-and-grey", Gimp, NULL, gimp_setup, test_upscale_16bit_and_grey, gimp_teardown);
  g_test_add ("/gimp/upscale/32bit-float", Gimp, NULL, gimp_setup, test_upscale_32bit_float, gimp_teardown);
  g_test_add ("/gimp/upscale/refuses-unfit-images", Gimp, NULL, gimp_setup, test_upscale_refuses_unfit_images,
              gimp_teardown);
  g_test_add ("/gimp/upscale/all-layers", Gimp, NULL, gimp_setup, test_all_layers, gimp_teardown);
  g_test_add ("/gimp/upscale/bad-argument-leaves-image", Gimp, NULL, gimp_setup, test_bad_argument_leaves_image, gimp_teardown);
  g_test_add ("/gimp/cancel/killed-plugin-leaves-image", Gimp, NULL, gimp_setup,
              test_cancel_kills_plugin_leaves_image, gimp_teardown);
  g_test_add ("/gimp/inpaint/matches-engine", Gimp, NULL, gimp_setup, test_inpaint_matches_engine, gimp_teardown);
  g_test_add ("/gimp/inpaint/refuses-empty-selection", Gimp, NULL, gimp_setup, test_inpaint_refuses_empty_selection,
              gimp_teardown);
  g_test_add ("/gimp/inpaint/corrupt-model-leaves-image", Gimp, NULL, gimp_setup,
              test_inpaint_corrupt_model_leaves_image, gimp_teardown);
  g_test_add ("/gimp/extend-canvas/square", Gimp, NULL, gimp_setup, test_extend_canvas_square, gimp_teardown);
  g_test_add ("/gimp/inpaint/variations", Gimp, NULL, gimp_setup, test_inpaint_variations, gimp_teardown);
  g_test_add ("/gimp/inpaint/offset-16bit-layer", Gimp, NULL, gimp_setup, test_inpaint_offset_16bit_layer,
              gimp_teardown);
  g_test_add ("/gimp/detect/matches-engine", Gimp, GINT_TO_POINTER (FALSE), gimp_setup, test_detect_matches_engine,
              gimp_teardown);
  g_test_add ("/gimp/detect/smooth-image-matches-engine", Gimp, GINT_TO_POINTER (TRUE), gimp_setup,
              test_detect_matches_engine, gimp_teardown);
  g_test_add ("/gimp/detect/refuses-tiny-image", Gimp, NULL, gimp_setup, test_detect_refuses_tiny_image, gimp_teardown);
  g_test_add ("/gimp/plain-background/white-and-gradient", Gimp, NULL, gimp_setup, test_plain_background, gimp_teardown);
  g_test_add ("/gimp/replace-background/layers", Gimp, NULL, gimp_setup, test_replace_background, gimp_teardown);
  g_test_add ("/gimp/replace-background/selection", Gimp, NULL, gimp_setup, test_replace_background_selection,
              gimp_teardown);
  g_test_add ("/gimp/replace-background/regenerate", Gimp, NULL, gimp_setup, test_replace_background_regenerate,
              gimp_teardown);
  g_test_add ("/gimp/replace-background/bad-input", Gimp, NULL, gimp_setup, test_replace_background_bad_input,
              gimp_teardown);
  g_test_add ("/gimp/replace-background/folder-script", Gimp, NULL, gimp_setup, test_replace_background_folder_script,
              gimp_teardown);
  g_test_add ("/gimp/select-subject/modes", Gimp, NULL, gimp_setup, test_select_subject_modes, gimp_teardown);
  g_test_add ("/gimp/select-subject/nothing-found", Gimp, NULL, gimp_setup, test_select_subject_nothing_found,
              gimp_teardown);
  g_test_add ("/gimp/provenance/in-export", Gimp, NULL, gimp_setup, test_provenance_in_export, gimp_teardown);
  return g_test_run ();
}
