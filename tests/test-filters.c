/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filter descriptions: defaults, validation and the range texts that the PDB
 * documentation, the command line and error messages share; the dialog
 * previews' regions and renders; Select Subject and Cutout against the
 * pipelines they are made of. */
#include "atelier-image-io.h"
#include "pipelines/atelier-foreground-estimate.h"
#include "pipelines/atelier-matte-cutout.h"
#include "pipelines/atelier-subject-mask.h"
#include "test-helpers.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

static const AtelierParamSpec params[] = {
  { .name = "size", .type = ATELIER_PARAM_INT, .label = "_Size", .help = "Kernel size",
    .min = 1, .max = 5, .default_value = 3, ATELIER_ALLOWED (1, 3, 5) },
  { .name = "count", .type = ATELIER_PARAM_INT, .label = "_Count", .help = "Steps", .min = 1, .max = 50, .default_value = 20 },
  { .name = "strength", .type = ATELIER_PARAM_DOUBLE, .label = "_Strength", .help = "How strong",
    .min = 0.0, .max = 1.0, .default_value = 0.75, .step = 0.05, .digits = 2 },
  { .name = "shadow", .type = ATELIER_PARAM_BOOLEAN, .label = "S_hadow", .help = "Add a shadow", .default_value = 1 },
  { .name = "mode", .type = ATELIER_PARAM_CHOICE, .label = "_Mode", .help = "Speed or quality", .default_value = 1,
    ATELIER_CHOICES ({ "fast", "Fast" }, { "good", "Good" }) },
  /* An allowed list that holds 0: counted, not ended by it. */
  { .name = "offset", .type = ATELIER_PARAM_INT, .label = "_Offset", .help = "Shift", .min = -1, .max = 1,
    .default_value = 0, ATELIER_ALLOWED (-1, 0, 1) },
  { .name = "tint", .type = ATELIER_PARAM_COLOUR, .label = "_Tint", .help = "Colour", .default_value = 0xff8000 },
};
static const AtelierFilterInfo info = { .name = "test", .menu_label = "_Test...", .blurb = "A test filter", .help = "Help",
                                        .params = params, .n_params = G_N_ELEMENTS (params) };

