/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `atelier` program as a user runs it: exit status, output and messages. */
#include "atelier-image-io.h"
#include "test-helpers.h"

#include <glib/gstdio.h>
#include <math.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct
{
  int status;
  char *out;
  char *err;
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_free (run->out);
  g_free (run->err);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static void run_cli_env (CliRun *run, char **env, GSpawnChildSetupFunc setup, const char *first, va_list args);

static void
run_cli (CliRun *run, const char *first, ...)
{
  va_list args;
  va_start (args, first);
  run_cli_env (run, NULL, NULL, first, args);
  va_end (args);
}

/* With @env as the environment. */
static void
run_cli_with (CliRun *run, char **env, const char *first, ...)
{
  va_list args;
  va_start (args, first);
  run_cli_env (run, env, NULL, first, args);
  va_end (args);
}

/* With @setup run in the child before the program starts (limits, user). */
static void
run_cli_setup (CliRun *run, char **env, GSpawnChildSetupFunc setup, const char *first, ...)
{
  va_list args;
  va_start (args, first);
  run_cli_env (run, env, setup, first, args);
  va_end (args);
}

static void
run_cli_env (CliRun *run, char **env, GSpawnChildSetupFunc setup, const char *first, va_list args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ATELIER_CLI"));
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  int wait_status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, setup, NULL, &run->out, &run->err,
                               &wait_status, &error));
  g_assert_no_error (error);
  g_autoptr (GError) exit_error = NULL;
  if (g_spawn_check_wait_status (wait_status, &exit_error))
    run->status = 0;
  else
    run->status = g_error_matches (exit_error, G_SPAWN_EXIT_ERROR, exit_error->code) ? exit_error->code : -1;
  if (run->status != 0)
    g_test_message ("exit status %d, stderr: %s", run->status, run->err);
}

static char *
write_model (const char *dir)
{
  g_autoptr (AtelierTensor) w = test_random_4d (4, 3, 3, 3);
  g_autoptr (GBytes) bytes = test_safetensors_build ("stem.weight", "F16", w, NULL);
  g_autofree char *weights = g_build_filename (dir, "m.safetensors", NULL);
  g_assert_true (test_write_file (weights, bytes));
  gsize size;
  const guint8 *raw = g_bytes_get_data (bytes, &size);
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, raw, size);
  g_autofree char *json = g_strdup_printf ("{\"format\":\"atelier-model/1\",\"name\":\"m\",\"architecture\":\"arch-x\","
                                           "\"config\":{},\"weights\":\"m.safetensors\",\"sha256\":\"%s\","
                                           "\"source\":\"test\",\"license\":\"CC0-1.0\"}", sha);
  char *manifest = g_build_filename (dir, "m.json", NULL);
  g_assert_true (g_file_set_contents (manifest, json, -1, NULL));
  return manifest;
}

static void
test_usage (void)
{
  g_auto (CliRun) run = { 0 };
  run_cli (&run, NULL);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "Usage: atelier COMMAND"));
  g_auto (CliRun) unknown = { 0 };
  run_cli (&unknown, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "unknown command \"frobnicate\""));
  /* Every filter is a command of its PDB name (plug-in-atelier-NAME), with its flags from the description, except
   * the selection mode, the layer mask and the switch for every layer, which only a GIMP image has. */
  int n;
  const AtelierFilterInfo *const *filters = atelier_filters (&n);
  for (int f = 0; f < n; f++)
    {
      g_auto (CliRun) help = { 0 };
      run_cli (&help, filters[f]->name, "--help", NULL);
      g_assert_cmpint (help.status, ==, 0);
      for (int p = 0; p < filters[f]->n_params; p++)
        {
          const char *name = filters[f]->params[p].name;
          g_autofree char *flag = g_strconcat ("--", name, "=", NULL);
          g_autofree char *switch_flag = g_strconcat ("--", name, " ", NULL);
          const gboolean gimp_only = filters[f]->params[p].every_layer
                                     || g_strcmp0 (name, filters[f]->selection_mode_param) == 0
                                     || g_strcmp0 (name, filters[f]->layer_mask_param) == 0;
          g_assert_true ((strstr (help.out, flag) != NULL || strstr (help.out, switch_flag) != NULL) != gimp_only);
        }
    }
  /* `atelier sample` takes its sampling defaults from the inpaint filter's rows. */
  g_auto (CliRun) sample_help = { 0 };
  run_cli (&sample_help, "sample", "--help", NULL);
  g_assert_nonnull (strstr (sample_help.out, "turns it off (1.0 to 10.0; default 2)"));
}

static void
test_info (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *manifest = write_model (dir);
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "info", manifest, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "\"architecture\" : \"arch-x\""));
  g_assert_nonnull (strstr (run.out, "stem.weight"));
  g_assert_nonnull (strstr (run.out, "F16"));
  g_assert_nonnull (strstr (run.out, "(4, 3, 3, 3)"));
  g_assert_nonnull (strstr (run.out, "1 tensors, 108 parameters, sha256 verified"));

  /* Damaged weights: exit 1, the message names the check and the file. */
  g_autofree char *weights = g_build_filename (dir, "m.safetensors", NULL);
  g_autofree char *contents = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (weights, &contents, &size, NULL));
  contents[size - 2] ^= 0x40;
  g_assert_true (g_file_set_contents (weights, contents, (gssize) size, NULL));
  g_auto (CliRun) bad = { 0 };
  run_cli (&bad, "info", manifest, NULL);
  g_assert_cmpint (bad.status, ==, 1);
  g_assert_nonnull (strstr (bad.err, "sha256"));
  g_assert_nonnull (strstr (bad.err, "m.safetensors"));
  test_remove_dir (dir);

  g_auto (CliRun) missing = { 0 };
  run_cli (&missing, "info", "/nonexistent/model.json", NULL);
  g_assert_cmpint (missing.status, ==, 1);
  g_assert_nonnull (strstr (missing.err, "/nonexistent/model.json"));
}

static void
test_upscale (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "upscale", "--scale", "3", "--model", "slim", input, output, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "3x2 -> "));
  g_assert_nonnull (strstr (run.out, "9x6 (scale 3, model slim"));
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_load (output, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_image_width (image), ==, 9);
  g_assert_cmpint (atelier_image_channels (image), ==, 4);
  g_assert_cmpint (image->bit_depth, ==, 16); /* the input's depth is kept */

  g_auto (CliRun) bad_scale = { 0 };
  run_cli (&bad_scale, "upscale", "--scale", "5", input, output, NULL);
  g_assert_cmpint (bad_scale.status, ==, 2);
  g_assert_nonnull (strstr (bad_scale.err, "2, 3, 4 or 8"));

  g_auto (CliRun) no_model = { 0 };
  run_cli (&no_model, "upscale", "--model", "nonexistent", input, output, NULL);
  g_assert_cmpint (no_model.status, ==, 2);
  g_assert_nonnull (strstr (no_model.err, "model must be slim, medium or thick, not \"nonexistent\""));

  /* The flags and their help come from the filter description. */
  g_auto (CliRun) help = { 0 };
  run_cli (&help, "upscale", "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "--scale=N"));
  g_assert_nonnull (strstr (help.out, "Enlargement factor (2, 3, 4 or 8; default 4)"));
  g_assert_nonnull (strstr (help.out, "--model=NAME"));
  g_assert_nonnull (strstr (help.out, "(slim, medium or thick; default thick)"));
  test_remove_dir (dir);
}

static void
run_cli_in (CliRun *run, const char *language, const char *first, ...)
{
  g_auto (GStrv) env = g_get_environ ();
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "LANGUAGE", language, TRUE);
  env = g_environ_unsetenv (env, "ATELIER_LOCALEDIR");
  va_list args;
  va_start (args, first);
  run_cli_env (run, env, NULL, first, args);
  va_end (args);
}

