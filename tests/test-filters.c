/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Filter descriptions: defaults, validation and the range texts that the PDB
 * documentation, the command line and error messages share; the dialog
 * previews' regions and renders. */
#include "test-helpers.h"

#include <math.h>
#include <string.h>

static const int odd_sizes[] = { 1, 3, 5, 0 };
static const AtelierParamChoice modes[] = { { "fast", "Fast" }, { "good", "Good" }, { NULL } };
static const AtelierParamSpec params[] = {
  { "size", ATELIER_PARAM_INT, "_Size", "Kernel size", 1, 5, 3, 2, 0, odd_sizes, NULL },
  { "count", ATELIER_PARAM_INT, "_Count", "Steps", 1, 50, 20, 1, 0, NULL, NULL },
  { "strength", ATELIER_PARAM_DOUBLE, "_Strength", "How strong", 0.0, 1.0, 0.75, 0.05, 2, NULL, NULL },
  { "shadow", ATELIER_PARAM_BOOLEAN, "S_hadow", "Add a shadow", 0, 1, 1, 1, 0, NULL, NULL },
  { "mode", ATELIER_PARAM_CHOICE, "_Mode", "Speed or quality", 0, 1, 1, 1, 0, NULL, modes },
};
static const AtelierFilterInfo info = { "test", "_Test...", "A test filter", "Help", params, G_N_ELEMENTS (params), NULL, 0, NULL };

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
  const char *expected[] = { "1, 3 or 5", "1 to 50", "0.00 to 1.00", "0 or 1", "fast or good" };
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

static void
test_registry (void)
{
  int n;
  const AtelierFilterInfo *const *all = atelier_filters (&n);
  g_assert_cmpint (n, >=, 1);
  g_assert_true (atelier_filter_find ("upscale") == &atelier_filter_upscale);
  g_assert_null (atelier_filter_find ("nope"));
  /* Every shipped description's defaults are valid, and every choice default exists. */
  for (int f = 0; f < n; f++)
    {
      g_autoptr (AtelierFilterValues) v = atelier_filter_values_new (all[f]);
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_filter_values_validate (v, &error));
      g_assert_no_error (error);
    }
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