static void
test_defaults_and_access (void)
{
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_validate (v, &error));
  g_assert_cmpint (atelier_filter_values_get_int (v, "size"), ==, 3);
  g_assert_cmpfloat (atelier_filter_values_get (v, "strength"), ==, 0.75);
  g_assert_cmpstr (atelier_filter_values_get_choice (v, "mode"), ==, "good");
  g_assert_true (atelier_filter_values_set_choice (v, "mode", "fast", &error));
  g_assert_cmpstr (atelier_filter_values_get_choice (v, "mode"), ==, "fast");
  g_assert_cmpint (atelier_filter_param_index (&info, "shadow"), ==, 3);
  g_assert_cmpint (atelier_filter_param_index (&info, "nope"), ==, -1);
  g_assert_false (atelier_filter_values_set (v, "nope", 1, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_range_texts (void)
{
  const char *expected[] = { "1, 3 or 5", "1 to 50", "0.00 to 1.00", "0 or 1", "fast or good", "-1, 0 or 1",
                             "a colour #rrggbb" };
  for (int i = 0; i < info.n_params; i++)
    {
      g_autofree char *text = atelier_param_describe_range (&params[i]);
      g_assert_cmpstr (text, ==, expected[i]);
    }
}

static void
test_validation (void)
{
  const struct
  {
    const char *name;
    double value;
    gboolean valid;
  } cases[] = {
    { "size", 5, TRUE }, { "size", 4, FALSE }, { "size", 3.5, FALSE },
    { "count", 50, TRUE }, { "count", 51, FALSE }, { "count", 0, FALSE },
    { "strength", 0.0, TRUE }, { "strength", 1.01, FALSE }, { "strength", NAN, FALSE },
    { "shadow", 0, TRUE }, { "shadow", 2, FALSE },
    { "mode", 1, TRUE }, { "mode", 2, FALSE }, { "mode", -1, FALSE },
    { "offset", 0, TRUE }, { "offset", -1, TRUE }, { "offset", 2, FALSE },
    { "tint", 0xffffff, TRUE }, { "tint", 0x1000000, FALSE }, { "tint", -1, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_filter_values_set (v, cases[i].name, cases[i].value, &error));
      gboolean ok = atelier_filter_values_validate (v, &error);
      g_assert_cmpint (ok, ==, cases[i].valid);
      if (!ok)
        {
          /* The message names the filter, the parameter and what it accepts. */
          g_assert_nonnull (strstr (error->message, "test: "));
          g_assert_nonnull (strstr (error->message, cases[i].name));
          g_assert_nonnull (strstr (error->message, "must be"));
        }
    }
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
  g_autoptr (GError) error = NULL;
  g_assert_false (atelier_filter_values_set_choice (v, "mode", "best", &error));
  g_assert_nonnull (strstr (error->message, "mode must be fast or good, not \"best\""));
}

/* 0xff8000 is sRGB (255, 128, 0); "#RRGGBB" parses case-insensitively, with or without its #. */
static void
test_colours (void)
{
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
  float rgb[3];
  atelier_filter_values_get_colour (v, "tint", rgb);
  g_assert_cmpfloat (rgb[0], ==, 1.0f);
  g_assert_cmpfloat (rgb[1], ==, 128.0f / 255.0f);
  g_assert_cmpfloat (rgb[2], ==, 0.0f);
  double value;
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_colour_parse ("#0A0b0C", &value, &error));
  g_assert_cmpfloat (value, ==, 0x0a0b0c);
  g_assert_true (atelier_colour_parse ("ffffff", &value, &error));
  g_assert_cmpfloat (value, ==, 0xffffff);
  g_autofree char *text = atelier_colour_format (0x0a0b0c);
  g_assert_cmpstr (text, ==, "#0a0b0c");
  g_assert_false (atelier_colour_parse ("#12345", &value, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (atelier_colour_parse ("#12345g", &value, &error));
}

/* ------------------------------------------------------------ layers */

static const AtelierFilterInfo layers_info = { .name = "layers-test", .menu_label = "_Layers...", .blurb = "Layers",
                                               .help = "Help", .output = ATELIER_OUTPUT_LAYERS };

/* (1, C, 2, 2) holding @values, pixel after pixel within each plane. */
static AtelierTensor *
tensor_2x2 (int channels, const float *values)
{
  AtelierTensor *t = atelier_tensor_new_4d (1, channels, 2, 2, NULL);
  memcpy (t->data, values, sizeof (float) * 4 * channels);
  return t;
}

/* The composite against values worked out by hand: a hidden layer counts for nothing, a layer's alpha is its own
 * alpha times its mask times its opacity, and where that is 0 or 1 the pixel below or the layer's pixel is kept
 * exactly. The source shows unless the output hides it; alpha stays only when something shows through. */
static void
test_layers_composite (void)
{
  const float source_values[12] = { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.15f, 0.25f, 0.35f, 0.45f };
  g_autoptr (AtelierTensor) source = tensor_2x2 (3, source_values);
  g_autoptr (AtelierFilterOutput) out = atelier_filter_output_new (&layers_info);
  const float background_values[12] = { 0.2f, 0.2f, 0.2f, 0.2f, 0.4f, 0.4f, 0.4f, 0.4f, 0.6f, 0.6f, 0.6f, 0.6f };
  AtelierFilterPicture *background = atelier_filter_output_add_picture (out, "background", "Background",
                                                                        ATELIER_PICTURE_LAYER, 100,
                                                                        tensor_2x2 (3, background_values));
  const float subject_values[16] = { 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f, 0.9f,
                                     1.0f, 1.0f, 0.5f, 0.5f };
  AtelierFilterPicture *subject = atelier_filter_output_add_picture (out, "subject", "Subject", ATELIER_PICTURE_LAYER,
                                                                     100, tensor_2x2 (4, subject_values));
  subject->mask = tensor_2x2 (1, (const float[]) { 1.0f, 0.0f, 1.0f, 0.5f });
  const float green_values[12] = { 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0 };
  atelier_filter_output_add_picture (out, "variation", "Variation", ATELIER_PICTURE_LAYER, 100,
                                     tensor_2x2 (3, green_values))->hidden = TRUE;
  out->hide_source = TRUE;
  g_autoptr (GError) error = NULL;

  const float alpha[4] = { 1.0f, 0.0f, 0.5f, 0.25f };
  g_autoptr (AtelierTensor) seen = atelier_filter_output_composite (out, source, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen->shape[1], ==, 3);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++)
      {
        const float below = background_values[4 * c + i];
        g_assert_cmpfloat_with_epsilon (seen->data[4 * c + i], 0.9f * alpha[i] + below * (1.0f - alpha[i]), 1e-6);
      }
  g_assert_cmpfloat (seen->data[0], ==, 0.9f);
  g_assert_cmpfloat (seen->data[1], ==, 0.2f);

  /* Half the opacity halves the alpha. */
  subject->opacity = 50;
  g_autoptr (AtelierTensor) faded = atelier_filter_output_composite (out, source, &error);
  g_assert_cmpfloat_with_epsilon (faded->data[0], 0.9f * 0.5f + 0.2f * 0.5f, 1e-6);
  subject->opacity = 100;

  /* The source shown under the subject alone: its own pixels where the subject is clear. */
  background->hidden = TRUE;
  out->hide_source = FALSE;
  g_autoptr (AtelierTensor) over_source = atelier_filter_output_composite (out, source, &error);
  g_assert_cmpint (over_source->shape[1], ==, 3);
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpfloat (over_source->data[4 * c + 1], ==, source_values[4 * c + 1]);
      g_assert_cmpfloat_with_epsilon (over_source->data[4 * c + 3], 0.9f * 0.25f + source_values[4 * c + 3] * 0.75f,
                                      1e-6);
    }

  /* Nothing under the subject: the composite keeps its alpha. */
  out->hide_source = TRUE;
  g_autoptr (AtelierTensor) alone = atelier_filter_output_composite (out, source, &error);
  g_assert_cmpint (alone->shape[1], ==, 4);
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (alone->data[12 + i], ==, alpha[i]);

  /* A mask of another size is an error, not a crash. */
  atelier_tensor_free (subject->mask);
  subject->mask = atelier_tensor_new_4d (1, 1, 3, 3, NULL);
  g_assert_null (atelier_filter_output_composite (out, source, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

/* The settings are JSON from which the values can be set again exactly: every type by its stable form, the extra
 * members kept. */
static void
test_layers_settings (void)
{
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (&info);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (v, "strength", 0.35, &error));
  g_assert_true (atelier_filter_values_set_choice (v, "mode", "fast", &error));
  g_assert_true (atelier_filter_values_set (v, "shadow", 0, &error));
  g_assert_true (atelier_filter_values_set (v, "tint", 0x0a0b0c, &error));
  g_autoptr (AtelierFilterOutput) out = atelier_filter_output_new (&layers_info);
  g_assert_null (out->settings);
  atelier_filter_output_set_settings (out, v, "{\"models\": [{\"name\": \"isnet-medium\", \"sha256\": \"ab12\"}]}");
  g_autoptr (JsonNode) root = json_from_string (out->settings, &error);
  g_assert_no_error (error);
  JsonObject *settings = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (settings, "filter"), ==, "test");
  g_assert_true (g_regex_match_simple ("^[0-9]+\\.[0-9]+\\.[0-9]+", json_object_get_string_member (settings, "version"),
                                       0, 0));
  JsonObject *values = json_object_get_object_member (settings, "values");
  g_assert_cmpint (json_object_get_int_member (values, "size"), ==, 3);
  g_assert_cmpfloat (json_object_get_double_member (values, "strength"), ==, 0.35);
  g_assert_false (json_object_get_boolean_member (values, "shadow"));
  g_assert_cmpstr (json_object_get_string_member (values, "mode"), ==, "fast");
  g_assert_cmpstr (json_object_get_string_member (values, "tint"), ==, "#0a0b0c");
  g_assert_cmpint (json_object_get_int_member (values, "offset"), ==, 0);
  JsonObject *model = json_array_get_object_element (json_object_get_array_member (settings, "models"), 0);
  g_assert_cmpstr (json_object_get_string_member (model, "sha256"), ==, "ab12");

  /* Read back through the same setters a front end uses, the values are the same doubles. */
  g_autoptr (AtelierFilterValues) again = atelier_filter_values_new (&info);
  double tint;
  g_assert_true (atelier_colour_parse (json_object_get_string_member (values, "tint"), &tint, &error));
  g_assert_true (atelier_filter_values_set (again, "tint", tint, &error));
  g_assert_true (atelier_filter_values_set_choice (again, "mode", json_object_get_string_member (values, "mode"), &error));
  g_assert_true (atelier_filter_values_set (again, "strength", json_object_get_double_member (values, "strength"), &error));
  g_assert_true (atelier_filter_values_set (again, "shadow", json_object_get_boolean_member (values, "shadow"), &error));
  g_assert_cmpmem (again->values, sizeof (double) * info.n_params, v->values, sizeof (double) * info.n_params);
}

static void
test_registry (void)
{
  int n;
  const AtelierFilterInfo *const *all = atelier_filters (&n);
  g_assert_cmpint (n, >=, 1);
  g_assert_cmpstr (atelier_filter_find ("upscale")->name, ==, "upscale");
  g_assert_cmpstr (atelier_filter_find ("detect-ai")->name, ==, "detect-ai");
  g_assert_null (atelier_filter_find ("nope"));
  /* Every shipped description's defaults are valid, and every choice default exists. */
  for (int f = 0; f < n; f++)
    {
      g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (all[f]);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_filter_values_validate (v, &error));
      g_assert_no_error (error);
      /* What the front ends rely on: a run, and what each output kind needs. */
      g_assert_nonnull (all[f]->run);
      g_assert_true (all[f]->output != ATELIER_OUTPUT_NEW_LAYER || all[f]->new_layer_name != NULL);
      g_assert_true (all[f]->output_scale_param == NULL || atelier_filter_param_index (all[f], all[f]->output_scale_param) >= 0);
      /* The plug-in reads the selection mode by nick and the layer mask as a boolean. */
      const int mode = all[f]->selection_mode_param ? atelier_filter_param_index (all[f], all[f]->selection_mode_param) : -1;
      for (int c = 0; mode >= 0 && c < all[f]->params[mode].n_choices; c++)
        g_assert_true (g_strv_contains ((const char *const[]) { "replace", "add", "subtract", "intersect", NULL },
                                        all[f]->params[mode].choices[c].nick));
      g_assert_true (all[f]->layer_mask_param == NULL
                     || all[f]->params[atelier_filter_param_index (all[f], all[f]->layer_mask_param)].type
                          == ATELIER_PARAM_BOOLEAN);
      /* A row unused under a choice names a CHOICE row of the same description and some of its nicks. */
      for (int i = 0; i < all[f]->n_params; i++)
        {
          const char *when = all[f]->params[i].unused_when;
          if (when == NULL)
            continue;
          g_auto (GStrv) parts = g_strsplit (when, "=", 2);
          const gboolean negated = g_str_has_suffix (parts[0], "!");
          if (negated)
            parts[0][strlen (parts[0]) - 1] = '\0';
          const int choice = atelier_filter_param_index (all[f], parts[0]);
          g_assert_cmpint (choice, >=, 0);
          g_assert_cmpint (all[f]->params[choice].type, ==, ATELIER_PARAM_CHOICE);
          g_assert_nonnull (parts[1]);
          g_auto (GStrv) listed = g_strsplit (parts[1], "|", -1);
          for (int k = 0; listed[k] != NULL; k++)
            {
              g_assert_true (atelier_filter_values_set_choice (v, parts[0], listed[k], &error));
              g_assert_true (atelier_filter_values_row_unused (v, i) == !negated);
            }
          /* Every other value of the choice: the opposite. */
          for (int c = 0; c < all[f]->params[choice].n_choices; c++)
            if (!g_strv_contains ((const char *const *) listed, all[f]->params[choice].choices[c].nick))
              {
                g_assert_true (atelier_filter_values_set_choice (v, parts[0], all[f]->params[choice].choices[c].nick,
                                                                 &error));
                g_assert_true (atelier_filter_values_row_unused (v, i) == negated);
              }
          atelier_filter_values_set (v, parts[0], all[f]->params[choice].default_value, NULL);
        }
    }
}

static void
assert_names_none (const char *described, const char *const *names)
{
  for (; *names != NULL; names++)
    if (strstr (described, *names) != NULL)
      g_error ("\"%s\" names %s", described, *names);
}

/* Inpaint's steps, guidance and sampler mean nothing with speed fast (the student's own); its seed still does.
 * Replace Background's colours and generated rows mean nothing for the backgrounds that do not use them. */
static void
test_unused_rows (void)
{
  g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (atelier_filter_find ("inpaint"));
  const int steps = atelier_filter_param_index (v->info, "steps"), seed = atelier_filter_param_index (v->info, "seed");
  g_assert_false (atelier_filter_values_row_unused (v, steps));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (v, "speed", "fast", &error));
  g_assert_true (atelier_filter_values_row_unused (v, steps));
  g_assert_true (atelier_filter_values_row_unused (v, atelier_filter_param_index (v->info, "guidance")));
  g_assert_true (atelier_filter_values_row_unused (v, atelier_filter_param_index (v->info, "sampler")));
  g_assert_false (atelier_filter_values_row_unused (v, seed));
  /* What describes a run (its settings line, its provenance) names only the rows that shaped it. */
  g_autofree char *described = atelier_filter_values_describe (v, NULL);
  assert_names_none (described, (const char *const[]) { "steps", "guidance", "sampler", NULL });
  g_assert_nonnull (strstr (described, "seed 0"));
  g_assert_nonnull (strstr (described, "speed fast"));
  g_assert_true (g_str_has_prefix (described, "seed 0, "));
  /* Replace Background on white names no colour and nothing of a generated background; a gradient its two
   * colours. */
  g_autoptr (AtelierFilterValues) background = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_autofree char *white = atelier_filter_values_describe (background, NULL);
  g_assert_true (g_str_has_prefix (white, "background white, shadow-opacity "));
  assert_names_none (white, (const char *const[]) { "colour", "style", "keep-layout", "enlarge", NULL });
  g_assert_true (atelier_filter_values_set_choice (background, "background", "gradient", &error));
  g_autofree char *gradient = atelier_filter_values_describe (background, NULL);
  g_assert_true (g_str_has_prefix (gradient, "background gradient, colour #f2f2f2, bottom-colour #c8c8c8, "));
  g_assert_null (strstr (gradient, "style"));
}

