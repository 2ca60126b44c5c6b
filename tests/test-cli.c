/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The `atelier` program as a user runs it: exit status, output and messages. */
#include "atelier-image-io.h"
#include "test-helpers.h"

#include <glib/gstdio.h>
#include <math.h>
#include <json-glib/json-glib.h>
#include <string.h>

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

static void run_cli_env (CliRun *run, char **env, const char *first, va_list args);

static void
run_cli (CliRun *run, const char *first, ...)
{
  va_list args;
  va_start (args, first);
  run_cli_env (run, NULL, first, args);
  va_end (args);
}

/* With @env as the environment. */
static void
run_cli_with (CliRun *run, char **env, const char *first, ...)
{
  va_list args;
  va_start (args, first);
  run_cli_env (run, env, first, args);
  va_end (args);
}

static void
run_cli_env (CliRun *run, char **env, const char *first, va_list args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (gpointer) g_getenv ("ATELIER_CLI"));
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) a);
  g_ptr_array_add (argv, NULL);
  g_autoptr (GError) error = NULL;
  int wait_status;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL, &run->out, &run->err,
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
   * the selection mode and layer mask, which only a GIMP image has. */
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
          const gboolean gimp_only = g_strcmp0 (name, filters[f]->selection_mode_param) == 0
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
  va_list args;
  va_start (args, first);
  run_cli_env (run, env, first, args);
  va_end (args);
}

static void
test_translations (void)
{
  /* ATELIER_LOCALEDIR points at the build tree's compiled catalogues. */
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
  const AtelierFilterInput in = { image->pixels, NULL, FALSE };
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
  const AtelierFilterInput engine_in = { in->pixels, m->pixels, FALSE };
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
  g_assert_null (strstr (list.out, "null"));
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
  g_assert_cmpint (unknown.status, ==, 1);
  g_assert_nonnull (strstr (unknown.err, "known: null, photo, studio"));
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
  g_assert_nonnull (strstr (run.out, "[1/3] "));
  g_assert_nonnull (strstr (run.out, "[3/3] "));
  g_assert_nonnull (strstr (run.err, "[2/3] atelier: "));
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
  const AtelierFilterInput in = { image, NULL, FALSE };
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
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
  return g_test_run ();
}