static void
test_preview_window_area (void)
{
  const AtelierFilterPreview *preview = atelier_filter_upscale.preview;
  g_assert_cmpint (preview->region, ==, ATELIER_PREVIEW_WINDOW);
  const int64_t side = preview->region_side;
  int64_t area[4];
  double scale = 0;
  g_autoptr (GError) error = NULL;
  /* No selection: the layer's centre. */
  g_assert_true (atelier_filter_preview_area (preview, 800, 1000, NULL, area, &scale, &error));
  assert_area (area, 400 - side / 2, 500 - side / 2, side, side);
  g_assert_cmpfloat (scale, ==, 1.0);
  /* Centred on the selection's box (rows 100..199, columns 600..699). */
  g_autoptr (AtelierTensor) selection = box_selection (800, 1000, 100, 600, 100, 100);
  g_assert_true (atelier_filter_preview_area (preview, 800, 1000, selection, area, &scale, &error));
  assert_area (area, 150 - side / 2, 650 - side / 2, side, side);
  /* A selection in a corner: the window stays inside the layer. */
  g_autoptr (AtelierTensor) corner = box_selection (800, 1000, 790, 995, 10, 5);
  g_assert_true (atelier_filter_preview_area (preview, 800, 1000, corner, area, &scale, &error));
  assert_area (area, 800 - side, 1000 - side, side, side);
  /* A layer smaller than the window: all of it. */
  g_assert_true (atelier_filter_preview_area (preview, 40, 7, NULL, area, &scale, &error));
  assert_area (area, 0, 0, 40, 7);
  g_assert_false (atelier_filter_preview_area (preview, 0, 7, NULL, area, &scale, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_preview_selection_area (void)
{
  const AtelierFilterPreview *preview = atelier_filter_inpaint.preview;
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
  g_assert_cmpfloat_with_epsilon (scale, (double) preview->region_side / 900.0, 1e-12);
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

/* The upscaler's preview enlarges the window at the region's centre whose enlargement fills the preview. */
static void
test_preview_upscale (void)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (&atelier_filter_upscale);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "model", "slim", &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) region = random_image (4, 128, 100);
  const int scales[] = { 2, 3, 4, 8 };
  for (gsize i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_assert_true (atelier_filter_values_set (values, "scale", scales[i], &error));
      g_autoptr (AtelierTensor) before = NULL, after = NULL;
      g_assert_true (atelier_filter_upscale.preview->render (ctx, values, region, NULL, &before, &after, &error));
      g_assert_no_error (error);
      const int64_t side = (ATELIER_PREVIEW_SIDE + scales[i] - 1) / scales[i];
      const int64_t h = MIN (side, 128), w = MIN (side, 100);
      g_autoptr (AtelierTensor) window = atelier_tensor_crop (region, (128 - h) / 2, (100 - w) / 2, h, w, &error);
      test_assert_close (before, window, 0.0f);
      g_autoptr (AtelierTensor) expected = atelier_filter_upscale_run (ctx, values, window, &error);
      test_assert_close (after, expected, 0.0f);
      g_assert_cmpint (after->shape[2], ==, h * scales[i]);
      g_assert_cmpint (after->shape[3], ==, w * scales[i]);
      g_assert_cmpint (MAX (after->shape[2], after->shape[3]), >=, ATELIER_PREVIEW_SIDE - scales[i]);
    }
}

/* The inpainting preview fills the selection at a working size of at most the preview's side and leaves the
 * rest exact. */
static void
test_preview_inpaint (void)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (&atelier_filter_inpaint);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "steps", 4, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) region = random_image (3, 180, 240);
  g_autoptr (AtelierTensor) selection = box_selection (180, 240, 60, 80, 60, 80);
  g_autoptr (AtelierTensor) before = NULL, after = NULL;
  g_assert_true (atelier_filter_inpaint.preview->render (ctx, values, region, selection, &before, &after, &error));
  g_assert_no_error (error);
  test_assert_close (before, region, 0.0f);
  g_assert_true (atelier_tensor_same_shape (after, region));
  float changed = 0.0f;
  for (int64_t c = 0; c < 3; c++)
    for (int64_t i = 0; i < 180 * 240; i++)
      {
        const float d = fabsf (after->data[c * 180 * 240 + i] - region->data[c * 180 * 240 + i]);
        if (selection->data[i] == 0.0f)
          g_assert_cmpfloat (d, ==, 0.0f);
        else
          changed = MAX (changed, d);
      }
  g_assert_cmpfloat (changed, >, 0.1f);
  g_autoptr (AtelierFilterValues) quick = atelier_filter_values_copy (values);
  g_assert_true (atelier_filter_values_set (quick, "working-size", ATELIER_PREVIEW_SIDE, &error));
  g_autoptr (AtelierTensor) expected = atelier_filter_inpaint_run (ctx, quick, region, selection, &error);
  test_assert_close (after, expected, 0.0f);
  /* Without a selection there is nothing to preview. */
  g_autoptr (AtelierTensor) none_before = NULL, none_after = NULL;
  g_assert_false (atelier_filter_inpaint.preview->render (ctx, values, region, NULL, &none_before, &none_after, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (none_after);
}

/* A small selection: the preview, rendered from the region the front end reads, is the filter's own result
 * on the whole image in that region. */
static void
test_preview_inpaint_is_exact (void)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (&atelier_filter_inpaint);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = random_image (3, 300, 340);
  /* 60x70 with 70 pixels of context: a 200x210 region, more than the smallest working size (128). */
  g_autoptr (AtelierTensor) selection = box_selection (300, 340, 110, 130, 60, 70);
  int64_t area[4];
  double scale;
  g_assert_true (atelier_filter_preview_area (atelier_filter_inpaint.preview, 300, 340, selection, area, &scale, &error));
  g_assert_cmpfloat (scale, ==, 1.0);
  g_autoptr (AtelierTensor) region = atelier_tensor_crop (image, area[0], area[1], area[2], area[3], &error);
  g_autoptr (AtelierTensor) region_selection = atelier_tensor_crop (selection, area[0], area[1], area[2], area[3], &error);
  g_autoptr (AtelierTensor) before = NULL, after = NULL;
  g_assert_true (atelier_filter_inpaint.preview->render (ctx, values, region, region_selection, &before, &after, &error));
  g_autoptr (AtelierTensor) whole = atelier_filter_inpaint_run (ctx, values, image, selection, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) same_area = atelier_tensor_crop (whole, area[0], area[1], area[2], area[3], &error);
  test_assert_close (after, same_area, 1e-6f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/filters/defaults-and-access", test_defaults_and_access);
  g_test_add_func ("/filters/range-texts", test_range_texts);
  g_test_add_func ("/filters/validation", test_validation);
  g_test_add_func ("/filters/registry", test_registry);
  g_test_add_func ("/filters/preview/window-area", test_preview_window_area);
  g_test_add_func ("/filters/preview/selection-area", test_preview_selection_area);
  g_test_add_func ("/filters/preview/upscale", test_preview_upscale);
  g_test_add_func ("/filters/preview/inpaint", test_preview_inpaint);
  g_test_add_func ("/filters/preview/inpaint-is-exact", test_preview_inpaint_is_exact);
  return g_test_run ();
}