static void
test_translations (void)
{
  /* The build tree's program reads the build tree's compiled catalogues. */
  const struct
  {
    const char *language, *expected;
  } cases[] = {
    { "de", "Vergrößerungsfaktor" },
    { "fr", "Facteur d’agrandissement" },
    { "es", "Factor de ampliación" },
    { "hi", "आवर्धन गुणक" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (CliRun) run = { 0 };
      run_cli_in (&run, cases[i].language, "upscale", "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_assert_nonnull (strstr (run.out, cases[i].expected));
    }
}

/* A 300x200 noise image, as PNG and as JPEG. */
static void
write_detect_inputs (const char *dir, char **png, char **jpeg)
{
  g_autoptr (AtelierTensor) pixels = test_random_4d (1, 3, 200, 300);
  g_autoptr (AtelierImage) image = atelier_image_new (g_steal_pointer (&pixels), 8);
  g_autoptr (GError) error = NULL;
  *png = g_build_filename (dir, "noise.png", NULL);
  *jpeg = g_build_filename (dir, "noise,1.jpg", NULL); /* a comma, for CSV quoting */
  g_assert_true (atelier_image_save (image, *png, 8, 90, &error));
  g_assert_true (atelier_image_save (image, *jpeg, 8, 80, &error));
}

static JsonObject *
parse_json_line (JsonParser *parser, const char *line)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, line, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_detect (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *png = NULL, *jpeg = NULL;
  write_detect_inputs (dir, &png, &jpeg);
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);

  /* One JSON object per file and line; a file that cannot be read is
   * reported on stderr, the others still are, and the status says so. */
  g_auto (CliRun) json = { 0 };
  run_cli (&json, "detect", "--json", png, missing, jpeg, NULL);
  g_assert_cmpint (json.status, ==, 1);
  g_assert_nonnull (strstr (json.err, "missing.png"));
  g_auto (GStrv) lines = g_strsplit (g_strstrip (json.out), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 2);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *first = parse_json_line (parser, lines[0]);
  g_assert_cmpstr (json_object_get_string_member (first, "path"), ==, png);
  const double p_png = json_object_get_double_member (first, "probability");
  g_assert_cmpint (json_object_get_int_member (first, "jpeg_quality"), ==, 0);
  g_assert_false (json_object_get_boolean_member (first, "grey_set_aside"));
  g_assert_cmpint (json_object_get_int_member (first, "tile_columns") * json_object_get_int_member (first, "tile_rows"), ==,
                   json_array_get_length (json_object_get_array_member (first, "tile_probabilities")));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (first, "cues")), ==,
                   json_array_get_length (json_object_get_array_member (first, "cue_weights")));
  g_autoptr (JsonParser) second_parser = json_parser_new ();
  JsonObject *second = parse_json_line (second_parser, lines[1]);
  /* libjpeg's own quality 80 tables are recognised, and the JPEG grid is set aside. */
  g_assert_cmpint (json_object_get_int_member (second, "jpeg_quality"), ==, 80);
  g_assert_true (json_object_get_boolean_member (second, "jpeg_grid_set_aside"));

  /* A grey file has no colour for the chroma features to judge. */
  g_autoptr (AtelierImage) grey = atelier_image_new (test_random_4d (1, 1, 200, 300), 8);
  g_autofree char *grey_png = g_build_filename (dir, "grey.png", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (grey, grey_png, 8, 90, &error));
  g_auto (CliRun) grey_json = { 0 };
  run_cli (&grey_json, "detect", "--json", grey_png, NULL);
  g_assert_cmpint (grey_json.status, ==, 0);
  g_autoptr (JsonParser) grey_parser = json_parser_new ();
  g_assert_true (json_object_get_boolean_member (parse_json_line (grey_parser, g_strstrip (grey_json.out)),
                                                 "grey_set_aside"));

  /* The same probability in every format, and the engine's own. */
  g_auto (CliRun) csv = { 0 };
  run_cli (&csv, "detect", "--csv", png, jpeg, NULL);
  g_assert_cmpint (csv.status, ==, 0);
  g_auto (GStrv) rows = g_strsplit (g_strstrip (csv.out), "\n", -1);
  g_assert_cmpint (g_strv_length (rows), ==, 3);
  g_assert_true (g_str_has_prefix (rows[0], "path,probability,verdict,"));
  g_assert_true (g_str_has_suffix (rows[0], ",width,height,jpeg_quality"));
  g_autofree char *quoted = g_strdup_printf ("\"%s\",", jpeg);
  g_assert_true (g_str_has_prefix (rows[2], quoted));
  g_assert_cmpfloat_with_epsilon (g_ascii_strtod (rows[1] + strlen (png) + 1, NULL), p_png, 1e-6);
  g_autoptr (AtelierImage) image = atelier_image_load (png, &error);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("detect-ai"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  const AtelierFilterInput in = { image->pixels, NULL, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) d = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (atelier_filter_output_get (d, "probability")->number, p_png, 1e-5);

  /* Pictures on request; the text report names the verdict. */
  g_autofree char *out_dir = g_build_filename (dir, "pictures", NULL);
  g_auto (CliRun) text = { 0 };
  run_cli (&text, "detect-ai", "--spectrum", "--output-dir", out_dir, png, NULL);
  g_assert_cmpint (text.status, ==, 0);
  g_assert_nonnull (strstr (text.out, atelier_filter_output_get (d, "verdict")->text));
  g_autofree char *heat_map = g_build_filename (out_dir, "noise.heat-map.png", NULL);
  g_autofree char *spectrum = g_build_filename (out_dir, "noise.spectrum.png", NULL);
  g_autoptr (AtelierImage) map = atelier_image_load (heat_map, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_image_width (map), ==, 300);
  g_assert_true (g_file_test (spectrum, G_FILE_TEST_IS_REGULAR));

  /* The training script's call: features without the classifier, one row per file. */
  g_auto (CliRun) features = { 0 };
  run_cli (&features, "detect", "--features-only", png, jpeg, NULL);
  g_assert_cmpint (features.status, ==, 0);
  g_auto (GStrv) feature_rows = g_strsplit (g_strstrip (features.out), "\n", -1);
  g_assert_cmpint (g_strv_length (feature_rows), ==, 3);
  g_assert_true (g_str_has_prefix (feature_rows[0], "path,jpeg_quality,tile_size,set_aside,"));
  /* With the residual CNN the harness fits beside them: its 32 features follow, named. */
  g_autofree char *cnn = g_test_build_filename (G_TEST_DIST, "golden", "residual-cnn-golden.json", NULL);
  g_auto (CliRun) with_cnn = { 0 };
  run_cli (&with_cnn, "detect", "--features-only", "--cnn", cnn, png, NULL);
  g_assert_cmpint (with_cnn.status, ==, 0);
  g_auto (GStrv) cnn_rows = g_strsplit (g_strstrip (with_cnn.out), "\n", -1);
  g_assert_cmpint (g_strv_length (cnn_rows), ==, 2);
  g_assert_true (strstr (cnn_rows[0], ",cnn-mean-0,cnn-mean-1,cnn-mean-2,") != NULL);
  g_assert_true (g_str_has_suffix (cnn_rows[0], ",cnn-mean-15,cnn-std-0,cnn-std-1,cnn-std-2,cnn-std-3,cnn-std-4,"
                                                 "cnn-std-5,cnn-std-6,cnn-std-7,cnn-std-8,cnn-std-9,cnn-std-10,"
                                                 "cnn-std-11,cnn-std-12,cnn-std-13,cnn-std-14,cnn-std-15"));
  g_auto (GStrv) header = g_strsplit (cnn_rows[0], ",", -1), cnn_values = g_strsplit (cnn_rows[1], ",", -1);
  g_auto (GStrv) plain = g_strsplit (feature_rows[0], ",", -1);
  g_assert_cmpint (g_strv_length (cnn_values), ==, g_strv_length (header));
  g_assert_cmpint (g_strv_length (header), ==, g_strv_length (plain) + 32);
  test_remove_dir (dir);
}

static void
test_bench (void)
{
  if (!g_test_slow ())
    {
      g_test_skip ("the benchmark takes a few seconds; run with -m slow");
      return;
    }
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "bench", "--seconds", "0", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_nonnull (strstr (run.out, "sgemm 2048^3"));
  g_assert_nonnull (strstr (run.out, "3x3 64->64 @256x256"));
  g_assert_nonnull (strstr (run.out, "1x1 320->320 @64x64"));
}

/* Takes @pixels. */
static char *
save_image_at_depth (const char *dir, const char *name, AtelierTensor *pixels, int bit_depth)
{
  g_autoptr (AtelierImage) image = atelier_image_new (pixels, bit_depth);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_image_save (image, path, bit_depth, 90, &error));
  return path;
}

static char *
save_image (const char *dir, const char *name, AtelierTensor *pixels)
{
  return save_image_at_depth (dir, name, pixels, 8);
}