/* ------------------------------------------------------------- previews */

static AtelierTensor *
box_selection (int64_t height, int64_t width, int64_t top, int64_t left, int64_t h, int64_t w)
{
  AtelierTensor *selection = atelier_tensor_new_4d (1, 1, height, width, NULL);
  for (int64_t y = top; y < top + h; y++)
    for (int64_t x = left; x < left + w; x++)
      selection->data[y * width + x] = 1.0f;
  return selection;
}

static void
assert_area (const int64_t area[4], int64_t top, int64_t left, int64_t h, int64_t w)
{
  g_assert_cmpint (area[0], ==, top);
  g_assert_cmpint (area[1], ==, left);
  g_assert_cmpint (area[2], ==, h);
  g_assert_cmpint (area[3], ==, w);
}

/* For any selection, the window lies inside the layer, has the preview's side (or the layer's, when smaller)
 * and holds the selection's centre. */
static void
test_preview_window_area (void)
{
  const AtelierFilterPreview *preview = atelier_filter_find ("upscale")->preview;
  g_assert_cmpint (preview->region, ==, ATELIER_PREVIEW_WINDOW);
  g_autoptr (GError) error = NULL;
  for (int trial = 0; trial < 200; trial++)
    {
      const int64_t height = g_test_rand_int_range (1, 600), width = g_test_rand_int_range (1, 600);
      const int64_t top = g_test_rand_int_range (0, (gint32) height), left = g_test_rand_int_range (0, (gint32) width);
      const int64_t h = g_test_rand_int_range (1, (gint32) (height - top + 1));
      const int64_t w = g_test_rand_int_range (1, (gint32) (width - left + 1));
      g_autoptr (AtelierTensor) selection = trial % 4 ? box_selection (height, width, top, left, h, w) : NULL;
      /* Without a selection, the layer's centre. */
      const double centre_y = selection ? top + h / 2.0 : height / 2.0, centre_x = selection ? left + w / 2.0 : width / 2.0;
      int64_t area[4];
      double scale = 0;
      g_assert_true (atelier_filter_preview_area (preview, height, width, selection, area, &scale, &error));
      g_assert_cmpfloat (scale, ==, 1.0);
      g_assert_cmpint (area[2], ==, MIN (preview->region_side, height));
      g_assert_cmpint (area[3], ==, MIN (preview->region_side, width));
      g_assert_cmpint (area[0], >=, 0);
      g_assert_cmpint (area[1], >=, 0);
      g_assert_cmpint (area[0] + area[2], <=, height);
      g_assert_cmpint (area[1] + area[3], <=, width);
      g_assert_cmpfloat (centre_y, >=, area[0]);
      g_assert_cmpfloat (centre_y, <=, area[0] + area[2]);
      g_assert_cmpfloat (centre_x, >=, area[1]);
      g_assert_cmpfloat (centre_x, <=, area[1] + area[3]);
    }
  int64_t area[4];
  double scale;
  g_assert_false (atelier_filter_preview_area (preview, 0, 7, NULL, area, &scale, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_preview_selection_area (void)
{
  const AtelierFilterPreview *preview = atelier_filter_find ("inpaint")->preview;
  g_assert_cmpint (preview->region, ==, ATELIER_PREVIEW_SELECTION);
  int64_t area[4];
  double scale = 0;
  g_autoptr (GError) error = NULL;
  /* A 40x60 box at (200, 300): 60 pixels of context on every side, at full resolution. */
  g_autoptr (AtelierTensor) small = box_selection (1000, 1000, 200, 300, 40, 60);
  g_assert_true (atelier_filter_preview_area (preview, 1000, 1000, small, area, &scale, &error));
  assert_area (area, 140, 240, 160, 180);
  g_assert_cmpfloat (scale, ==, 1.0);
  /* 300x400 at (500, 100): the context of 400 is clipped by the layer, and the area reduced to fit. */
  g_autoptr (AtelierTensor) large = box_selection (1000, 1000, 500, 100, 300, 400);
  g_assert_true (atelier_filter_preview_area (preview, 1000, 1000, large, area, &scale, &error));
  assert_area (area, 100, 0, 900, 900);
  g_assert_cmpfloat_with_epsilon (scale, 256.0 / 900.0, 1e-12);
  /* Nothing to fill, or nothing to match: no preview, with the reason. */
  g_assert_false (atelier_filter_preview_area (preview, 1000, 1000, NULL, area, &scale, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) all = box_selection (30, 20, 0, 0, 30, 20);
  g_assert_false (atelier_filter_preview_area (preview, 30, 20, all, area, &scale, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static AtelierTensor *
random_image (int channels, int64_t h, int64_t w)
{
  AtelierTensor *image = atelier_tensor_new_4d (1, channels, h, w, NULL);
  for (int64_t i = 0; i < atelier_tensor_numel (image); i++)
    image->data[i] = (float) g_test_rand_double_range (0.0, 1.0);
  return image;
}

/* Where @part lies in @whole, found by comparing pixels: the preview's position is read off its output, not
 * recomputed the way the implementation does. */
static void
locate (const AtelierTensor *part, const AtelierTensor *whole, int64_t *top, int64_t *left)
{
  for (int64_t y = 0; y + part->shape[2] <= whole->shape[2]; y++)
    for (int64_t x = 0; x + part->shape[3] <= whole->shape[3]; x++)
      {
        g_autoptr (AtelierTensor) crop = atelier_tensor_crop (whole, y, x, part->shape[2], part->shape[3], NULL);
        if (test_max_abs_diff (crop, part) == 0.0f)
          {
            *top = y;
            *left = x;
            return;
          }
      }
  g_error ("the preview's source is not a part of the region");
}

/* The upscaler's preview is a part of the region, enlarged to fill the preview, and its pixels are those of
 * the whole region enlarged, away from its border (where the network sees past the window's edge). The
 * network is opened once for every preview and for the whole run. */
static void
test_preview_upscale (void)
{
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("upscale"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "model", "slim", &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) region = random_image (4, 128, 100);
  const int scales[] = { 2, 4 };
  for (gsize i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      const int s = scales[i];
      g_assert_true (atelier_filter_values_set (values, "scale", s, &error));
      g_autoptr (AtelierTensor) before = NULL, after = NULL;
      g_assert_true (atelier_filter_preview_render (filter, ctx, values, region, NULL, &before, &after, &error));
      g_assert_no_error (error);
      g_assert_cmpint (after->shape[2], ==, before->shape[2] * s);
      g_assert_cmpint (after->shape[3], ==, before->shape[3] * s);
      g_assert_cmpint (MAX (after->shape[2], after->shape[3]), >=, ATELIER_PREVIEW_SIDE - s);
      int64_t top, left;
      locate (before, region, &top, &left);

      const AtelierFilterInput in = { region, NULL, FALSE, NULL };
      g_autoptr (AtelierFilterOutput) whole = atelier_filter_apply (filter, ctx, values, &in, &error);
      g_assert_no_error (error);
      g_autoptr (AtelierRdn) net = atelier_rdn_open ("slim", s, &error);
      g_assert_no_error (error);
      const int64_t border = atelier_rdn_receptive_radius (net) * s;
      const int64_t h = after->shape[2] - 2 * border, w = after->shape[3] - 2 * border;
      g_assert_cmpint (MIN (h, w), >=, 16);
      g_autoptr (AtelierTensor) inner = atelier_tensor_crop (after, border, border, h, w, &error);
      g_autoptr (AtelierTensor) same = atelier_tensor_crop (whole->pixels, top * s + border, left * s + border, h, w, &error);
      g_test_message ("x%d: preview vs the whole region's run, %" G_GINT64_FORMAT " pixels from the border: %g", s, border,
                      test_max_abs_diff (inner, same));
      test_assert_close (inner, same, 1e-5f);
    }
  /* One network per scale, whatever the number of runs. */
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (filter)), ==, G_N_ELEMENTS (scales));
}

/* Two layers (or files) through one filter instance: the network is opened and hashed once, and the same
 * network serves both. */
static gpointer
must_not_open (gconstpointer data, GError **error)
{
  (void) data;
  (void) error;
  g_error ("the model was opened again");
  return NULL;
}

static void
test_models_opened_once (void)
{
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("upscale"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "model", "slim", &error));
  g_assert_true (atelier_filter_values_set (values, "scale", 2, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  AtelierModelCache *models = atelier_filter_get_models (filter);
  g_assert_cmpint (atelier_model_cache_opens (models), ==, 0);
  for (int layer = 0; layer < 2; layer++)
    {
      g_autoptr (AtelierTensor) image = random_image (3, 12 + layer, 9);
      const AtelierFilterInput in = { image, NULL, FALSE, NULL };
      g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out->pixels->shape[2], ==, 2 * (12 + layer));
      g_assert_cmpint (atelier_model_cache_opens (models), ==, 1);
    }
  g_assert_nonnull (atelier_model_cache_get (models, "esrgan-slim-x2", must_not_open, NULL, g_free, &error));
  /* Another instance opens its own. */
  g_autoptr (AtelierFilter) other = atelier_filter_new (atelier_filter_get_info (filter));
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (other)), ==, 0);
}

/* The inpainting preview of a small selection, rendered from the region the front end reads, is the filter's
 * own result on the whole image in that region (the new layer over the source). */
static void
test_preview_inpaint_is_exact (void)
{
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("inpaint"));
  const AtelierFilterInfo *inpaint = atelier_filter_get_info (filter);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (inpaint);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = random_image (3, 300, 340);
  /* 60x70 with 70 pixels of context: a 200x210 region, more than the smallest working size (128). */
  g_autoptr (AtelierTensor) selection = box_selection (300, 340, 110, 130, 60, 70);
  int64_t area[4];
  double scale;
  g_assert_true (atelier_filter_preview_area (inpaint->preview, 300, 340, selection, area, &scale, &error));
  g_assert_cmpfloat (scale, ==, 1.0);
  g_autoptr (AtelierTensor) region = atelier_tensor_crop (image, area[0], area[1], area[2], area[3], &error);
  g_autoptr (AtelierTensor) region_selection = atelier_tensor_crop (selection, area[0], area[1], area[2], area[3], &error);
  g_autoptr (AtelierTensor) before = NULL, after = NULL;
  g_assert_true (atelier_filter_preview_render (filter, ctx, values, region, region_selection, &before, &after, &error));
  test_assert_close (before, region, 0.0f);
  const AtelierFilterInput in = { image, selection, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) whole = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) seen = atelier_planes_over (whole->pixels, image, &error);
  g_autoptr (AtelierTensor) same_area = atelier_tensor_crop (seen, area[0], area[1], area[2], area[3], &error);
  test_assert_close (after, same_area, 1e-6f);
  /* Outside the selection the source shows through exactly. */
  for (int64_t c = 0; c < 3; c++)
    for (int64_t i = 0; i < area[2] * area[3]; i++)
      if (region_selection->data[i] == 0.0f)
        g_assert_cmpfloat (after->data[c * area[2] * area[3] + i], ==, region->data[c * area[2] * area[3] + i]);
  /* The latent diffusion model and the three enlargers of reduced fills (slim x2, x3, x4) were opened once each
   * for both. */
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (filter)), ==, 4);
  /* Without a selection there is nothing to fill. */
  g_autoptr (AtelierTensor) none_before = NULL, none_after = NULL;
  g_assert_false (atelier_filter_preview_render (filter, ctx, values, region, NULL, &none_before, &none_after, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (none_after);
}

/* ---------------------------------------------------------- image planes */

static AtelierTensor *
pixels_of (int channels, int h, int w, const float *values)
{
  AtelierTensor *t = atelier_tensor_new_4d (1, channels, h, w, NULL);
  memcpy (t->data, values, sizeof (float) * channels * h * w);
  return t;
}

static void
assert_pixels (const AtelierTensor *t, int channels, const float *expected)
{
  g_assert_cmpint (t->shape[1], ==, channels);
  for (int64_t i = 0; i < atelier_tensor_numel (t); i++)
    g_assert_cmpfloat_with_epsilon (t->data[i], expected[i], 1e-7);
}

/* Two pixels each, worked out by hand. */
static void
test_image_planes (void)
{
  g_autoptr (GError) error = NULL;
  /* Grey + alpha: grey 0.2, 0.8; alpha 0.5, 1. */
  g_autoptr (AtelierTensor) grey_alpha = pixels_of (2, 1, 2, (const float[]) { 0.2f, 0.8f, 0.5f, 1.0f });
  g_autoptr (AtelierTensor) colour = atelier_planes_colour (grey_alpha, &error);
  assert_pixels (colour, 1, (const float[]) { 0.2f, 0.8f });
  g_autoptr (AtelierTensor) alpha = atelier_planes_alpha_view (grey_alpha);
  assert_pixels (alpha, 1, (const float[]) { 0.5f, 1.0f });
  g_autoptr (AtelierTensor) rgb = atelier_planes_rgb (grey_alpha, &error);
  assert_pixels (rgb, 3, (const float[]) { 0.2f, 0.8f, 0.2f, 0.8f, 0.2f, 0.8f });
  g_autoptr (AtelierTensor) joined = atelier_planes_join (colour, alpha, &error);
  test_assert_close (joined, grey_alpha, 0.0f);
  g_assert_null (atelier_planes_alpha_view (rgb));
  /* RGB to grey: the mean of the three. */
  g_autoptr (AtelierTensor) some_rgb = pixels_of (3, 1, 2, (const float[]) { 0.9f, 0.0f, 0.3f, 0.6f, 0.0f, 0.3f });
  g_autoptr (AtelierTensor) grey = atelier_planes_from_rgb (some_rgb, 1, &error);
  assert_pixels (grey, 1, (const float[]) { 0.4f, 0.3f });
  /* Premultiplied by alpha 0.5, 1. */
  atelier_planes_premultiply (some_rgb, alpha);
  assert_pixels (some_rgb, 3, (const float[]) { 0.45f, 0.0f, 0.15f, 0.6f, 0.0f, 0.3f });
  /* A grey layer (0.8 at alpha 0.25, 0.1 at alpha 0) over RGBA (0.4, 0.2, 0.0 at alpha 0.5; 0.7, 0.3, 0.9 at 1):
   * alpha 0.25 + 0.5 * 0.75 = 0.625, red (0.8 * 0.25 + 0.4 * 0.5 * 0.75) / 0.625 = 0.56, green 0.44, blue 0.32;
   * the transparent pixel keeps the image's exactly. */
  g_autoptr (AtelierTensor) layer = pixels_of (2, 1, 2, (const float[]) { 0.8f, 0.1f, 0.25f, 0.0f });
  g_autoptr (AtelierTensor) below = pixels_of (4, 1, 2, (const float[]) { 0.4f, 0.7f, 0.2f, 0.3f, 0.0f, 0.9f, 0.5f, 1.0f });
  g_autoptr (AtelierTensor) over = atelier_planes_over (layer, below, &error);
  g_assert_no_error (error);
  assert_pixels (over, 4, (const float[]) { 0.56f, 0.7f, 0.44f, 0.3f, 0.32f, 0.9f, 0.625f, 1.0f });
  g_assert_null (atelier_planes_over (rgb, below, &error)); /* a layer without alpha */
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

/* ------------------------------------------------- Select Subject, Cutout */

/* The subject probability the pipeline gives @rgb, stretched to the network as the filters' default does. */
static AtelierTensor *
pipeline_coarse (AtelierContext *ctx, const AtelierTensor *rgb)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open ("isnet-medium", &error);
  g_assert_no_error (error);
  g_auto (AtelierSubjectMask) mask = { 0 };
  g_assert_true (atelier_subject_mask_compute (ctx, net, rgb, ATELIER_SUBJECT_RESIZE_PACKAGE, &mask, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&mask.probability);
}

static AtelierTensor *
run_filter (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *image)
{
  g_autoptr (GError) error = NULL;
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out->pixels);
}

/* The mean of @matte inside (or outside) a circle of @radius around the centre. */
static double
mean_in_circle (const AtelierTensor *matte, double radius, gboolean inside)
{
  const gint64 h = matte->shape[2], w = matte->shape[3];
  double sum = 0.0;
  gint64 n = 0;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const double dy = y + 0.5 - h / 2.0, dx = x + 0.5 - w / 2.0;
        if ((dy * dy + dx * dx <= radius * radius) == inside)
          {
            sum += matte->data[y * w + x];
            n++;
          }
      }
  return sum / (double) MAX (n, 1);
}

