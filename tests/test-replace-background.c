/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replace Background: the kept subject is the source bit for bit, the white background is exactly 1, the gradient
 * is the hand-computed interpolation, the contact shadow lies under the subject, and with ISNet the subject it
 * finds on a disc-on-texture image is kept exactly. The result is three layers that composite to the compose
 * pipeline's picture, with settings that name the model by its weights' sha256. */
#include "atelier.h"
#include "filters/atelier-subject-params.h"
#include "model/atelier-model-path.h"
#include "pipelines/atelier-background-compose.h"
#include "test-helpers.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* A matte this close to 1 is the subject's interior. */
#define OPAQUE_FROM (1.0f - 0.5f / 255.0f)

/* A square subject in rows [TOP, BOTTOM] and columns [LEFT, RIGHT], opaque inside and fading out over EDGE
 * pixels around it, on an H x W image. */
#define H 96
#define W 120
#define TOP 20
#define BOTTOM 49
#define LEFT 40
#define RIGHT 79
#define EDGE 3

static AtelierTensor *
square_selection (void)
{
  AtelierTensor *selection = atelier_tensor_new_4d (1, 1, H, W, NULL);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const gint64 dy = MAX (MAX (TOP - y, y - BOTTOM), 0), dx = MAX (MAX (LEFT - x, x - RIGHT), 0);
        const gint64 d = MAX (dy, dx);
        selection->data[y * W + x] = d == 0 ? 1.0f : MAX (0.0f, 1.0f - (float) d / (EDGE + 1));
        /* Inside, a checkerboard of values a quarter of an 8-bit step below 1, as a refined matte leaves: kept
         * as 1, so that a blend there (which would move them) fails the test. */
        if (d == 0 && (x + y) % 2 == 0)
          selection->data[y * W + x] = 1.0f - 0.25f / 255.0f;
      }
  return selection;
}

/* The filter's layers composited as GIMP shows them (and the command line writes them): opaque everywhere, so
 * with the image's colour planes alone. */
static AtelierTensor *
run_with_selection (AtelierFilterValues *values, const AtelierTensor *image, const AtelierTensor *selection)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  const AtelierFilterInput in = { image, selection, FALSE };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  AtelierTensor *seen = atelier_filter_output_composite (out, image, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seen->shape[1], ==, image->shape[1]);
  return seen;
}

/* Every colour plane of @out equals @image's bit for bit wherever @alpha is (within half a step of) 1; returns how many pixels that is. */
static gint64
assert_kept_where_opaque (const AtelierTensor *out, const AtelierTensor *image, const AtelierTensor *alpha)
{
  const gint64 colours = atelier_planes_colours ((int) image->shape[1]), h = image->shape[2], w = image->shape[3];
  gint64 kept = 0;
  for (gint64 i = 0; i < h * w; i++)
    if (alpha->data[i] >= OPAQUE_FROM)
      {
        for (gint64 c = 0; c < colours; c++)
          g_assert_cmpmem (&out->data[c * h * w + i], sizeof (float), &image->data[c * h * w + i], sizeof (float));
        kept++;
      }
  return kept;
}

static void
test_selection_kept_exactly (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  for (int kind = 0; kind < 4; kind++)
    {
      g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
      g_assert_true (atelier_filter_values_set (values, "background", kind, NULL));
      g_autoptr (AtelierTensor) seen = run_with_selection (values, image, selection);
      g_assert_cmpint (assert_kept_where_opaque (seen, image, selection), ==, (BOTTOM - TOP + 1) * (RIGHT - LEFT + 1));
    }
  /* A grey image too: no trip through RGB may change its grey. */
  g_autoptr (AtelierTensor) grey = test_random_4d (1, 1, H, W);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", NULL));
  g_autoptr (AtelierTensor) seen = run_with_selection (values, grey, selection);
  g_assert_cmpint (assert_kept_where_opaque (seen, grey, selection), >, 0);
}