static void
test_inpaint (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  const int64_t h = 40, w = 56;
  AtelierTensor *pixels = atelier_tensor_new_4d (1, 3, h, w, NULL);
  AtelierTensor *mask_pixels = atelier_tensor_new_4d (1, 1, h, w, NULL);
  for (int64_t i = 0; i < h * w; i++)
    {
      const int64_t y = i / w, x = i % w;
      for (int c = 0; c < 3; c++)
        pixels->data[c * h * w + i] = 0.2f + 0.6f * (float) ((x + 2 * y + 7 * c) % 23) / 23.0f;
      mask_pixels->data[i] = x >= 20 && x < 36 && y >= 10 && y < 26;
    }
  g_autofree char *input = save_image (dir, "in.png", pixels);
  g_autofree char *mask = save_image (dir, "mask.png", mask_pixels);
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);

  g_auto (CliRun) run = { 0 };
  run_cli (&run, "inpaint", "--mask", mask, "--steps", "2", "--working-size", "128", "--seed", "3", input, output, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) in = atelier_image_load (input, &error);
  g_autoptr (AtelierImage) out = atelier_image_load (output, &error);
  g_autoptr (AtelierImage) m = atelier_image_load (mask, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_tensor_same_shape (in->pixels, out->pixels));
  /* Outside the mask the file's pixels come back exactly; inside, the engine's fill of the same file and mask
   * with the same settings, rounded to 8 bits. */
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("inpaint"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_assert_true (atelier_filter_values_set (values, "steps", 2, &error));
  g_assert_true (atelier_filter_values_set (values, "working-size", 128, &error));
  g_assert_true (atelier_filter_values_set (values, "seed", 3, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  const AtelierFilterInput engine_in = { in->pixels, m->pixels, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) engine_out = atelier_filter_apply (filter, ctx, values, &engine_in, &error);
  g_assert_no_error (error);
  float outside = 0, inside = 0;
  for (int64_t i = 0; i < h * w; i++)
    for (int c = 0; c < 3; c++)
      {
        const float file = out->pixels->data[c * h * w + i];
        if (m->pixels->data[i] > 0)
          inside = MAX (inside, fabsf (file - engine_out->pixels->data[c * h * w + i]));
        else
          outside = MAX (outside, fabsf (file - in->pixels->data[c * h * w + i]));
      }
  g_assert_cmpfloat (outside, ==, 0.0f);
  g_assert_cmpfloat (inside, <=, 0.5f / 255 + 1e-6f);

  /* The selection must be given, match the image and hold something. */
  g_auto (CliRun) no_mask = { 0 };
  run_cli (&no_mask, "inpaint", input, output, NULL);
  g_assert_cmpint (no_mask.status, ==, 2);
  g_autofree char *other_size = save_image (dir, "small.png", atelier_tensor_new_4d (1, 1, 8, 8, NULL));
  g_auto (CliRun) wrong_size = { 0 };
  run_cli (&wrong_size, "inpaint", "--mask", other_size, input, output, NULL);
  g_assert_cmpint (wrong_size.status, ==, 1);
  g_assert_nonnull (strstr (wrong_size.err, "must be the same size"));
  g_autofree char *empty = save_image (dir, "empty.png", atelier_tensor_new_4d (1, 1, h, w, NULL));
  g_auto (CliRun) nothing = { 0 };
  run_cli (&nothing, "inpaint", "--mask", empty, input, output, NULL);
  g_assert_cmpint (nothing.status, ==, 1);
  g_assert_nonnull (strstr (nothing.err, "the selection is empty"));
  g_auto (CliRun) bad_steps = { 0 };
  run_cli (&bad_steps, "inpaint", "--mask", mask, "--steps", "0", input, output, NULL);
  g_assert_cmpint (bad_steps.status, ==, 2);
  g_assert_nonnull (strstr (bad_steps.err, "steps"));
  test_remove_dir (dir);
}

static void
test_sample (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *a = g_build_filename (dir, "a.png", NULL);
  g_autofree char *b = g_build_filename (dir, "b.png", NULL);
  g_autofree char *c = g_build_filename (dir, "c.png", NULL);
  g_auto (CliRun) list = { 0 };
  run_cli (&list, "sample", "--style", "list", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "studio\n"));
  /* The list holds every label that the unknown-style error offers, null among them. */
  g_assert_true (g_str_has_prefix (list.out, "null\n"));
  g_auto (CliRun) plaid = { 0 };
  run_cli (&plaid, "sample", "--style", "plaid", a, NULL);
  g_assert_cmpint (plaid.status, ==, 2);
  g_auto (GStrv) labels = g_strsplit (g_strstrip (list.out), "\n", -1);
  g_assert_cmpint (g_strv_length (labels), >, 2);
  for (char **label = labels; *label != NULL; label++)
    g_assert_nonnull (strstr (plaid.err, *label));
  const char *common[] = { "--style", "wood", "--steps", "2", "--width", "72", "--height", "40", NULL };
  g_auto (CliRun) first = { 0 }, again = { 0 }, other = { 0 };
  run_cli (&first, "sample", common[0], common[1], common[2], common[3], common[4], common[5], common[6], common[7],
           "--seed", "1", a, NULL);
  run_cli (&again, "sample", common[0], common[1], common[2], common[3], common[4], common[5], common[6], common[7],
           "--seed", "1", "--threads", "1", b, NULL);
  run_cli (&other, "sample", common[0], common[1], common[2], common[3], common[4], common[5], common[6], common[7],
           "--seed", "2", c, NULL);
  g_assert_cmpint (first.status + again.status + other.status, ==, 0);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) ia = atelier_image_load (a, &error);
  g_autoptr (AtelierImage) ib = atelier_image_load (b, &error);
  g_autoptr (AtelierImage) ic = atelier_image_load (c, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_image_width (ia), ==, 72);
  g_assert_cmpint (atelier_image_height (ia), ==, 40);
  /* The seed decides the result: the noise is the same whatever the thread count, and the arithmetic's
   * order of summation moves a pixel by at most one 8-bit step. */
  g_test_message ("1 thread vs default: %g", test_max_abs_diff (ia->pixels, ib->pixels));
  g_assert_cmpfloat (test_max_abs_diff (ia->pixels, ib->pixels), <=, 1.0f / 255.0f + 1e-6f);
  g_assert_cmpfloat (test_max_abs_diff (ia->pixels, ic->pixels), >, 0.02f);
  g_auto (CliRun) unknown = { 0 };
  run_cli (&unknown, "sample", "--style", "velvet", a, NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "known: null, photo, studio"));
  /* Fast samples the distilled student with the steps it was taught: the steps asked for change nothing, and the
   * picture is not the teacher's at those steps; a model that was not distilled is refused. */
  g_autofree char *d = g_build_filename (dir, "d.png", NULL);
  g_auto (CliRun) fast = { 0 }, fast_other_steps = { 0 }, not_distilled = { 0 };
  run_cli (&fast, "sample", common[0], common[1], common[2], common[3], common[4], common[5], common[6], common[7],
           "--seed", "1", "--speed", "fast", b, NULL);
  run_cli (&fast_other_steps, "sample", common[0], common[1], "--steps", "9", common[4], common[5], common[6],
           common[7], "--seed", "1", "--speed", "fast", c, NULL);
  g_assert_cmpint (fast.status + fast_other_steps.status, ==, 0);
  g_autoptr (AtelierImage) fast_a = atelier_image_load (b, &error);
  g_autoptr (AtelierImage) fast_b = atelier_image_load (c, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (test_max_abs_diff (fast_a->pixels, fast_b->pixels), ==, 0.0f);
  g_assert_cmpfloat (test_max_abs_diff (fast_a->pixels, ia->pixels), >, 0.02f);
  run_cli (&not_distilled, "sample", "--speed", "fast", "--model", "latent-unet", d, NULL);
  g_assert_cmpint (not_distilled.status, ==, 2);
  g_assert_nonnull (strstr (not_distilled.err, "distilled"));
  g_assert_false (g_file_test (d, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* Plain Background from the command line: the new layer composited over the input, which it covers. White is
 * exactly 255; a colour is its 8-bit value; a gradient runs from the top colour in the first row to the bottom
 * colour in the last. */
static void
test_plain_background (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 10, 7));
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  const struct
  {
    const char *fill, *colour;
    float top[3], bottom[3];
  } cases[] = {
    { "white", "#000000", { 1, 1, 1 }, { 1, 1, 1 } },
    { "colour", "#ff8000", { 1, 128 / 255.0f, 0 }, { 1, 128 / 255.0f, 0 } },
    { "gradient", "#ff8000", { 1, 128 / 255.0f, 0 }, { 0, 0, 1 } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (CliRun) run = { 0 };
      run_cli (&run, "plain-background", "--fill", cases[i].fill, "--colour", cases[i].colour, "--bottom-colour",
               "0000FF", input, output, NULL);
      g_assert_cmpint (run.status, ==, 0);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierImage) out = atelier_image_load (output, &error);
      g_assert_no_error (error);
      g_assert_cmpint (atelier_image_channels (out), ==, 3);
      const int64_t h = 10, w = 7, plane = h * w;
      for (int c = 0; c < 3; c++)
        for (int64_t x = 0; x < w; x++)
          {
            g_assert_cmpfloat (out->pixels->data[c * plane + x], ==, cases[i].top[c]);
            g_assert_cmpfloat (out->pixels->data[c * plane + (h - 1) * w + x], ==, cases[i].bottom[c]);
          }
    }
  g_auto (CliRun) bad = { 0 };
  run_cli (&bad, "plain-background", "--colour", "orange", input, output, NULL);
  g_assert_cmpint (bad.status, ==, 2);
  g_assert_nonnull (strstr (bad.err, "#rrggbb"));
  test_remove_dir (dir);
}

/* ------------------------------------------- batches, masks and cut-outs */

/* --output-dir takes several inputs, writes each result into the folder with a progress line, goes on past a file
 * that fails (exit status 1), names inputs of one name apart by their folders (tests/test-output-names.c holds
 * the rule), and refuses a batch that would overwrite an input. */
static void
test_batch (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *sub = g_build_filename (dir, "sub", NULL);
  g_assert_cmpint (g_mkdir (sub, 0755), ==, 0);
  g_autofree char *a = save_image (dir, "a.png", test_random_4d (1, 3, 6, 5));
  g_autofree char *b = save_image (dir, "b.jpg", test_random_4d (1, 3, 4, 9));
  g_autofree char *a_again = save_image (sub, "a.png", test_random_4d (1, 3, 6, 5));
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autofree char *out_dir = g_build_filename (dir, "out", NULL);

  g_auto (CliRun) run = { 0 };
  run_cli (&run, "plain-background", "--output-dir", out_dir, a, missing, b, NULL);
  g_assert_cmpint (run.status, ==, 1);
  /* In byte order of their paths (cli/cli-batch.h), so the missing file comes last. */
  g_assert_nonnull (strstr (run.out, "[1/3] "));
  g_assert_nonnull (strstr (run.out, "[2/3] "));
  g_assert_nonnull (strstr (run.err, "[3/3] atelier: "));
  g_assert_nonnull (strstr (run.err, "missing.png"));
  const char *written[] = { "a.png", "b.jpg" };
  for (gsize i = 0; i < G_N_ELEMENTS (written); i++)
    {
      g_autofree char *path = g_build_filename (out_dir, written[i], NULL);
      g_autoptr (AtelierImage) image = atelier_image_load (path, NULL);
      g_assert_nonnull (image);
      g_assert_cmpfloat (image->pixels->data[0], ==, 1.0f); /* white */
    }

  g_auto (CliRun) clash = { 0 };
  g_autofree char *clash_dir = g_build_filename (dir, "clash", NULL);
  run_cli (&clash, "plain-background", "--output-dir", clash_dir, a, a_again, NULL);
  g_assert_cmpint (clash.status, ==, 0);
  g_autofree char *dir_name = g_path_get_basename (dir);
  g_autofree char *first_name = g_strconcat (dir_name, "-a.png", NULL);
  g_autofree char *first = g_build_filename (clash_dir, first_name, NULL);
  g_autofree char *second = g_build_filename (clash_dir, "sub-a.png", NULL);
  g_autofree char *clashed = g_build_filename (clash_dir, "a.png", NULL);
  g_assert_true (g_file_test (first, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (second, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (clashed, G_FILE_TEST_EXISTS));

  /* Into the inputs' own folder: the input would be overwritten. */
  g_autoptr (AtelierImage) a_before = atelier_image_load (a, NULL);
  g_auto (CliRun) onto_input = { 0 };
  run_cli (&onto_input, "plain-background", "--output-dir", dir, a, NULL);
  g_assert_cmpint (onto_input.status, ==, 2);
  g_autoptr (AtelierImage) a_after = atelier_image_load (a, NULL);
  g_assert_cmpfloat (test_max_abs_diff (a_before->pixels, a_after->pixels), ==, 0.0f);
  test_remove_dir (dir);
}

/* The engine's own output of filter @name on @image, for the files to be compared with. */
static AtelierTensor *
engine_output (const char *name, const AtelierTensor *image)
{
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find (name));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (GError) error = NULL;
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out->pixels);
}

/* The largest difference between @file's values and @expected's quantised to @levels. */
static float
max_quantised_diff (const AtelierTensor *file, const AtelierTensor *expected, float levels)
{
  g_assert_cmpint (atelier_tensor_numel (file), ==, atelier_tensor_numel (expected));
  float worst = 0.0f;
  for (gint64 i = 0; i < atelier_tensor_numel (file); i++)
    worst = MAX (worst, fabsf (file->data[i] - roundf (expected->data[i] * levels) / levels));
  return worst;
}

/* `atelier mask` writes the matte as 8-bit grey (255 = subject), whatever the input's depth; `atelier cutout`
 * writes RGBA, the foreground estimate's colours and the matte as alpha, 16-bit from a 16-bit input. */
static void
test_mask_and_cutout (void)
{
  if (!test_isnet_ready ())
    return;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = save_image_at_depth (dir, "disc.png", test_subject_image (120, 150), 16);
  g_autoptr (AtelierImage) source = atelier_image_load (input, NULL);
  g_autofree char *mask_path = g_build_filename (dir, "mask.png", NULL);
  g_autofree char *cutout_path = g_build_filename (dir, "cutout.png", NULL);

  g_auto (CliRun) mask_run = { 0 };
  run_cli (&mask_run, "mask", input, mask_path, NULL);
  g_assert_cmpint (mask_run.status, ==, 0);
  g_autoptr (AtelierImage) mask = atelier_image_load (mask_path, NULL);
  g_assert_cmpint (mask->bit_depth, ==, 8);
  g_assert_cmpint (atelier_image_channels (mask), ==, 1);
  g_autoptr (AtelierTensor) matte = engine_output ("select-subject", source->pixels);
  g_assert_cmpfloat (max_quantised_diff (mask->pixels, matte, 255.0f), <=, 1e-6f);
  g_assert_cmpfloat (test_max_abs (mask->pixels), ==, 1.0f);

  g_auto (CliRun) cutout_run = { 0 };
  run_cli (&cutout_run, "cutout", input, cutout_path, NULL);
  g_assert_cmpint (cutout_run.status, ==, 0);
  g_autoptr (AtelierImage) cutout = atelier_image_load (cutout_path, NULL);
  g_assert_cmpint (cutout->bit_depth, ==, 16);
  g_assert_cmpint (atelier_image_channels (cutout), ==, 4);
  g_autoptr (AtelierTensor) expected = engine_output ("cutout", source->pixels);
  /* Within one 16-bit step: the PNG writer rounds in its own arithmetic. */
  g_assert_cmpfloat (max_quantised_diff (cutout->pixels, expected, 65535.0f), <=, 1.01f / 65535.0f);
  test_remove_dir (dir);
}

/* A flat image, a missing input and a truncated model: a message naming the problem, no output file, the input
 * as it was. */
static void
test_select_subject_failures (void)
{
  if (!test_isnet_ready ())
    return;
  g_autofree char *dir = test_make_temp_dir ();
  AtelierTensor *grey = atelier_tensor_new_4d (1, 3, 64, 80, NULL);
  atelier_tensor_fill (grey, 0.5f);
  g_autofree char *flat = save_image (dir, "flat.png", grey);
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (CliRun) nothing = { 0 };
  run_cli (&nothing, "select-subject", flat, output, NULL);
  g_assert_cmpint (nothing.status, ==, 1);
  g_assert_nonnull (strstr (nothing.err, "no subject found"));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));

  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "..", "models", "isnet", "isnet-medium.json", NULL);
  g_autofree char *json = NULL;
  g_assert_true (g_file_get_contents (manifest, &json, NULL, NULL));
  g_autofree char *models = g_build_filename (dir, "models", NULL);
  g_assert_cmpint (g_mkdir (models, 0755), ==, 0);
  g_autofree char *json_copy = g_build_filename (models, "isnet-medium.json", NULL);
  g_autofree char *weights_copy = g_build_filename (models, "isnet-medium.safetensors", NULL);
  g_assert_true (g_file_set_contents (json_copy, json, -1, NULL));
  g_assert_true (g_file_set_contents (weights_copy, "{\"trunc", -1, NULL));
  g_autofree char *photo = save_image (dir, "disc.png", test_subject_image (64, 64));
  g_auto (GStrv) env = g_environ_setenv (g_get_environ (), "ATELIER_MODEL_PATH", models, TRUE);
  g_auto (CliRun) corrupt = { 0 };
  run_cli_with (&corrupt, env, "cutout", photo, output, NULL);
  g_assert_cmpint (corrupt.status, ==, 1);
  g_assert_nonnull (strstr (corrupt.err, "isnet-medium.safetensors"));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* `atelier replace-background IN OUT --background white`: exactly 255 wherever Select Subject's matte and the
 * (here switched off) shadow leave the background alone, the source's own 8-bit values wherever the matte is 1. */
