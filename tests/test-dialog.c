/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The generated GTK3 dialog (needs a display: meson runs it under xvfb-run). */
#include "atelier-dialog.h"
#include "atelier-preview-pane.h"
#include "test-helpers.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
test_values_round_trip (void)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("upscale"));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "scale", 8, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "model", "slim", &error));
  g_assert_true (atelier_filter_values_set (values, "tile", 256, &error));
  GtkWidget *dialog = atelier_dialog_new (atelier_filter_find ("upscale"), values, "test");
  /* Clobber the values: reading the widgets must restore what they show. */
  for (int i = 0; i < atelier_filter_find ("upscale")->n_params; i++)
    values->values[i] = -1;
  atelier_dialog_read_values (dialog);
  g_assert_cmpint (atelier_filter_values_get_int (values, "scale"), ==, 8);
  g_assert_cmpstr (atelier_filter_values_get_choice (values, "model"), ==, "slim");
  g_assert_cmpint (atelier_filter_values_get_int (values, "tile"), ==, 256);

  atelier_dialog_reset (dialog);
  atelier_dialog_read_values (dialog);
  g_assert_cmpint (atelier_filter_values_get_int (values, "scale"), ==, 4);
  g_assert_cmpstr (atelier_filter_values_get_choice (values, "model"), ==, "thick");
  g_assert_cmpint (atelier_filter_values_get_int (values, "tile"), ==, 0);
  g_assert_true (atelier_filter_values_validate (values, &error));
  gtk_widget_destroy (dialog);
}

/* A colour parameter's widget keeps all 24 bits of the colour. */
static void
test_colour_round_trip (void)
{
  const AtelierFilterInfo *info = atelier_filter_find ("plain-background");
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (info);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set (values, "colour", 0x01fe80, &error));
  GtkWidget *dialog = atelier_dialog_new (info, values, "test");
  g_assert_true (atelier_filter_values_set (values, "colour", 0, &error));
  atelier_dialog_read_values (dialog);
  g_assert_cmpfloat (atelier_filter_values_get (values, "colour"), ==, 0x01fe80);
  atelier_dialog_reset (dialog);
  atelier_dialog_read_values (dialog);
  g_assert_cmpfloat (atelier_filter_values_get (values, "colour"), ==, info->params[1].default_value);
  gtk_widget_destroy (dialog);
}

/* Hand-computed: colour over GIMP-like mid-grey checks by alpha; grey fills all three channels. */
static void
test_pixbuf_from_tensor (void)
{
  g_autoptr (AtelierTensor) ga = atelier_tensor_new_4d (1, 2, 1, 9, NULL);
  ga->data[0] = 1.0f, ga->data[9 + 0] = 0.25f; /* (0, 0): 0.25 + 0.4 * 0.75 = 0.55 -> 140 */
  ga->data[8] = 0.3f, ga->data[9 + 8] = 0.0f;  /* (8, 0): a light check, 0.6 -> 153 */
  g_autoptr (GdkPixbuf) pixbuf = atelier_pixbuf_from_tensor (ga);
  const guchar *p = gdk_pixbuf_get_pixels (pixbuf);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 9);
  g_assert_false (gdk_pixbuf_get_has_alpha (pixbuf));
  for (int c = 0; c < 3; c++)
    {
      g_assert_cmpint (p[c], ==, 140);
      g_assert_cmpint (p[8 * 3 + c], ==, 153);
    }
  g_autoptr (AtelierTensor) rgb = atelier_tensor_new_4d (1, 3, 1, 1, NULL);
  rgb->data[0] = 1.5f, rgb->data[1] = 0.5f, rgb->data[2] = -1.0f;
  g_autoptr (GdkPixbuf) clamped = atelier_pixbuf_from_tensor (rgb);
  p = gdk_pixbuf_get_pixels (clamped);
  g_assert_cmpint (p[0], ==, 255);
  g_assert_cmpint (abs (p[1] - 128), <=, 1);
  g_assert_cmpint (p[2], ==, 0);
}

static void
wait_for_preview (GtkWidget *pane)
{
  while (atelier_preview_pane_is_busy (pane))
    g_main_context_iteration (NULL, TRUE);
}

/* The pane shows, within 8-bit rounding, what the engine's preview of the region renders with these widgets'
 * values (engine/filters is tested for what that preview is); the dialog's job is to follow the widgets. */
