/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replace Background: the kept subject is the source bit for bit, the white background is exactly 1, the gradient
 * is the hand-computed interpolation, the contact shadow lies under the subject, and with ISNet the subject it
 * finds on a disc-on-texture image is kept exactly. */
#include "atelier.h"
#include "pipelines/atelier-background-compose.h"
#include "test-helpers.h"

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

static AtelierFilterOutput *
run_with_selection (AtelierFilterValues *values, const AtelierTensor *image, const AtelierTensor *selection)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  const AtelierFilterInput in = { image, selection, FALSE };
  AtelierFilterOutput *out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->pixels->shape[1], ==, atelier_planes_colours ((int) image->shape[1]) + 1);
  return out;
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
      g_autoptr (AtelierFilterOutput) out = run_with_selection (values, image, selection);
      g_assert_cmpint (assert_kept_where_opaque (out->pixels, image, selection), ==,
                       (BOTTOM - TOP + 1) * (RIGHT - LEFT + 1));
      /* Opaque everywhere: the layer hides the source. */
      for (gint64 i = 0; i < H * W; i++)
        g_assert_cmpfloat (out->pixels->data[3 * H * W + i], ==, 1.0f);
    }
  /* A grey image too: no trip through RGB may change its grey. */
  g_autoptr (AtelierTensor) grey = test_random_4d (1, 1, H, W);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", NULL));
  g_autoptr (AtelierFilterOutput) out = run_with_selection (values, grey, selection);
  g_assert_cmpint (assert_kept_where_opaque (out->pixels, grey, selection), >, 0);
}

/* White is exactly 1.0 wherever neither the subject nor its shadow reaches, and that is most of the picture: all
 * of it above the subject, whatever the shadow does. */
static void
test_white_is_exact (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_autoptr (AtelierFilterOutput) out = run_with_selection (values, image, selection);
  const AtelierShadowOptions options = { .opacity = atelier_filter_values_get (values, "shadow-opacity"),
                                         .softness = atelier_filter_values_get_int (values, "shadow-softness"),
                                         .distance = atelier_filter_values_get_int (values, "shadow-distance") };
  g_autoptr (AtelierTensor) shadow = atelier_contact_shadow (selection, &options, NULL);
  gint64 white = 0;
  for (gint64 i = 0; i < H * W; i++)
    if (selection->data[i] == 0.0f && shadow->data[i] == 0.0f)
      {
        for (int c = 0; c < 3; c++)
          g_assert_cmpfloat (out->pixels->data[c * H * W + i], ==, 1.0f);
        white++;
      }
  g_assert_cmpint (white, >=, (TOP - EDGE) * W);
  /* The shadow does darken some of the white. */
  g_assert_cmpfloat (out->pixels->data[(BOTTOM + EDGE + 2) * W + (LEFT + RIGHT) / 2], <, 0.99f);
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
  g_autoptr (AtelierFilterOutput) out = run_with_selection (values, image, selection);
  for (gint64 y = 0; y < H; y++)
    {
      const double t = y / (double) (H - 1);
      g_assert_cmpfloat_with_epsilon (out->pixels->data[(0 * H + y) * W], t, 1e-6);
      g_assert_cmpfloat_with_epsilon (out->pixels->data[(1 * H + y) * W], t * 128.0 / 255.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (out->pixels->data[(2 * H + y) * W], 0.0, 1e-6);
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
  const double r = 0.8 * test_subject_radius (h, w);
  gint64 inside = 0, white = 0;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        const double dy = y + 0.5 - h / 2.0, dx = x + 0.5 - w / 2.0;
        if (dy * dy + dx * dx <= r * r)
          {
            for (int c = 0; c < 3; c++)
              g_assert_cmpmem (&out->pixels->data[(c * h + y) * w + x], sizeof (float),
                               &image->data[(c * h + y) * w + x], sizeof (float));
            inside++;
          }
        else if (y < h / 2.0 - test_subject_radius (h, w) * 1.2 && out->pixels->data[y * w + x] == 1.0f)
          white++;
      }
  g_assert_cmpint (inside, >, 1000);
  /* Above the disc the texture is gone: white. */
  g_assert_cmpint (white, >, 0);
}

/* A category preset gives exactly the run with that preset's shadow set by hand (softness 0.8 % of the shorter
 * side, H = 96: 1 pixel), and another picture than the default shadow's. */
static void
test_preset_sets_the_shadow (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  const AtelierFilterInfo *info = atelier_filter_find ("replace-background");
  g_autoptr (AtelierFilterValues) chosen = atelier_filter_values_new (info);
  g_assert_true (atelier_filter_values_set_choice (chosen, "preset", "electronics", NULL));
  g_autoptr (AtelierFilterValues) by_hand = atelier_filter_values_new (info);
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-opacity", 0.5, NULL));
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-softness", 1, NULL));
  g_autoptr (AtelierFilterValues) plain = atelier_filter_values_new (info);
  g_autoptr (AtelierFilterOutput) a = run_with_selection (chosen, image, selection);
  g_autoptr (AtelierFilterOutput) b = run_with_selection (by_hand, image, selection);
  g_autoptr (AtelierFilterOutput) c = run_with_selection (plain, image, selection);
  g_assert_cmpfloat (test_max_abs_diff (a->pixels, b->pixels), ==, 0.0f);
  g_assert_cmpfloat (test_max_abs_diff (a->pixels, c->pixels), >, 0.01f);
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
  g_test_add_func ("/replace-background/found-subject-kept-exactly", test_found_subject_kept_exactly);
  g_test_add_func ("/replace-background/preset-sets-the-shadow", test_preset_sets_the_shadow);
  return g_test_run ();
}