static void
test_replace_background (void)
{
  if (!test_isnet_ready ())
    return;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = save_image (dir, "disc.png", test_subject_image (120, 150));
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "replace-background", input, output, "--background", "white", "--shadow-opacity", "0", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (AtelierImage) source = atelier_image_load (input, NULL);
  g_autoptr (AtelierImage) result = atelier_image_load (output, NULL);
  g_assert_nonnull (result);
  g_autoptr (AtelierTensor) matte = engine_output ("select-subject", source->pixels);
  const gint64 n = 120 * 150;
  gint64 white = 0, kept = 0;
  for (gint64 i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      if (matte->data[i] < 0.5f / 255.0f)
        {
          g_assert_cmpfloat (roundf (result->pixels->data[c * n + i] * 255.0f), ==, 255.0f);
          white++;
        }
      else if (matte->data[i] >= 1.0f - 0.5f / 255.0f)
        {
          g_assert_cmpfloat (result->pixels->data[c * n + i], ==, source->pixels->data[c * n + i]);
          kept++;
        }
  g_assert_cmpint (white, >, n);
  g_assert_cmpint (kept, >, n / 4);
  test_remove_dir (dir);
}

/* ------------------------------------------------------ provenance */

/* An output says what made it and keeps the input's EXIF; detect reads that back, and reads a C2PA claim, without
 * the claim moving its probability; --no-provenance leaves the record out and says so. */
static void
test_provenance (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GError) error = NULL;
  g_autofree char *input = g_build_filename (dir, "in.jpg", NULL);
  g_autoptr (GBytes) profile = test_minimal_icc_profile (FALSE);
  {
    g_autoptr (AtelierImage) photo = atelier_image_new (test_random_4d (1, 3, 80, 100), 8);
    photo->icc_profile = g_bytes_ref (profile);
    g_assert_true (atelier_image_save (photo, input, 8, 90, &error));
  }
  test_set_metadata_tag (input, "Exif.Image.Make", "TestCam");
  g_autofree char *output = g_build_filename (dir, "out.jpg", NULL);
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "plain-background", "--fill", "white", input, output, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_autofree char *make = test_metadata_tag (output, "Exif.Image.Make");
  g_autofree char *source = test_metadata_tag (output, "Xmp.iptcExt.DigitalSourceType");
  g_autofree char *parameters = test_metadata_tag (output, "Xmp.xmpMM.History[1]/stEvt:parameters");
  g_assert_cmpstr (make, ==, "TestCam");
  g_assert_cmpstr (source, ==, "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic");
  g_assert_true (g_str_has_prefix (parameters, "plain-background: "));
  /* The colour space travels with the pixels, through exiv2's rewrite too. */
  g_autoptr (AtelierImage) written = atelier_image_load (output, &error);
  g_assert_no_error (error);
  g_assert_true (written->icc_profile != NULL && g_bytes_equal (written->icc_profile, profile));

  /* Detect reads our own record back, and the C2PA sample's claim, in their own fields. */
  g_autofree char *firefly = g_test_build_filename (G_TEST_DIST, "data", "c2pa", "ocsp.jpg", NULL);
  g_autofree char *created = g_test_build_filename (G_TEST_DIST, "data", "c2pa", "C.jpg", NULL);
  g_autofree char *edited = g_test_build_filename (G_TEST_DIST, "data", "c2pa", "CA.jpg", NULL);
  g_auto (CliRun) detect = { 0 };
  run_cli (&detect, "detect", "--json", output, firefly, created, edited, NULL);
  g_assert_cmpint (detect.status, ==, 0);
  g_auto (GStrv) lines = g_strsplit (g_strstrip (detect.out), "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, 4);
  for (int i = 2; i < 4; i++)
    {
      g_autoptr (JsonParser) sample_parser = json_parser_new ();
      JsonObject *sample = parse_json_line (sample_parser, lines[i]);
      g_assert_nonnull (strstr (json_object_get_string_member (sample, "file_says"), "make_test_images/0.33.1"));
      g_assert_false (json_object_get_boolean_member (sample, "file_claims_generated"));
    }
  g_autoptr (JsonParser) ours_parser = json_parser_new ();
  JsonObject *ours = parse_json_line (ours_parser, lines[0]);
  g_assert_nonnull (strstr (json_object_get_string_member (ours, "file_says"), "synthetic elements (XMP"));
  g_assert_false (json_object_get_boolean_member (ours, "file_claims_generated"));
  g_autoptr (JsonParser) c2pa_parser = json_parser_new ();
  JsonObject *c2pa = parse_json_line (c2pa_parser, lines[1]);
  g_assert_true (json_object_get_boolean_member (c2pa, "file_claims_generated"));
  g_assert_nonnull (strstr (json_object_get_string_member (c2pa, "file_says"), "C2PA, claim generator Adobe_Photoshop"));

  /* The claim does not move the pixel probability: the same pixels without the metadata score the same. */
  g_autoptr (AtelierImage) pixels = atelier_image_load (firefly, &error);
  g_assert_no_error (error);
  g_autofree char *stripped = g_build_filename (dir, "stripped.jpg", NULL);
  {
    g_autoptr (GMappedFile) file = g_mapped_file_new (firefly, FALSE, &error);
    g_assert_no_error (error);
    /* The metadata is removed without decoding: a byte copy without the APP1 (EXIF, XMP) and APP11 (C2PA)
     * segments, so the pixels stay exactly the same. */
    const guint8 *data = (const guint8 *) g_mapped_file_get_contents (file);
    const gsize size = g_mapped_file_get_length (file);
    g_autoptr (GByteArray) copy = g_byte_array_new ();
    gsize at = 2;
    g_byte_array_append (copy, data, 2);
    while (at + 4 <= size && data[at] == 0xff && data[at + 1] != 0xda)
      {
        const gsize length = ((gsize) data[at + 2] << 8) | data[at + 3];
        if (data[at + 1] != 0xeb && data[at + 1] != 0xe1)
          g_byte_array_append (copy, data + at, (guint) (length + 2));
        at += length + 2;
      }
    g_byte_array_append (copy, data + at, (guint) (size - at));
    g_assert_true (g_file_set_contents (stripped, (const char *) copy->data, copy->len, &error));
  }
  g_auto (CliRun) again = { 0 };
  run_cli (&again, "detect", "--json", stripped, NULL);
  g_assert_cmpint (again.status, ==, 0);
  g_autoptr (JsonParser) stripped_parser = json_parser_new ();
  JsonObject *bare = parse_json_line (stripped_parser, g_strstrip (again.out));
  g_assert_false (json_object_get_boolean_member (bare, "file_claims_generated"));
  /* Within the run-to-run wobble of the threaded sums (about 1e-8). */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (bare, "probability"),
                                  json_object_get_double_member (c2pa, "probability"), 1e-6);

  /* Editing a signed file says that the signature cannot follow. */
  g_autofree char *signed_input = g_test_build_filename (G_TEST_DIST, "data", "c2pa", "CA.jpg", NULL);
  g_autofree char *signed_output = g_build_filename (dir, "signed-edit.jpg", NULL);
  g_auto (CliRun) signed_edit = { 0 };
  run_cli (&signed_edit, "plain-background", signed_input, signed_output, NULL);
  g_assert_cmpint (signed_edit.status, ==, 0);
  g_assert_nonnull (strstr (signed_edit.err, "editing invalidates its signature"));

  /* Left out on request, and said so. */
  g_autofree char *bare_output = g_build_filename (dir, "bare.jpg", NULL);
  g_auto (CliRun) without = { 0 };
  run_cli (&without, "plain-background", "--no-provenance", input, bare_output, NULL);
  g_assert_cmpint (without.status, ==, 0);
  g_assert_nonnull (strstr (without.err, "--no-provenance"));
  g_autofree char *no_source = test_metadata_tag (bare_output, "Xmp.iptcExt.DigitalSourceType");
  g_assert_null (no_source);
  test_remove_dir (dir);
}