/* The filter is the pipeline: ISNet's probability refined with the options its parameters name (set here field
 * by field), on a disc on a texture; and the network does find the disc. */
static void
test_select_subject_is_the_pipeline (void)
{
  if (!test_isnet_ready ())
    return;
  const gint64 h = 160, w = 224;
  g_autoptr (AtelierTensor) image = test_subject_image (h, w);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) coarse = pipeline_coarse (ctx, image);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("select-subject"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));

  g_autoptr (AtelierTensor) matte = run_filter (filter, ctx, values, image);
  AtelierMatteOptions options = atelier_matte_options_default ();
  g_autoptr (AtelierTensor) expected = atelier_matte_refine (ctx, image, coarse, &options, NULL);
  g_assert_cmpfloat (test_max_abs_diff (matte, expected), <=, 1e-6f);
  const double r = test_subject_radius (h, w);
  g_assert_cmpfloat (mean_in_circle (matte, 0.85 * r, TRUE), >, 0.95);
  g_assert_cmpfloat (mean_in_circle (matte, 1.15 * r, FALSE), <, 0.05);

  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "grow", 4, &error));
  g_assert_true (atelier_filter_values_set (values, "feather", 3, &error));
  g_assert_true (atelier_filter_values_set (values, "softness", 0.5, &error));
  g_assert_true (atelier_filter_values_set (values, "keep-holes", 0, &error));
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) grown = run_filter (filter, ctx, values, image);
  options.grow = 4;
  options.feather = 3;
  options.softness = 0.5;
  options.keep_holes = FALSE;
  g_autoptr (AtelierTensor) grown_expected = atelier_matte_refine (ctx, image, coarse, &options, NULL);
  g_assert_cmpfloat (test_max_abs_diff (grown, grown_expected), <=, 1e-6f);
  g_assert_cmpfloat (mean_in_circle (grown, 1.15 * r, FALSE), >, mean_in_circle (matte, 1.15 * r, FALSE));
  /* Two runs, one model. */
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (filter)), ==, 1);
}

