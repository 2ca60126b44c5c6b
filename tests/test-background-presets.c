/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The category presets (pipelines/atelier-background-presets.c): every preset's styles are labels of the v2
 * U-Net (the manifest of the tiny golden v2 model carries v2's label list), the scene vectors are the
 * hand-computed ones, an unknown name is an error naming the known ones, and Replace Background's "preset"
 * choices and the table name the same presets (test-replace-background runs the filter with one). */
#include "atelier.h"
#include "pipelines/atelier-background-presets.h"
#include "test-helpers.h"

#include <math.h>
#include <string.h>

static const AtelierParamSpec *
preset_param (void)
{
  const AtelierFilterInfo *info = atelier_filter_find ("replace-background");
  for (int i = 0; i < info->n_params; i++)
    if (strcmp (info->params[i].name, "preset") == 0)
      return &info->params[i];
  g_assert_not_reached ();
}

static void
test_choices_match_table (void)
{
  const AtelierParamSpec *spec = preset_param ();
  int count;
  const AtelierBackgroundPreset *presets = atelier_background_presets (&count);
  g_assert_cmpint (spec->n_choices, ==, count + 1);
  g_assert_cmpstr (spec->choices[0].nick, ==, "none");
  g_assert_cmpint ((int) spec->default_value, ==, 0);
  for (int i = 1; i < spec->n_choices; i++)
    {
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_background_preset_find (spec->choices[i].nick, &error) == &presets[i - 1]);
      g_assert_no_error (error);
    }
}

static void
test_styles_are_v2_labels (void)
{
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "golden", "unet-v2-tiny.json", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierModel) model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierUNet) unet = atelier_unet_new (model, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_unet_get_scene_channels (unet), ==, ATELIER_BACKGROUND_SCENE_CHANNELS);
  int count;
  const AtelierBackgroundPreset *presets = atelier_background_presets (&count);
  for (int i = 0; i < count; i++)
    {
      g_assert_nonnull (presets[i].styles[0]);
      for (int k = 0; k < 3 && presets[i].styles[k] != NULL; k++)
        {
          g_assert_cmpint (atelier_unet_label_index (unet, presets[i].styles[k], &error), >, 0);
          g_assert_no_error (error);
        }
      /* Light from above (a window, a softbox), never stronger than the training scenes' strongest. */
      g_assert_cmpfloat (presets[i].light[1], <, 0.0f);
      g_assert_cmpfloat (hypotf (presets[i].light[0], presets[i].light[1]), <=, 1.0f);
    }
}

static void
test_scene_vectors (void)
{
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_background_preset_find ("garden-gnomes", &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "jewellery"));
  float scene[ATELIER_BACKGROUND_SCENE_CHANNELS];
  atelier_background_preset_scene (atelier_background_preset_find ("jewellery", NULL), scene);
  const float jewellery[4] = { -0.35f, -0.35f, 1.0f, 0.3f - 0.5f };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (scene[i], jewellery[i], 1e-7);
  atelier_background_preset_scene (atelier_background_preset_find ("clothing", NULL), scene);
  const float clothing[4] = { 0.0f, -0.4f, -1.0f, 0.0f };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (scene[i], clothing[i], 1e-7);
  /* 3 % of the shorter side of 2000 x 1500 is 45 pixels. */
  g_assert_cmpint (atelier_background_preset_softness (atelier_background_preset_find ("jewellery", NULL), 2000, 1500),
                   ==, 45);
}

/* The one light: a preset's shadow falls away from its light, and a shadow direction gives the light it implies;
 * hand-worked angles. A v1 U-Net's labels have none of jewellery's styles, clothing's second is studio. */
static void
test_light_and_shadow_agree (void)
{
  /* food's light (-0.8, -0.2): the shadow moved along (0.8, 0.2), atan2 (0.8, 0.2) = 75.96 degrees to the right. */
  g_assert_cmpfloat_with_epsilon (
    atelier_background_preset_shadow_direction (atelier_background_preset_find ("food", NULL)), 75.963757, 1e-5);
  /* cosmetics' (0.45, -0.45): 45 degrees to the left; electronics' (0, -0.7): straight down. */
  g_assert_cmpfloat_with_epsilon (
    atelier_background_preset_shadow_direction (atelier_background_preset_find ("cosmetics", NULL)), -45.0, 1e-5);
  g_assert_cmpfloat_with_epsilon (
    atelier_background_preset_shadow_direction (atelier_background_preset_find ("electronics", NULL)), 0.0, 1e-9);
  float scene[ATELIER_BACKGROUND_SCENE_CHANNELS];
  atelier_background_scene_from_shadow (30.0, scene); /* shadow 30 degrees right: light up and to the left */
  const float expected[4] = { -0.25f, -0.4330127f, 0.0f, 0.0f };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (scene[i], expected[i], 1e-6);
  const char *const v1_labels[] = { "null", "photo", "studio", "wood", "stone", "fabric", "paper", "bokeh", NULL };
  g_assert_null (atelier_background_preset_style (atelier_background_preset_find ("jewellery", NULL), v1_labels));
  g_assert_cmpstr (atelier_background_preset_style (atelier_background_preset_find ("clothing", NULL), v1_labels),
                   ==, "studio");
  g_assert_cmpstr (atelier_background_preset_style (atelier_background_preset_find ("food", NULL), v1_labels), ==,
                   "wood");
  const char *const v2_labels[] = { "null", "marble", "velvet", NULL };
  g_assert_cmpstr (atelier_background_preset_style (atelier_background_preset_find ("jewellery", NULL), v2_labels),
                   ==, "marble");
}

/* What a product can stand on: the materials; not the out-of-focus room, the studio sweep (a backdrop with its
 * own light) or a whole photograph (Replace Background lays only materials as a tabletop's floor). */
static void
test_surfaces (void)
{
  const char *surfaces[] = { "wood", "stone", "fabric", "paper", "marble", "slate", "linen", "velvet" };
  for (guint i = 0; i < G_N_ELEMENTS (surfaces); i++)
    g_assert_true (atelier_background_style_is_surface (surfaces[i]));
  g_assert_false (atelier_background_style_is_surface ("bokeh"));
  g_assert_false (atelier_background_style_is_surface ("studio"));
  g_assert_false (atelier_background_style_is_surface ("photo"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/background-presets/choices-match-table", test_choices_match_table);
  g_test_add_func ("/background-presets/styles-are-v2-labels", test_styles_are_v2_labels);
  g_test_add_func ("/background-presets/scene-vectors", test_scene_vectors);
  g_test_add_func ("/background-presets/light-and-shadow-agree", test_light_and_shadow_agree);
  g_test_add_func ("/background-presets/surfaces", test_surfaces);
  return g_test_run ();
}