/* ------------------------------------------------ early errors and faults */

/* A copy of the slim x2 upscaler in a folder of its own, for ATELIER_MODEL_PATH: its manifest and weights. */
static char *
copy_slim_model (const char *dir, char **weights)
{
  const char *files[] = { "esrgan-slim-x2.json", "esrgan-slim-x2.safetensors" };
  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *from = g_test_build_filename (G_TEST_DIST, "..", "models", "esrgan", files[i], NULL);
      g_autofree char *contents = NULL;
      gsize length;
      g_assert_true (g_file_get_contents (from, &contents, &length, NULL));
      g_autofree char *to = g_build_filename (dir, files[i], NULL);
      g_assert_true (g_file_set_contents (to, contents, length, NULL));
    }
  *weights = g_build_filename (dir, files[1], NULL);
  return g_build_filename (dir, files[0], NULL);
}

static char **
environ_with_model_path (const char *dir)
{
  char **env = g_get_environ ();
  return g_environ_setenv (env, "ATELIER_MODEL_PATH", dir, TRUE);
}

/* Every mistake in the arguments or the output is refused with exit status 2 before any work: the model the
 * command would open is garbage, and the message never mentions it, so it was never opened. */
static void
test_early_errors (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *garbage = g_build_filename (dir, "esrgan-slim-x2.json", NULL);
  g_assert_true (g_file_set_contents (garbage, "not a manifest", -1, NULL));
  g_auto (GStrv) env = environ_with_model_path (dir);
  g_autofree char *rgb = save_image (dir, "rgb.png", test_random_4d (1, 3, 5, 4));
  g_autofree char *rgba = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *out = g_build_filename (dir, "out.png", NULL);
  g_autofree char *out_jpeg = g_build_filename (dir, "out.jpg", NULL);
  g_autofree char *out_bmp = g_build_filename (dir, "out.bmp", NULL);
  g_autofree char *out_missing = g_build_filename (dir, "missing", "out.png", NULL);
  g_autofree char *folder = g_build_filename (dir, "folder.png", NULL);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);

  /* The marker works: with good arguments the garbage model is opened, and the message names it. */
  g_auto (CliRun) control = { 0 };
  run_cli_with (&control, env, "upscale", "--scale", "2", "--model", "slim", rgb, out, NULL);
  g_assert_cmpint (control.status, ==, 1);
  g_assert_nonnull (strstr (control.err, garbage));
  g_assert_nonnull (strstr (control.err, "setup.sh"));

  const struct
  {
    const char *flag, *value, *input, *output, *expected;
  } cases[] = {
    { "--scale", "2", rgb, out_missing, "does not exist" },
    { "--scale", "2", rgb, out_bmp, "unknown file type" },
    { "--scale", "2", rgba, out_jpeg, "JPEG has no transparency" },
    { "--bit-depth", "12", rgb, out, "--bit-depth must be 8 or 16" },
    { "--bit-depth", "16", rgb, out_jpeg, "JPEG holds 8 bits" },
    { "--quality", "200", rgb, out_jpeg, "--quality must be 1 to 100" },
    { "--quality", "0", rgb, out_jpeg, "--quality must be 1 to 100" },
    { "--scale", "abc", rgb, out, "abc" },
    { "--scale", "2", rgb, folder, "it is a folder" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (CliRun) run = { 0 };
      run_cli_with (&run, env, "upscale", "--model", "slim", cases[i].flag, cases[i].value, cases[i].input,
                    cases[i].output, NULL);
      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, run.err);
      g_assert_cmpint (run.status, ==, 2);
      g_assert_nonnull (strstr (run.err, cases[i].expected));
      g_assert_null (strstr (run.err, garbage));
      g_assert_false (g_file_test (cases[i].output, G_FILE_TEST_IS_REGULAR));
    }

  /* A report names an unreadable file once. */
  g_autofree char *truncated = g_build_filename (dir, "trunc.png", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_assert_true (g_file_get_contents (rgb, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (truncated, contents, length / 2, NULL));
  g_auto (CliRun) detect = { 0 };
  run_cli (&detect, "detect", truncated, NULL);
  g_assert_cmpint (detect.status, ==, 1);
  const char *first = strstr (detect.err, truncated);
  g_assert_nonnull (first);
  g_assert_null (strstr (first + strlen (truncated), truncated));
  test_remove_dir (dir);
}

/* Damaged, missing and unreadable model files: exit status 1 (never a crash), a message that names the file and
 * says what to do. */
static void
test_model_faults (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *models = g_build_filename (dir, "models", NULL);
  g_assert_cmpint (g_mkdir (models, 0755), ==, 0);
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 8, 8));
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (GStrv) env = environ_with_model_path (models);
  enum { CORRUPT, TRUNCATED, WRONG_SHA, MISSING_WEIGHTS, N_FAULTS };
  const char *advice[] = { "setup.sh", "setup.sh", "run the model setup again", "setup.sh" };
  for (int fault = 0; fault < N_FAULTS; fault++)
    {
      g_autofree char *weights = NULL;
      g_autofree char *manifest = copy_slim_model (models, &weights);
      g_autofree char *bytes = NULL;
      gsize length;
      g_assert_true (g_file_get_contents (weights, &bytes, &length, NULL));
      const char *named = weights;
      if (fault == CORRUPT || fault == TRUNCATED)
        {
          /* With the manifest's checksum made to match, so that the weights' own reader meets the damage. */
          gsize kept = fault == TRUNCATED ? length / 3 : length;
          if (fault == CORRUPT)
            memset (bytes, 0xff, 16);
          g_assert_true (g_file_set_contents (weights, bytes, kept, NULL));
          g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, kept);
          g_autofree char *json = NULL;
          g_assert_true (g_file_get_contents (manifest, &json, NULL, NULL));
          char *at = strstr (json, "\"sha256\": \"");
          g_assert_nonnull (at);
          memcpy (at + strlen ("\"sha256\": \""), sha, 64);
          g_assert_true (g_file_set_contents (manifest, json, -1, NULL));
        }
      else if (fault == WRONG_SHA)
        {
          bytes[length - 1] ^= 1;
          g_assert_true (g_file_set_contents (weights, bytes, length, NULL));
        }
      else
        g_assert_cmpint (g_unlink (weights), ==, 0);
      g_auto (CliRun) run = { 0 };
      run_cli_with (&run, env, "upscale", "--scale", "2", "--model", "slim", input, output, NULL);
      g_test_message ("fault %d: %s", fault, run.err);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, named));
      g_assert_nonnull (strstr (run.err, advice[fault]));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }

  /* ATELIER_MODEL_PATH naming a file that is not a folder: the installed models are found past it. */
  g_auto (GStrv) file_env = environ_with_model_path (input);
  g_auto (CliRun) past = { 0 };
  run_cli_with (&past, file_env, "upscale", "--scale", "2", "--model", "slim", input, output, NULL);
  g_assert_cmpint (past.status, ==, 0);
  test_remove_dir (dir);
}