/* White is exactly 1.0 wherever neither the subject nor its shadow reaches, and that is most of the picture: all
 * of it above the subject, whatever the shadow does. */
static void
test_white_is_exact (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_autoptr (AtelierTensor) seen = run_with_selection (values, image, selection);
  const AtelierShadowOptions options = { .opacity = atelier_filter_values_get (values, "shadow-opacity"),
                                         .softness = atelier_filter_values_get_int (values, "shadow-softness"),
                                         .distance = atelier_filter_values_get_int (values, "shadow-distance") };
  g_autoptr (AtelierTensor) shadow = atelier_contact_shadow (selection, &options, NULL);
  gint64 white = 0;
  for (gint64 i = 0; i < H * W; i++)
    if (selection->data[i] == 0.0f && shadow->data[i] == 0.0f)
      {
        for (int c = 0; c < 3; c++)
          g_assert_cmpfloat (seen->data[c * H * W + i], ==, 1.0f);
        white++;
      }
  g_assert_cmpint (white, >=, (TOP - EDGE) * W);
  /* The shadow does darken some of the white. */
  g_assert_cmpfloat (seen->data[(BOTTOM + EDGE + 2) * W + (LEFT + RIGHT) / 2], <, 0.99f);
}

/* Black at the top to white at the bottom: row y is y / (H - 1) in every channel, checked in the first column
 * (no subject, no shadow there: its opacity is 0). */
static void
test_gradient_rows (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "gradient", NULL));
  g_assert_true (atelier_filter_values_set (values, "colour", 0x000000, NULL));
  g_assert_true (atelier_filter_values_set (values, "bottom-colour", 0xff8000, NULL));
  g_assert_true (atelier_filter_values_set (values, "shadow-opacity", 0.0, NULL));
  g_autoptr (AtelierTensor) seen = run_with_selection (values, image, selection);
  for (gint64 y = 0; y < H; y++)
    {
      const double t = y / (double) (H - 1);
      g_assert_cmpfloat_with_epsilon (seen->data[(0 * H + y) * W], t, 1e-6);
      g_assert_cmpfloat_with_epsilon (seen->data[(1 * H + y) * W], t * 128.0 / 255.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (seen->data[(2 * H + y) * W], 0.0, 1e-6);
    }
}

/* The shadow of the square: nothing at or above its top row, its weight centred below its bottom edge, no darker
 * than the opacity, and it does fall right below the subject. */
static void
test_shadow_under_subject (void)
{
  g_autoptr (AtelierTensor) selection = square_selection ();
  const AtelierShadowOptions options = { .opacity = 0.5f, .softness = 6, .distance = 3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) shadow = atelier_contact_shadow (selection, &options, &error);
  g_assert_no_error (error);
  double mass = 0.0, row_sum = 0.0;
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const float s = shadow->data[y * W + x];
        g_assert_cmpfloat (s, <=, 0.5f + 1e-6f);
        if (y <= TOP)
          g_assert_cmpfloat (s, ==, 0.0f);
        mass += s;
        row_sum += s * y;
      }
  g_assert_cmpfloat (mass, >, 0.0);
  g_assert_cmpfloat (row_sum / mass, >, BOTTOM);
  g_assert_cmpfloat (shadow->data[(BOTTOM + options.distance) * W + (LEFT + RIGHT) / 2], >, 0.1f);
  /* Left and right of the subject's footprint (beyond the blur) nothing. */
  g_assert_cmpfloat (shadow->data[(BOTTOM + options.distance) * W + 2], ==, 0.0f);

  /* An empty matte casts nothing. */
  g_autoptr (AtelierTensor) empty = atelier_tensor_new_4d (1, 1, H, W, NULL);
  g_autoptr (AtelierTensor) none = atelier_contact_shadow (empty, &options, NULL);
  g_assert_cmpfloat (test_max_abs (none), ==, 0.0f);
}