static void
assert_preview_shows (GtkWidget *pane, AtelierFilter *filter, const AtelierTensor *region, const char *model, int scale)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "model", model, &error));
  g_assert_true (atelier_filter_values_set (values, "scale", scale, &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) before = NULL, expected = NULL;
  g_assert_true (atelier_filter_preview_render (filter, ctx, values, region, NULL, &before, &expected, &error));
  g_assert_no_error (error);
  GdkPixbuf *shown = atelier_preview_pane_get_result (pane);
  g_assert_nonnull (shown);
  const int w = gdk_pixbuf_get_width (shown), h = gdk_pixbuf_get_height (shown);
  g_assert_cmpint (w, ==, expected->shape[3]);
  g_assert_cmpint (h, ==, expected->shape[2]);
  const guchar *p = gdk_pixbuf_get_pixels (shown);
  const int stride = gdk_pixbuf_get_rowstride (shown);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < 3; c++)
        g_assert_cmpfloat (fabsf (p[y * stride + x * 3 + c] - 255.0f * expected->data[(c * h + y) * w + x]), <=, 0.51f);
}

static void
test_preview_follows_widgets (void)
{
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("upscale"));
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "model", "slim", &error));
  g_assert_true (atelier_filter_values_set (values, "scale", 2, &error));
  AtelierTensor *region = atelier_tensor_new_4d (1, 3, 128, 128, NULL);
  for (int64_t i = 0; i < atelier_tensor_numel (region); i++)
    region->data[i] = (float) g_test_rand_double_range (0.0, 1.0);
  g_autoptr (AtelierTensor) kept = atelier_tensor_copy (region, &error);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("upscale"));
  GtkWidget *dialog = atelier_dialog_new (atelier_filter_get_info (filter), values, "test");
  GtkWidget *pane = atelier_dialog_add_preview (dialog, filter, region, NULL);
  g_assert_nonnull (pane);
  g_assert_true (atelier_preview_pane_is_busy (pane));
  wait_for_preview (pane);
  assert_preview_shows (pane, filter, kept, "slim", 2);

  /* Reset puts the defaults (thick, x4) into the widgets; the preview follows them, while the values
   * themselves change only on OK. */
  atelier_dialog_reset (dialog);
  g_assert_true (atelier_preview_pane_is_busy (pane));
  wait_for_preview (pane);
  g_assert_cmpint (atelier_filter_values_get_int (values, "scale"), ==, 2);
  g_assert_nonnull (strstr (atelier_preview_pane_get_status (pane), "Rendered"));
  assert_preview_shows (pane, filter, kept, "thick", 4);
  gtk_widget_destroy (dialog);
  /* The dialog's renders and the checks above shared the filter's networks: one per model and scale. */
  g_assert_cmpint (atelier_model_cache_opens (atelier_filter_get_models (filter)), ==, 2);
}

/* A filter that needs a selection previews nothing without one, and says why. */
static void
test_preview_error (void)
{
  g_autoptr (AtelierFilter) inpaint = atelier_filter_new (atelier_filter_find ("inpaint"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (inpaint));
  GtkWidget *dialog = atelier_dialog_new (atelier_filter_get_info (inpaint), values, "test");
  GtkWidget *pane = atelier_dialog_add_preview (dialog, inpaint, atelier_tensor_new_4d (1, 3, 64, 64, NULL), NULL);
  wait_for_preview (pane);
  g_assert_null (atelier_preview_pane_get_result (pane));
  g_assert_nonnull (strstr (atelier_preview_pane_get_status (pane), "selection"));
  gtk_widget_destroy (dialog);
  /* The detector has no preview: the dialog adds none and frees what it was given. */
  g_autoptr (AtelierFilter) detect = atelier_filter_new (atelier_filter_find ("detect-ai"));
  g_autoptr (AtelierFilterValues) detect_values = atelier_filter_values_new (atelier_filter_get_info (detect));
  dialog = atelier_dialog_new (atelier_filter_get_info (detect), detect_values, "test");
  g_assert_null (atelier_dialog_add_preview (dialog, detect, atelier_tensor_new_4d (1, 3, 8, 8, NULL), NULL));
  gtk_widget_destroy (dialog);
}

/* A valid value of @spec other than its default: the next allowed value or choice, the far end of a range, the
 * other state of a switch, another colour. */
static double
other_value (const AtelierParamSpec *spec)
{
  switch (spec->type)
    {
    case ATELIER_PARAM_INT:
      if (spec->allowed != NULL)
        for (int i = 0; i < spec->n_allowed; i++)
          if (spec->allowed[i] != (int) spec->default_value)
            return spec->allowed[i];
      return spec->default_value == spec->max ? spec->min : spec->max;
    case ATELIER_PARAM_DOUBLE:
      return spec->default_value == spec->max ? spec->min : spec->max;
    case ATELIER_PARAM_BOOLEAN:
      return 1.0 - spec->default_value;
    case ATELIER_PARAM_CHOICE:
      return fmod (spec->default_value + 1, spec->n_choices);
    case ATELIER_PARAM_COLOUR:
      return spec->default_value == 0x123456 ? 0x654321 : 0x123456;
    }
  g_assert_not_reached ();
}

/* Every parameter of the filter @data names has a widget that shows its value and gives it back: each set away
 * from its default, the values clobbered, read back from the widgets; Reset then shows the defaults. Filters that
 * need the whole image (Select Subject, Cut Out, Replace Background) get no preview, and the dialog frees the
 * region it was given. */
static void
test_every_parameter_round_trip (gconstpointer data)
{
  const AtelierFilterInfo *info = atelier_filter_find (data);
  g_assert_nonnull (info);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (info);
  g_autoptr (AtelierFilterValues) chosen = atelier_filter_values_new (info);
  for (int i = 0; i < info->n_params; i++)
    chosen->values[i] = values->values[i] = other_value (&info->params[i]);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_validate (values, &error));
  GtkWidget *dialog = atelier_dialog_new (info, values, "test");
  for (int i = 0; i < info->n_params; i++)
    values->values[i] = -1;
  atelier_dialog_read_values (dialog);
  for (int i = 0; i < info->n_params; i++)
    {
      g_test_message ("%s: %s", info->name, info->params[i].name);
      g_assert_cmpfloat (values->values[i], ==, chosen->values[i]);
    }
  atelier_dialog_reset (dialog);
  atelier_dialog_read_values (dialog);
  for (int i = 0; i < info->n_params; i++)
    g_assert_cmpfloat (values->values[i], ==, info->params[i].default_value);

  g_autoptr (AtelierFilter) filter = atelier_filter_new (info);
  g_assert_false (atelier_filter_has_preview (info));
  g_assert_null (atelier_dialog_add_preview (dialog, filter, atelier_tensor_new_4d (1, 3, 8, 8, NULL), NULL));
  gtk_widget_destroy (dialog);
}