/* Model files the user may not read. Root reads everything, so the program runs as nobody. */
static void
become_nobody (gpointer data)
{
  (void) data;
  if (geteuid () == 0 && (setgid (65534) != 0 || setuid (65534) != 0))
    _exit (77);
}

static void
test_model_permissions (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_autofree char *models = g_build_filename (dir, "models", NULL);
  g_assert_cmpint (g_mkdir (models, 0755), ==, 0);
  g_autofree char *weights = NULL;
  g_autofree char *manifest = copy_slim_model (models, &weights);
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 8, 8));
  g_assert_cmpint (g_chmod (input, 0644), ==, 0);
  g_autofree char *out_dir = g_build_filename (dir, "out", NULL);
  g_assert_cmpint (g_mkdir (out_dir, 0777), ==, 0);
  g_assert_cmpint (g_chmod (out_dir, 0777), ==, 0);
  g_autofree char *output = g_build_filename (out_dir, "out.png", NULL);
  g_auto (GStrv) env = environ_with_model_path (models);
  env = g_environ_setenv (env, "XDG_DATA_HOME", dir, TRUE);
  const struct
  {
    const char *path;
    int mode, status;
    const char *expected;
  } cases[] = {
    /* Weights it may not read: named, with what to do. */
    { weights, 0, 1, "setup.sh" },
    /* A folder it may not list but may enter: the model is read by its name. */
    { models, 0311, 0, NULL },
    /* A folder it may not enter: passed over, the next folder of the search path (the source tree's) has it. */
    { models, 0, 0, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (g_chmod (weights, 0644), ==, 0);
      g_assert_cmpint (g_chmod (cases[i].path, cases[i].mode), ==, 0);
      g_auto (CliRun) run = { 0 };
      run_cli_setup (&run, env, become_nobody, "upscale", "--scale", "2", "--model", "slim", "--threads", "1", input,
                     output, NULL);
      g_assert_cmpint (g_chmod (cases[i].path, cases[i].path == models ? 0755 : 0644), ==, 0);
      if (run.status == 77)
        {
          g_test_skip ("cannot run as nobody");
          break;
        }
      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, run.err);
      g_assert_cmpint (run.status, ==, cases[i].status);
      if (cases[i].expected != NULL)
        {
          g_assert_nonnull (strstr (run.err, cases[i].path));
          g_assert_nonnull (strstr (run.err, cases[i].expected));
        }
      g_unlink (output);
    }
  test_remove_dir (dir);
}