/* The same on a real product photograph, where the shared data is there. */
static void
test_select_subject_real_photo (void)
{
  g_autofree char *path = test_product_photo ("watch_plain.jpg");
  if (path == NULL || !test_isnet_ready ())
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) photo = atelier_image_load (path, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) coarse = pipeline_coarse (ctx, photo->pixels);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("select-subject"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierTensor) matte = run_filter (filter, ctx, values, photo->pixels);
  const AtelierMatteOptions options = atelier_matte_options_default ();
  g_autoptr (AtelierTensor) expected = atelier_matte_refine (ctx, photo->pixels, coarse, &options, NULL);
  g_assert_cmpfloat (test_max_abs_diff (matte, expected), <=, 1e-6f);
  /* A product shot: the subject is a fair part of the frame, not all of it. */
  const double mean = mean_in_circle (matte, 1e9, TRUE);
  g_assert_cmpfloat (mean, >, 0.05);
  g_assert_cmpfloat (mean, <, 0.9);
}

/* Cutout's alpha is the matte and its colours the foreground estimate (atelier_matte_cutout); a grey layer gets a
 * grey + alpha cut-out. */
static void
test_cutout_is_the_pipeline (void)
{
  if (!test_isnet_ready ())
    return;
  const gint64 h = 128, w = 176;
  g_autoptr (AtelierTensor) image = test_subject_image (h, w);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) coarse = pipeline_coarse (ctx, image);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("cutout"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierTensor) cutout = run_filter (filter, ctx, values, image);
  const AtelierMatteOptions matte = atelier_matte_options_default ();
  const AtelierForegroundOptions foreground = atelier_foreground_options_default ();
  g_autoptr (AtelierTensor) expected = atelier_matte_cutout (ctx, image, coarse, &matte, &foreground, NULL);
  g_assert_cmpint (cutout->shape[1], ==, 4);
  g_assert_cmpfloat (test_max_abs_diff (cutout, expected), <=, 1e-6f);

  g_autoptr (AtelierTensor) grey = atelier_planes_from_rgb (image, 1, NULL);
  g_autoptr (AtelierTensor) grey_cutout = run_filter (filter, ctx, values, grey);
  g_assert_cmpint (grey_cutout->shape[1], ==, 2);
  g_assert_cmpint (grey_cutout->shape[2], ==, h);
}