static void
test_whole_selection_refused (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = atelier_tensor_new_4d (1, 1, H, W, NULL);
  atelier_tensor_fill (selection, 1.0f);
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  const AtelierFilterInput in = { image, selection, FALSE };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_null (out);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "whole image"));
}

static const AtelierFilterPicture *
layer_at (const AtelierFilterOutput *out, guint i, const char *name)
{
  g_assert_cmpuint (i, <, out->pictures->len);
  const AtelierFilterPicture *picture = out->pictures->pdata[i];
  g_assert_cmpstr (picture->name, ==, name);
  g_assert_cmpint (picture->place, ==, ATELIER_PICTURE_LAYER);
  g_assert_false (picture->hidden);
  return picture;
}

/* Background, Shadow and Subject from the bottom up, the source hidden: the background is the rendered one, the
 * shadow black with the contact shadow as its alpha, the subject the source's pixels under a mask that is exactly
 * 1 (and 0) where the matte counts so; composited they are the compose pipeline's picture, an independent
 * reference (one blend per pixel rather than three layers over each other). */
static void
test_layers (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", NULL));
  g_assert_true (atelier_filter_values_set (values, "shadow-opacity", 0.5, NULL));
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  const AtelierFilterInput in = { image, selection, FALSE };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_assert_null (out->pixels);
  g_assert_true (out->hide_source);
  g_assert_cmpuint (out->pictures->len, ==, 3);
  const AtelierFilterPicture *background = layer_at (out, 0, "background"), *shadow = layer_at (out, 1, "shadow"),
                             *subject = layer_at (out, 2, "subject");
  g_assert_cmpstr (background->title, ==, "Background");
  g_assert_null (background->mask);
  g_assert_null (shadow->mask);

  const AtelierBackgroundOptions look = { .kind = ATELIER_BACKGROUND_STUDIO, .colour = { 0xf2 / 255.0f, 0xf2 / 255.0f,
                                                                                         0xf2 / 255.0f } };
  g_autoptr (AtelierTensor) rendered = atelier_background_render (&look, H, W, &error);
  g_assert_cmpmem (background->pixels->data, sizeof (float) * 3 * H * W, rendered->data, sizeof (float) * 3 * H * W);
  const AtelierShadowOptions shadow_options = { .opacity = 0.5f,
                                                .softness = atelier_filter_values_get_int (values, "shadow-softness"),
                                                .distance = atelier_filter_values_get_int (values, "shadow-distance") };
  g_autoptr (AtelierTensor) strength = atelier_contact_shadow (selection, &shadow_options, &error);
  g_assert_cmpint (shadow->pixels->shape[1], ==, 4);
  g_assert_cmpfloat (test_max_abs (shadow->pixels), ==, test_max_abs (strength));
  g_assert_cmpmem (shadow->pixels->data + 3 * H * W, sizeof (float) * H * W, strength->data, sizeof (float) * H * W);

  gint64 kept = 0;
  for (gint64 i = 0; i < H * W; i++)
    {
      const float a = selection->data[i], m = subject->mask->data[i];
      g_assert_cmpfloat (m, ==, a >= OPAQUE_FROM ? 1.0f : a < 0.5f / 255.0f ? 0.0f : a);
      kept += m == 1.0f;
    }
  g_assert_cmpint (assert_kept_where_opaque (subject->pixels, image, subject->mask), ==, kept);
  g_assert_cmpint (kept, ==, (BOTTOM - TOP + 1) * (RIGHT - LEFT + 1));

  g_autoptr (AtelierTensor) seen = atelier_filter_output_composite (out, image, &error);
  g_autoptr (AtelierTensor) rgb = atelier_planes_rgb (image, &error);
  g_autoptr (AtelierTensor) foreground = atelier_subject_foreground (ctx, rgb, selection, 3, &error);
  g_autoptr (AtelierTensor) composed = atelier_background_compose (image, foreground, selection, rendered, strength, &error);
  g_assert_no_error (error);
  g_test_message ("layers composited vs compose: %g", test_max_abs_diff (seen, composed));
  g_assert_cmpfloat (test_max_abs_diff (seen, composed), <=, 1e-6f);

  /* The settings: the values by name, and no model, as the subject was the selection. */
  g_autoptr (JsonNode) root = json_from_string (out->settings, &error);
  g_assert_no_error (error);
  JsonObject *settings = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (settings, "filter"), ==, "replace-background");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (settings, "values"), "background"), ==,
                   "studio");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (settings, "models")), ==, 0);
}