/* An output folder the user may not write into, or an --output-dir it may not create: exit 2 before any work. */
static void
test_unwritable_output (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 8, 8));
  g_assert_cmpint (g_chmod (input, 0644), ==, 0);
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_autofree char *batch = g_build_filename (dir, "batch", NULL);
  g_auto (CliRun) single = { 0 }, many = { 0 };
  run_cli_setup (&single, NULL, become_nobody, "upscale", "--scale", "2", "--model", "slim", input, output, NULL);
  run_cli_setup (&many, NULL, become_nobody, "upscale", "--scale", "2", "--model", "slim", "--output-dir", batch,
                 input, NULL);
  if (single.status == 77 || (geteuid () != 0 && g_access (dir, W_OK) == 0))
    {
      g_test_skip ("cannot run as a user without write permission here");
      test_remove_dir (dir);
      return;
    }
  g_assert_cmpint (single.status, ==, 2);
  g_assert_nonnull (strstr (single.err, "no permission to write"));
  g_assert_cmpint (many.status, ==, 2);
  g_assert_nonnull (strstr (many.err, "cannot create"));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* A full disk for the output, as a file-size limit of 4 KiB: exit status 1 with a message naming the output, no
 * file left behind. */
static void
limit_file_size (gpointer data)
{
  (void) data;
  const struct rlimit limit = { 4096, 4096 };
  setrlimit (RLIMIT_FSIZE, &limit);
}

static void
test_full_disk (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 48, 48));
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (CliRun) run = { 0 };
  run_cli_setup (&run, NULL, limit_file_size, "upscale", "--scale", "2", "--model", "slim", input, output, NULL);
  g_test_message ("%s", run.err);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, output));
  g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
  test_remove_dir (dir);
}

/* Two processes writing into one output folder at once: each result is the one a run alone writes. */
static void
test_two_processes (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *shared = g_build_filename (dir, "shared", NULL);
  g_autofree char *alone = g_build_filename (dir, "alone", NULL);
  const char *names[] = { "a.png", "b.png", "c.png", "d.png" };
  char *inputs[G_N_ELEMENTS (names)];
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    inputs[i] = save_image (dir, names[i], test_random_4d (1, 3, 40 + 8 * i, 48));
  GPid pids[2];
  for (int p = 0; p < 2; p++)
    {
      const char *argv[] = { g_getenv ("ATELIER_CLI"), "upscale", "--scale", "2", "--model", "slim", "--threads", "1",
                             "--output-dir", shared, inputs[2 * p], inputs[2 * p + 1], NULL };
      g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                                    NULL, NULL, &pids[p], NULL));
    }
  for (int p = 0; p < 2; p++)
    {
      int status;
      g_assert_cmpint (waitpid (pids[p], &status, 0), ==, pids[p]);
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      g_spawn_close_pid (pids[p]);
    }
  g_auto (CliRun) sequential = { 0 };
  run_cli (&sequential, "upscale", "--scale", "2", "--model", "slim", "--output-dir", alone, inputs[0], inputs[1],
           inputs[2], inputs[3], NULL);
  g_assert_cmpint (sequential.status, ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *a = g_build_filename (shared, names[i], NULL);
      g_autofree char *b = g_build_filename (alone, names[i], NULL);
      g_autofree char *a_bytes = NULL, *b_bytes = NULL;
      gsize a_length, b_length;
      g_assert_true (g_file_get_contents (a, &a_bytes, &a_length, NULL));
      g_assert_true (g_file_get_contents (b, &b_bytes, &b_length, NULL));
      g_assert_cmpmem (a_bytes, a_length, b_bytes, b_length);
      g_free (inputs[i]);
    }
  test_remove_dir (dir);
}

/* Under LANGUAGE=de every filter's --help is German: no description's English text and none of the generated
 * fragments ("default", "or", "to", "Turn ... off") is left. The build tree's program finds the build tree's
 * catalogues by itself (no ATELIER_LOCALEDIR). */
static void
test_help_translated (void)
{
  const char *english[] = { "(default", "; default", " or ", " to ", "Turn --", "all cores", "Batch:", "Write the",
                            "PNG output", "JPEG output", "Mask image", "One JSON", "CSV with", "progress line" };
  int n;
  const AtelierFilterInfo *const *filters = atelier_filters (&n);
  for (int f = 0; f < n; f++)
    {
      g_auto (CliRun) run = { 0 };
      run_cli_in (&run, "de", filters[f]->name, "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      for (gsize i = 0; i < G_N_ELEMENTS (english); i++)
        if (strstr (run.out, english[i]) != NULL)
          g_error ("%s --help in German still says \"%s\":\n%s", filters[f]->name, english[i], run.out);
      for (int p = 0; p < filters[f]->n_params; p++)
        {
          const AtelierParamSpec *spec = &filters[f]->params[p];
          const char *help = spec->cli_help ? spec->cli_help : spec->help;
          g_autofree char *start = g_strndup (help, 24);
          if (strstr (run.out, start) != NULL)
            g_error ("%s --help in German still says \"%s\"", filters[f]->name, help);
        }
    }
  /* The program's own usage and the tools people run (sample, autoencode). */
  g_auto (CliRun) usage = { 0 }, sample = { 0 }, autoencode = { 0 };
  run_cli_in (&usage, "de", NULL);
  run_cli_in (&sample, "de", "sample", "--help", NULL);
  run_cli_in (&autoencode, "de", "autoencode", "--help", NULL);
  const char *texts[] = { usage.err, sample.out, autoencode.out };
  const char *tool_english[] = { "Usage:", "Tools:", "Run 'atelier", "Style label", "Width in", "U-Net model",
                                 "Autoencoder (default", "Tile side", "all cores", "progress line" };
  for (gsize t = 0; t < G_N_ELEMENTS (texts); t++)
    for (gsize i = 0; i < G_N_ELEMENTS (tool_english); i++)
      if (strstr (texts[t], tool_english[i]) != NULL)
        g_error ("German help still says \"%s\":\n%s", tool_english[i], texts[t]);
}

/* Each flag is worded for the command line: no GIMP, layers, new images or selections (the command line has
 * --mask), and no flag for what only a GIMP image has. */
static void
test_help_speaks_cli (void)
{
  const char *gimp_words[] = { "GIMP", "a layer", "active", "new image", "selection", "--all-layers", "--mode=",
                               "--layer-mask" };
  int n;
  const AtelierFilterInfo *const *filters = atelier_filters (&n);
  for (int f = 0; f < n; f++)
    {
      g_auto (CliRun) run = { 0 };
      run_cli (&run, filters[f]->name, "--help", NULL);
      g_assert_cmpint (run.status, ==, 0);
      const char *options = strstr (run.out, "--help");
      g_assert_nonnull (options);
      for (gsize i = 0; i < G_N_ELEMENTS (gimp_words); i++)
        if (strstr (options, gimp_words[i]) != NULL)
          g_error ("%s --help speaks of \"%s\":\n%s", filters[f]->name, gimp_words[i], run.out);
    }
}

/* On a terminal (a pseudo-terminal through script(1)) a job longer than a second shows its percentage and the
 * time left on stderr, and once a job of its kind was timed, the expected time before it starts; with --quiet, or
 * when stderr is not a terminal, nothing. */
/* What @command wrote to the terminal, into @terminal. */
static void
run_on_terminal (char **env, const char *command, char **terminal)
{
  const char *argv[] = { "script", "-qec", command, "/dev/null", NULL };
  int wait_status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                               NULL, terminal, NULL, &wait_status, NULL));
  g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
  g_test_message ("%s: %s", command, *terminal);
}

/* This process's environment with the program's job times kept in @dir, so that a test starts with none. */
static char **
environ_with_job_times_in (const char *dir)
{
  return g_environ_setenv (g_get_environ (), "XDG_CACHE_HOME", dir, TRUE);
}

static void
test_progress (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  /* Long enough (about 2 s here, 16 tiles) that the time left is shown, which waits for half a second of work: a
   * 128-pixel image finished below that on an idle machine. */
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 256, 256));
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (GStrv) env = environ_with_job_times_in (dir);
  const char *job = "upscale --scale 4 --model slim --tile 64 --threads 1";
  for (int run = 0; run < 3; run++)
    {
      const gboolean quiet = run == 1;
      g_autofree char *command = g_strdup_printf ("%s %s%s %s %s", g_getenv ("ATELIER_CLI"), job,
                                                  quiet ? " --quiet" : "", input, output);
      g_autofree char *terminal = NULL;
      run_on_terminal (env, command, &terminal);
      g_assert_true ((strstr (terminal, "%") != NULL) == !quiet);
      g_assert_true ((strstr (terminal, " left") != NULL) == !quiet);
      /* The first run of its kind has nothing to go by; the third has the first two. */
      g_assert_true ((strstr (terminal, "Expected: about ") != NULL) == (run == 2));
      /* The percentage moves through the whole job: never back, up to 100. */
      int last = -1;
      for (const char *at = strchr (terminal, '%'); at != NULL; at = strchr (at + 1, '%'))
        {
          const char *digits = at;
          while (digits > terminal && g_ascii_isdigit (digits[-1]))
            digits--;
          const int percent = atoi (digits);
          g_assert_cmpint (percent, >=, last);
          last = percent;
        }
      g_assert_cmpint (last, ==, quiet ? -1 : 100);
    }
  g_auto (CliRun) logged = { 0 };
  run_cli_with (&logged, env, "upscale", "--scale", "4", "--model", "slim", "--tile", "64", "--threads", "1", input,
                output, NULL);
  g_assert_cmpint (logged.status, ==, 0);
  g_assert_null (strstr (logged.err, "%"));
  g_assert_null (strstr (logged.err, "Expected"));
  test_remove_dir (dir);
}