/* Inputs the network was not made for give a matte of the right size or a clear message, and never change the
 * input. */
static void
test_select_subject_odd_inputs (void)
{
  if (!test_isnet_ready ())
    return;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("select-subject"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierTensor) tiny = test_subject_image (8, 8);
  g_autoptr (AtelierTensor) strip = test_subject_image (300, 20000);
  g_autoptr (AtelierTensor) colour = test_subject_image (96, 128);
  g_autoptr (AtelierTensor) grey = atelier_planes_from_rgb (colour, 1, NULL);
  g_autoptr (AtelierTensor) opaque = atelier_tensor_new_4d (1, 1, 96, 128, NULL);
  atelier_tensor_fill (opaque, 1.0f);
  g_autoptr (AtelierTensor) rgba = atelier_planes_join (colour, opaque, NULL);
  const AtelierTensor *inputs[] = { tiny, strip, grey, rgba };
  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr (AtelierTensor) before = atelier_tensor_copy (inputs[i], NULL);
      g_autoptr (GError) error = NULL;
      const AtelierFilterInput in = { inputs[i], NULL, FALSE, NULL };
      g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
      g_test_message ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT ": %s", inputs[i]->shape[1],
                      inputs[i]->shape[2], inputs[i]->shape[3], out ? "a matte" : error->message);
      if (out != NULL)
        {
          g_assert_cmpint (out->pixels->shape[1], ==, 1);
          g_assert_cmpint (out->pixels->shape[2], ==, inputs[i]->shape[2]);
          g_assert_cmpint (out->pixels->shape[3], ==, inputs[i]->shape[3]);
          g_assert_cmpfloat (test_max_abs (out->pixels), <=, 1.0f);
        }
      else
        g_assert_cmpuint (strlen (error->message), >, 10);
      g_assert_cmpfloat (test_max_abs_diff (inputs[i], before), ==, 0.0f);
    }
}