/* The settings of a run that found its subject name ISNet with the sha256 of its weights file, computed here. */
static void
assert_settings_name_isnet (const AtelierFilterOutput *out)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *manifest = atelier_model_find ("isnet-medium", &error);
  g_assert_no_error (error);
  g_autofree char *stem = g_strndup (manifest, strlen (manifest) - strlen (".json"));
  g_autofree char *weights = g_strconcat (stem, ".safetensors", NULL);
  g_autoptr (GMappedFile) file = g_mapped_file_new (weights, FALSE, &error);
  g_assert_no_error (error);
  g_autofree char *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) g_mapped_file_get_contents (file),
                                                         g_mapped_file_get_length (file));
  g_autoptr (JsonNode) root = json_from_string (out->settings, &error);
  g_assert_no_error (error);
  JsonArray *models = json_object_get_array_member (json_node_get_object (root), "models");
  g_assert_cmpuint (json_array_get_length (models), ==, 1);
  JsonObject *model = json_array_get_object_element (models, 0);
  g_assert_cmpstr (json_object_get_string_member (model, "name"), ==, "isnet-medium");
  g_assert_cmpstr (json_object_get_string_member (model, "sha256"), ==, sha256);
}

/* No selection: ISNet finds the disc, and its interior (up to 0.8 of its radius, where the refined matte is within
 * half an 8-bit step of 1; the edge band starts about 0.85 out) comes out as the source's pixels exactly. */
static void
test_found_subject_kept_exactly (void)
{
  if (!test_isnet_ready ())
    return;
  const gint64 h = 160, w = 224;
  g_autoptr (AtelierTensor) image = test_subject_image (h, w);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  const AtelierFilterInput in = { image, NULL, FALSE };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) seen = atelier_filter_output_composite (out, image, &error);
  g_assert_no_error (error);
  const double r = 0.8 * test_subject_radius (h, w);
  gint64 inside = 0, white = 0;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const double dy = y + 0.5 - h / 2.0, dx = x + 0.5 - w / 2.0;
        if (dy * dy + dx * dx <= r * r)
          {
            for (int c = 0; c < 3; c++)
              g_assert_cmpmem (&seen->data[(c * h + y) * w + x], sizeof (float),
                               &image->data[(c * h + y) * w + x], sizeof (float));
            inside++;
          }
        else if (y < h / 2.0 - test_subject_radius (h, w) * 1.2 && seen->data[y * w + x] == 1.0f)
          white++;
      }
  g_assert_cmpint (inside, >, 1000);
  /* Above the disc the texture is gone: white. */
  g_assert_cmpint (white, >, 0);
  assert_settings_name_isnet (out);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/replace-background/selection-kept-exactly", test_selection_kept_exactly);
  g_test_add_func ("/replace-background/white-is-exact", test_white_is_exact);
  g_test_add_func ("/replace-background/gradient-rows", test_gradient_rows);
  g_test_add_func ("/replace-background/shadow-under-subject", test_shadow_under_subject);
  g_test_add_func ("/replace-background/whole-selection-refused", test_whole_selection_refused);
  g_test_add_func ("/replace-background/layers", test_layers);
  g_test_add_func ("/replace-background/found-subject-kept-exactly", test_found_subject_kept_exactly);
  return g_test_run ();
}