/* A first run of its kind announces a guess from the development machine's speed, not nothing: thick x4 of
 * 96x96 on one thread is guessed at about 2 s (98 s a megapixel on 2 cores). */
static void
test_progress_first_guess (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *input = save_image (dir, "in.png", test_random_4d (1, 3, 96, 96));
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_auto (GStrv) env = environ_with_job_times_in (dir);
  g_autofree char *command = g_strdup_printf ("%s upscale --scale 4 --model thick --threads 1 %s %s",
                                              g_getenv ("ATELIER_CLI"), input, output);
  g_autofree char *terminal = NULL;
  run_on_terminal (env, command, &terminal);
  g_assert_true (g_str_has_prefix (terminal, "Expected: about 2 s (a first guess"));
  test_remove_dir (dir);
}

/* A mask image of @h x @w, white (selected) in rows [top, top + size) and columns [left, left + size). */
static char *
save_square_mask (const char *dir, const char *name, gint64 h, gint64 w, gint64 top, gint64 left, gint64 size)
{
  AtelierTensor *mask = atelier_tensor_new_4d (1, 1, h, w, NULL);
  for (gint64 y = top; y < MIN (top + size, h); y++)
    for (gint64 x = left; x < MIN (left + size, w); x++)
      mask->data[y * w + x] = 1.0f;
  return save_image (dir, name, mask);
}

/* `--mask FILE` is the subject, no model involved: the output is the engine's layers composited (as GIMP shows
 * them) with that selection, the masked square the source's own values, and a JPEG output opaque RGB. */
static void
test_replace_background_mask (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  AtelierTensor *pixels = test_random_4d (1, 3, 60, 80);
  g_autofree char *input = save_image (dir, "in.png", pixels);
  g_autofree char *mask = save_square_mask (dir, "mask.png", 60, 80, 10, 20, 30);
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  g_autofree char *jpeg = g_build_filename (dir, "out.jpg", NULL);
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "replace-background", "--mask", mask, "--background", "studio", input, output, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_auto (CliRun) run_jpeg = { 0 };
  run_cli (&run_jpeg, "replace-background", "--mask", mask, input, jpeg, NULL);
  g_assert_cmpint (run_jpeg.status, ==, 0);

  g_autoptr (AtelierImage) source = atelier_image_load (input, NULL);
  g_autoptr (AtelierImage) selection = atelier_image_load (mask, NULL);
  g_autoptr (AtelierImage) result = atelier_image_load (output, NULL);
  g_autoptr (AtelierImage) as_jpeg = atelier_image_load (jpeg, NULL);
  g_assert_cmpint (atelier_image_channels (result), ==, 3);
  g_assert_cmpint (atelier_image_channels (as_jpeg), ==, 3);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const AtelierFilterInput in = { source->pixels, selection->pixels, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) expected = atelier_filter_output_composite (out, source->pixels, &error);
  g_assert_cmpfloat (max_quantised_diff (result->pixels, expected, 255.0f), ==, 0.0f);
  const gint64 n = 60 * 80;
  for (gint64 y = 10; y < 40; y++)
    for (gint64 x = 20; x < 50; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat (result->pixels->data[c * n + y * 80 + x], ==, source->pixels->data[c * n + y * 80 + x]);
  test_remove_dir (dir);
}

/* Input the filter cannot use: a clear message, exit status 1 and no output file, for a flat image (no subject
 * found), a 1x1 image (the same), an empty mask and a mask that selects everything. An indexed PNG is read as
 * the RGBA of its palette, a defined result: its 2x1 pixels with the left one masked give that pixel kept and the
 * right one pure white. */
static void
test_replace_background_bad_input (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *output = g_build_filename (dir, "out.png", NULL);
  AtelierTensor *grey = atelier_tensor_new_4d (1, 3, 64, 80, NULL);
  atelier_tensor_fill (grey, 0.5f);
  g_autofree char *flat = save_image (dir, "flat.png", grey);
  g_autofree char *one = save_image (dir, "one.png", test_random_4d (1, 3, 1, 1));
  g_autofree char *empty = save_square_mask (dir, "empty.png", 64, 80, 0, 0, 0);
  g_autofree char *full = save_square_mask (dir, "full.png", 64, 80, 0, 0, 80);
  const struct
  {
    const char *input, *mask, *message;
    gboolean needs_isnet;
  } cases[] = {
    { flat, NULL, "no subject found", TRUE },
    { one, NULL, "no subject found", TRUE },
    { flat, empty, "the selection (mask) is empty", FALSE },
    { flat, full, "the whole image is selected", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (cases[i].needs_isnet && !test_isnet_ready ())
        continue;
      g_auto (CliRun) run = { 0 };
      if (cases[i].mask != NULL)
        run_cli (&run, "replace-background", "--mask", cases[i].mask, cases[i].input, output, NULL);
      else
        run_cli (&run, "replace-background", cases[i].input, output, NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, cases[i].message));
      g_assert_false (g_file_test (output, G_FILE_TEST_EXISTS));
    }

  g_autofree char *palette = g_test_build_filename (G_TEST_DIST, "data", "palette.png", NULL);
  g_autofree char *left = save_square_mask (dir, "left.png", 1, 2, 0, 0, 1);
  g_auto (CliRun) run = { 0 };
  run_cli (&run, "replace-background", "--mask", left, "--shadow-opacity", "0", palette, output, NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_autoptr (AtelierImage) source = atelier_image_load (palette, NULL);
  g_autoptr (AtelierImage) result = atelier_image_load (output, NULL);
  /* The palette has alpha (the right pixel is half transparent), so the result keeps an alpha plane: opaque. */
  g_assert_cmpint (atelier_image_channels (result), ==, 4);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat (result->pixels->data[2 * c], ==, source->pixels->data[2 * c]);
      g_assert_cmpfloat (result->pixels->data[2 * c + 1], ==, 1.0f);
    }
  g_assert_cmpfloat (result->pixels->data[6], ==, 1.0f);
  g_assert_cmpfloat (result->pixels->data[7], ==, 1.0f);
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The program records its job times in the user's cache; the tests' go into the build tree. */
  g_autofree char *cache = g_test_build_filename (G_TEST_BUILT, "cli-cache", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  /* Outputs record when they were made: one fixed time lets runs be compared byte for byte (docs/batch.md). */
  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  g_test_add_func ("/cli/usage", test_usage);
  g_test_add_func ("/cli/info", test_info);
  g_test_add_func ("/cli/upscale", test_upscale);
  g_test_add_func ("/cli/translations", test_translations);
  g_test_add_func ("/cli/detect", test_detect);
  g_test_add_func ("/cli/inpaint", test_inpaint);
  g_test_add_func ("/cli/sample", test_sample);
  g_test_add_func ("/cli/plain-background", test_plain_background);
  g_test_add_func ("/cli/bench", test_bench);
  g_test_add_func ("/cli/batch", test_batch);
  g_test_add_func ("/cli/select-subject/mask-and-cutout", test_mask_and_cutout);
  g_test_add_func ("/cli/select-subject/failures", test_select_subject_failures);
  g_test_add_func ("/cli/replace-background", test_replace_background);
  g_test_add_func ("/cli/provenance", test_provenance);
  g_test_add_func ("/cli/early-errors", test_early_errors);
  g_test_add_func ("/cli/model-faults", test_model_faults);
  g_test_add_func ("/cli/model-faults/permissions", test_model_permissions);
  g_test_add_func ("/cli/early-errors/unwritable-output", test_unwritable_output);
  g_test_add_func ("/cli/full-disk", test_full_disk);
  g_test_add_func ("/cli/two-processes", test_two_processes);
  g_test_add_func ("/cli/help/translated", test_help_translated);
  g_test_add_func ("/cli/help/speaks-cli", test_help_speaks_cli);
  g_test_add_func ("/cli/progress", test_progress);
  g_test_add_func ("/cli/progress/first-guess", test_progress_first_guess);
  g_test_add_func ("/cli/replace-background/mask", test_replace_background_mask);
  g_test_add_func ("/cli/replace-background/bad-input", test_replace_background_bad_input);
  return g_test_run ();
}