/* A flat grey image has no subject: a message that says so, not an empty selection. */
static void
test_select_subject_nothing_found (void)
{
  if (!test_isnet_ready ())
    return;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("select-subject"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierTensor) flat = atelier_tensor_new_4d (1, 3, 120, 160, NULL);
  atelier_tensor_fill (flat, 0.5f);
  g_autoptr (GError) error = NULL;
  const AtelierFilterInput in = { flat, NULL, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_null (out);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "no subject found"));
}

/* A truncated weights file is a message naming the problem, not a crash. */
static void
test_select_subject_corrupt_model (void)
{
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "..", "models", "isnet", "isnet-medium.json", NULL);
  if (!test_isnet_ready ())
    return;
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *json = NULL, *weights = NULL;
  gsize json_size;
  g_assert_true (g_file_get_contents (manifest, &json, &json_size, NULL));
  g_autofree char *json_copy = g_build_filename (dir, "isnet-medium.json", NULL);
  g_autofree char *weights_copy = g_build_filename (dir, "isnet-medium.safetensors", NULL);
  g_assert_true (g_file_set_contents (json_copy, json, (gssize) json_size, NULL));
  g_assert_true (g_file_set_contents (weights_copy, "{\"truncated", -1, NULL));
  g_setenv ("ATELIER_MODEL_PATH", dir, TRUE);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("select-subject"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (AtelierTensor) image = test_subject_image (64, 64);
  g_autoptr (GError) error = NULL;
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_unsetenv ("ATELIER_MODEL_PATH");
  g_assert_null (out);
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "isnet-medium"));
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filters/defaults-and-access", test_defaults_and_access);
  g_test_add_func ("/filters/range-texts", test_range_texts);
  g_test_add_func ("/filters/validation", test_validation);
  g_test_add_func ("/filters/colours", test_colours);
  g_test_add_func ("/filters/registry", test_registry);
  g_test_add_func ("/filters/unused-rows", test_unused_rows);
  g_test_add_func ("/filters/layers/composite", test_layers_composite);
  g_test_add_func ("/filters/layers/settings", test_layers_settings);
  g_test_add_func ("/filters/preview/window-area", test_preview_window_area);
  g_test_add_func ("/filters/preview/selection-area", test_preview_selection_area);
  g_test_add_func ("/filters/preview/upscale", test_preview_upscale);
  g_test_add_func ("/filters/preview/inpaint-is-exact", test_preview_inpaint_is_exact);
  g_test_add_func ("/filters/models-opened-once", test_models_opened_once);
  g_test_add_func ("/filters/image-planes", test_image_planes);
  g_test_add_func ("/filters/select-subject/is-the-pipeline", test_select_subject_is_the_pipeline);
  g_test_add_func ("/filters/select-subject/real-photo", test_select_subject_real_photo);
  g_test_add_func ("/filters/select-subject/odd-inputs", test_select_subject_odd_inputs);
  g_test_add_func ("/filters/select-subject/nothing-found", test_select_subject_nothing_found);
  g_test_add_func ("/filters/select-subject/corrupt-model", test_select_subject_corrupt_model);
  g_test_add_func ("/filters/cutout/is-the-pipeline", test_cutout_is_the_pipeline);
  return g_test_run ();
}