/* Choosing fast sampling greys out the rows it ignores (steps, guidance, sampler) and leaves the seed; full brings
 * them back, and a dialog opened with fast starts greyed. */
static void
test_unused_rows_greyed (void)
{
  const AtelierFilterInfo *info = atelier_filter_find ("inpaint");
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (info);
  GtkWidget *dialog = atelier_dialog_new (info, values, "test");
  GtkWidget *speed = atelier_dialog_get_widget (dialog, "speed");
  const char *ignored[] = { "steps", "guidance", "sampler" };
  for (gsize i = 0; i < G_N_ELEMENTS (ignored); i++)
    g_assert_true (gtk_widget_get_sensitive (atelier_dialog_get_widget (dialog, ignored[i])));
  gtk_combo_box_set_active (GTK_COMBO_BOX (speed), 1);
  for (gsize i = 0; i < G_N_ELEMENTS (ignored); i++)
    g_assert_false (gtk_widget_get_sensitive (atelier_dialog_get_widget (dialog, ignored[i])));
  g_assert_true (gtk_widget_get_sensitive (atelier_dialog_get_widget (dialog, "seed")));
  gtk_combo_box_set_active (GTK_COMBO_BOX (speed), 0);
  g_assert_true (gtk_widget_get_sensitive (atelier_dialog_get_widget (dialog, "steps")));
  g_assert_null (atelier_dialog_get_widget (dialog, "nope"));
  gtk_widget_destroy (dialog);

  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_filter_values_set_choice (values, "speed", "fast", &error));
  GtkWidget *fast = atelier_dialog_new (info, values, "test");
  g_assert_false (gtk_widget_get_sensitive (atelier_dialog_get_widget (fast, "steps")));
  atelier_dialog_reset (fast);
  g_assert_true (gtk_widget_get_sensitive (atelier_dialog_get_widget (fast, "steps")));
  gtk_widget_destroy (fast);
}

int
main (int argc, char **argv)
{
  if (!gtk_init_check (&argc, &argv))
    {
      printf ("1..0 # SKIP no display (run under xvfb-run)\n");
      return 0;
    }
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dialog/values-round-trip", test_values_round_trip);
  g_test_add_func ("/dialog/colour-round-trip", test_colour_round_trip);
  g_test_add_func ("/dialog/unused-rows-greyed", test_unused_rows_greyed);
  g_test_add_func ("/dialog/preview/pixbuf-from-tensor", test_pixbuf_from_tensor);
  g_test_add_func ("/dialog/preview/follows-widgets", test_preview_follows_widgets);
  g_test_add_func ("/dialog/preview/error", test_preview_error);
  g_test_add_data_func ("/dialog/select-subject/every-parameter", "select-subject", test_every_parameter_round_trip);
  g_test_add_data_func ("/dialog/cutout/every-parameter", "cutout", test_every_parameter_round_trip);
  g_test_add_data_func ("/dialog/replace-background/every-parameter", "replace-background",
                        test_every_parameter_round_trip);
  return g_test_run ();
}
