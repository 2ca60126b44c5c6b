/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Replace Background: the kept subject is the source bit for bit (plain and generated backgrounds), the white
 * background is exactly 1, the gradient is the hand-computed interpolation, the contact shadow lies under the
 * subject, with ISNet the subject it finds on a disc-on-texture image is kept exactly, the output is the same byte
 * for byte on one thread and on two, and a generated background with "keep layout" at 0 does not depend on the old
 * background's pixels. The result is three layers that composite to the compose pipeline's picture, with settings
 * that name the model by its weights' sha256. */
#include "atelier.h"
#include "filters/atelier-subject-params.h"
#include "model/atelier-model-path.h"
#include "pipelines/atelier-background-canvas.h"
#include "pipelines/atelier-alpha-fill.h"
#include "pipelines/atelier-background-compose.h"
#include "pipelines/atelier-background-generate.h"
#include "pipelines/atelier-upscale.h"
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

/* A generated background's steps in these tests: enough to run every part of the sampler, few enough to be quick. */
#define TEST_STEPS 3

static AtelierFilterValues *
generated_values (const char *style, double keep_layout)
{
  AtelierFilterValues *values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "generated", NULL));
  g_assert_true (atelier_filter_values_set_choice (values, "style", style, NULL));
  g_assert_true (atelier_filter_values_set (values, "keep-layout", keep_layout, NULL));
  g_assert_true (atelier_filter_values_set (values, "steps", TEST_STEPS, NULL));
  return values;
}

static AtelierFilterOutput *
run_on_threads (AtelierFilterValues *values, const AtelierTensor *image, const AtelierTensor *selection, int threads)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("replace-background"));
  const AtelierFilterInput in = { image, selection, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  /* The layers composited as GIMP shows them (and the command line writes them), kept as the output's pixels with
   * an opaque alpha plane, so that the checks read one picture. */
  g_assert_null (out->pixels);
  g_autoptr (AtelierTensor) seen = atelier_filter_output_composite (out, image, &error);
  g_autoptr (AtelierTensor) colour = seen ? atelier_planes_colour (seen, &error) : NULL;
  g_autoptr (AtelierTensor) opaque = colour ? atelier_tensor_new_4d (1, 1, colour->shape[2], colour->shape[3], &error)
                                            : NULL;
  g_assert_no_error (error);
  atelier_tensor_fill (opaque, 1.0f);
  out->pixels = atelier_planes_join (colour, opaque, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

static AtelierFilterOutput *
run_with_selection (AtelierFilterValues *values, const AtelierTensor *image, const AtelierTensor *selection)
{
  return run_on_threads (values, image, selection, 2);
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

/* The edge colours against the rule applied to the whole image (the push-pull fill of the opaque interior over the
 * whole frame, then the pull by (1 - alpha)^2): on a subject across the edges of the fill's 512-pixel tiles (rows
 * 470..560, columns 300..420 of 700 x 600), every visible pixel of its band is the whole-image rule's bit for bit,
 * opaque pixels are not touched, an invisible one is either, and the band did move. */
static void
test_edge_colours_whole_image_rule (void)
{
  enum { SIDE_H = 700, SIDE_W = 600, TOP_ROW = 470, BOTTOM_ROW = 560, FROM = 300, TO = 420, FADE = 6 };
  g_autoptr (AtelierTensor) alpha = atelier_tensor_new_4d (1, 1, SIDE_H, SIDE_W, NULL);
  for (gint64 y = 0; y < SIDE_H; y++)
    for (gint64 x = 0; x < SIDE_W; x++)
      {
        const gint64 d = MAX (MAX (MAX (TOP_ROW - y, y - BOTTOM_ROW), MAX (FROM - x, x - TO)), 0);
        alpha->data[y * SIDE_W + x] = MAX (0.0f, 1.0f - (float) d / (FADE + 1));
      }
  g_autoptr (AtelierTensor) estimate = test_random_4d (1, 3, SIDE_H, SIDE_W);
  g_autoptr (AtelierTensor) foreground = atelier_tensor_copy (estimate, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_assert_true (atelier_edge_colours_from_interior (ctx, foreground, alpha, &error));
  g_assert_no_error (error);

  g_autoptr (AtelierTensor) interior = atelier_tensor_new_like (alpha, NULL);
  for (gint64 i = 0; i < SIDE_H * SIDE_W; i++)
    interior->data[i] = alpha->data[i] >= OPAQUE_FROM ? 1.0f : 0.0f;
  g_autoptr (AtelierTensor) continued = atelier_alpha_fill (ctx, estimate, interior, &error);
  g_assert_no_error (error);
  gint64 band = 0, moved = 0;
  for (gint64 c = 0; c < 3; c++)
    for (gint64 i = 0; i < SIDE_H * SIDE_W; i++)
      {
        const gint64 at = c * SIDE_H * SIDE_W + i;
        const float a = alpha->data[i], pull = (1.0f - a) * (1.0f - a);
        float expected = estimate->data[at];
        if (a < OPAQUE_FROM)
          expected += (continued->data[at] - expected) * pull;
        if (a == 0.0f && foreground->data[at] == estimate->data[at])
          continue; /* invisible, left as it was */
        g_assert_cmpmem (&foreground->data[at], sizeof (float), &expected, sizeof (float));
        band += a > 0.0f && a < OPAQUE_FROM;
        moved += a > 0.0f && foreground->data[at] != estimate->data[at];
      }
  g_assert_cmpint (band, ==, 3 * ((BOTTOM_ROW - TOP_ROW + 1 + 2 * FADE) * (TO - FROM + 1 + 2 * FADE)
                                  - (BOTTOM_ROW - TOP_ROW + 1) * (TO - FROM + 1)));
  g_assert_cmpint (moved, >, band / 2);
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
      /* Provenance: a plain backdrop is synthetic, not generated. */
      g_assert_cmpint (out->digital_source, ==, ATELIER_SOURCE_COMPOSITE_SYNTHETIC);
      /* Opaque everywhere: the layer hides the source. */
      for (gint64 i = 0; i < H * W; i++)
        g_assert_cmpfloat (out->pixels->data[3 * H * W + i], ==, 1.0f);
    }
  g_autoptr (AtelierFilterValues) generated = generated_values ("wood", 0.0);
  g_autoptr (AtelierFilterOutput) on_wood = run_with_selection (generated, image, selection);
  g_assert_cmpint (assert_kept_where_opaque (on_wood->pixels, image, selection), ==,
                   (BOTTOM - TOP + 1) * (RIGHT - LEFT + 1));
  g_assert_cmpint (on_wood->digital_source, ==, ATELIER_SOURCE_COMPOSITE_TRAINED);
  /* A grey image too: no trip through RGB may change its grey. */
  g_autoptr (AtelierTensor) grey = test_random_4d (1, 1, H, W);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "background", "studio", NULL));
  g_autoptr (AtelierFilterOutput) seen_out = run_with_selection (values, grey, selection);
  const AtelierTensor *seen = seen_out->pixels;
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
  g_autoptr (AtelierFilterOutput) seen_out = run_with_selection (values, image, selection);
  const AtelierTensor *seen = seen_out->pixels;
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
  g_autoptr (AtelierFilterOutput) seen_out = run_with_selection (values, image, selection);
  const AtelierTensor *seen = seen_out->pixels;
  for (gint64 y = 0; y < H; y++)
    {
      const double t = y / (double) (H - 1);
      g_assert_cmpfloat_with_epsilon (seen->data[(0 * H + y) * W], t, 1e-6);
      g_assert_cmpfloat_with_epsilon (seen->data[(1 * H + y) * W], t * 128.0 / 255.0, 1e-6);
      g_assert_cmpfloat_with_epsilon (seen->data[(2 * H + y) * W], 0.0, 1e-6);
    }
}

/* The shadow of the square (solid rows TOP - 2 .. BOTTOM + 2, 34 rows: a band of 3) stands where the square does:
 * unblurred, its lowest row is @distance below the bottom solid row and its band reaches up behind the square;
 * feathered by 6, nothing lies more than 6 rows further down, nothing at or above the top row, and it is no darker
 * than the opacity and does fall right below the subject. */
static void
test_shadow_under_subject (void)
{
  g_autoptr (AtelierTensor) selection = square_selection ();
  const gint64 contact = BOTTOM + 2 + 3;
  const AtelierShadowOptions sharp = { .opacity = 1.0f, .softness = 0, .distance = 3 };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) footprint = atelier_contact_shadow (selection, &sharp, &error);
  g_assert_no_error (error);
  for (gint64 y = 0; y < H; y++)
    {
      const float middle = footprint->data[y * W + (LEFT + RIGHT) / 2];
      g_assert_cmpfloat (middle, ==, y > contact - 3 && y <= contact ? 1.0f : 0.0f);
    }

  const AtelierShadowOptions options = { .opacity = 0.5f, .softness = 6, .distance = 3 };
  g_autoptr (AtelierTensor) shadow = atelier_contact_shadow (selection, &options, &error);
  g_assert_no_error (error);
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        const float s = shadow->data[y * W + x];
        g_assert_cmpfloat (s, <=, 0.5f + 1e-6f);
        if (y <= TOP || y > contact + options.softness)
          g_assert_cmpfloat (s, ==, 0.0f);
      }
  g_assert_cmpfloat (shadow->data[(contact + 1) * W + (LEFT + RIGHT) / 2], >, 0.1f);
  /* Left and right of the subject's footprint (beyond the blur) nothing. */
  g_assert_cmpfloat (shadow->data[contact * W + 2], ==, 0.0f);

/* An empty matte casts nothing. */
  g_autoptr (AtelierTensor) empty = atelier_tensor_new_4d (1, 1, H, W, NULL);
  g_autoptr (AtelierTensor) none = atelier_contact_shadow (empty, &options, NULL);
  g_assert_cmpfloat (test_max_abs (none), ==, 0.0f);
}

static double
shadow_centre_x (const AtelierTensor *shadow)
{
  double mass = 0.0, moment = 0.0;
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      {
        mass += shadow->data[y * W + x];
        moment += shadow->data[y * W + x] * x;
      }
  return moment / mass;
}

/* Direction 90° moves the whole footprint right by the distance (its centre, unblurred, by exactly that); the
 * reflection is the subject's bottom row blended into the floor right under it, by the opacity faded one step;
 * the light wrap and the reflection leave every opaque subject pixel as it was. */
static void
test_shadow_direction_reflection_wrap (void)
{
  g_autoptr (AtelierTensor) selection = square_selection ();
  AtelierShadowOptions options = { .opacity = 1.0f, .softness = 0, .distance = 10, .direction = 0.0f };
  g_autoptr (AtelierTensor) down = atelier_contact_shadow (selection, &options, NULL);
  options.direction = 90.0f;
  g_autoptr (AtelierTensor) right = atelier_contact_shadow (selection, &options, NULL);
  g_assert_cmpfloat_with_epsilon (shadow_centre_x (right) - shadow_centre_x (down), 10.0, 1e-9);

  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set (values, "shadow-opacity", 0.0, NULL));
  g_assert_true (atelier_filter_values_set (values, "reflection", 0.5, NULL));
  g_assert_true (atelier_filter_values_set (values, "light-wrap", 1.0, NULL));
  g_autoptr (AtelierFilterOutput) out = run_with_selection (values, image, selection);
  assert_kept_where_opaque (out->pixels, image, selection);
  /* The light wrap brings the white floor's light into the soft edge: an edge pixel (matte 0.5) is lighter with it. */
  g_assert_true (atelier_filter_values_set (values, "light-wrap", 0.0, NULL));
  g_autoptr (AtelierFilterOutput) unwrapped = run_with_selection (values, image, selection);
  const gint64 edge = (TOP - 2) * W + (LEFT + RIGHT) / 2;
  g_assert_cmpfloat (selection->data[edge], ==, 0.5f);
  g_assert_cmpfloat (out->pixels->data[edge], >, unwrapped->pixels->data[edge]);

  /* On a white floor: the body's rows (matte >= 0.5) are TOP - 2 .. BOTTOM + 2, so the reflection is a third of 34
   * rows deep, row BOTTOM + 2 + k mirroring row BOTTOM + 3 - k, faded by 0.5 (1 - k / (depth + 1)). */
  g_autoptr (AtelierTensor) floor = atelier_tensor_new_4d (1, 3, H, W, NULL);
  atelier_tensor_fill (floor, 1.0f);
  g_assert_true (atelier_floor_reflection (floor, image, selection, 0.5f, NULL));
  const gint64 bottom = BOTTOM + 2, depth = 11;
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      for (int c = 0; c < 3; c++)
        {
          const gint64 k = y - bottom;
          float expected = 1.0f;
          if (k >= 1 && k <= depth)
            {
              const gint64 from = (bottom - k + 1) * W + x;
              const float a = selection->data[from] * 0.5f * (1.0f - (float) k / (float) (depth + 1));
              expected += (image->data[c * H * W + from] - 1.0f) * a;
            }
          g_assert_cmpfloat_with_epsilon (floor->data[(c * H + y) * W + x], expected, 1e-6);
        }
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
  const AtelierFilterInput in = { image, selection, FALSE, NULL };
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
 * reference (one blend per pixel rather than three layers over each other); the selection is kept as a channel
 * that the settings name. */
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
  const AtelierFilterInput in = { image, selection, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  g_assert_null (out->pixels);
  g_assert_true (out->hide_source);
  g_assert_cmpuint (out->pictures->len, ==, 4);
  g_assert_cmpfloat (atelier_filter_output_get (out, "subject-untouched")->number, ==, 1.0);
  /* The selection kept as a channel, exactly, so that the settings can regenerate the layers. */
  const AtelierFilterPicture *channel = out->pictures->pdata[3];
  g_assert_cmpint (channel->place, ==, ATELIER_PICTURE_CHANNEL);
  g_assert_cmpstr (channel->title, ==, "Replace Background subject");
  g_assert_cmpmem (channel->pixels->data, sizeof (float) * H * W, selection->data, sizeof (float) * H * W);
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
  g_assert_true (atelier_edge_colours_from_interior (ctx, foreground, selection, &error));
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
  g_assert_cmpstr (json_object_get_string_member (settings, "subject_channel"), ==, channel->title);
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
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
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

static void
assert_same_bytes (const AtelierTensor *a, const AtelierTensor *b)
{
  g_assert_true (atelier_tensor_same_shape (a, b));
  g_assert_cmpmem (a->data, atelier_tensor_numel (a) * sizeof (float), b->data, atelier_tensor_numel (b) * sizeof (float));
}

/* One worker and two give the same output, float for float: plain with the subject found by ISNet (when its weights
 * are there), and generated around a selection. */
static void
test_threads_same_bytes (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) generated = generated_values ("stone", 0.0);
  g_autoptr (AtelierFilterOutput) one = run_on_threads (generated, image, selection, 1);
  g_autoptr (AtelierFilterOutput) two = run_on_threads (generated, image, selection, 2);
  assert_same_bytes (one->pixels, two->pixels);
  if (!test_isnet_ready ())
    return;
  g_autoptr (AtelierTensor) disc = test_subject_image (160, 224);
  g_autoptr (AtelierFilterValues) studio = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (studio, "background", "studio", NULL));
  g_autoptr (AtelierFilterOutput) found_one = run_on_threads (studio, disc, NULL, 1);
  g_autoptr (AtelierFilterOutput) found_two = run_on_threads (studio, disc, NULL, 2);
  assert_same_bytes (found_one->pixels, found_two->pixels);
}

/* @image with every pixel the selection does not fully hold replaced by other random values. */
static AtelierTensor *
with_other_background (const AtelierTensor *image, const AtelierTensor *selection)
{
  AtelierTensor *other = test_random_4d (1, 3, H, W);
  for (gint64 c = 0; c < 3; c++)
    for (gint64 i = 0; i < H * W; i++)
      if (selection->data[i] >= OPAQUE_FROM)
        other->data[c * H * W + i] = image->data[c * H * W + i];
  return other;
}

/* How many of the pixels outside the selection differ between @a and @b. */
static gint64
background_differences (const AtelierTensor *a, const AtelierTensor *b, const AtelierTensor *selection)
{
  gint64 differences = 0;
  for (gint64 c = 0; c < 3; c++)
    for (gint64 i = 0; i < H * W; i++)
      if (selection->data[i] == 0.0f && a->data[c * H * W + i] != b->data[c * H * W + i])
        differences++;
  return differences;
}

/* With "keep layout" at 0 the generated background is a function of the subject alone: the old background replaced
 * by noise (the edge band too) leaves every pixel outside the subject as it was. Restyling the old background
 * instead (keep layout 0.5) does depend on it, so the comparison can tell. The seed changes the background. */
static void
test_new_background_ignores_old (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierTensor) other = with_other_background (image, selection);
  g_autoptr (AtelierFilterValues) fresh = generated_values ("fabric", 0.0);
  g_autoptr (AtelierFilterOutput) first = run_with_selection (fresh, image, selection);
  g_autoptr (AtelierFilterOutput) second = run_with_selection (fresh, other, selection);
  g_assert_cmpint (background_differences (first->pixels, second->pixels, selection), ==, 0);
  assert_kept_where_opaque (second->pixels, other, selection);

  g_autoptr (AtelierFilterValues) restyled = generated_values ("fabric", 0.5);
  g_autoptr (AtelierFilterOutput) restyled_first = run_with_selection (restyled, image, selection);
  g_autoptr (AtelierFilterOutput) restyled_second = run_with_selection (restyled, other, selection);
  g_assert_cmpint (background_differences (restyled_first->pixels, restyled_second->pixels, selection), >, H * W / 2);

  g_assert_true (atelier_filter_values_set (fresh, "seed", 1, NULL));
  g_autoptr (AtelierFilterOutput) reseeded = run_with_selection (fresh, image, selection);
  g_assert_cmpint (background_differences (first->pixels, reseeded->pixels, selection), >, H * W / 2);
}

/* The square's box, soft edge included: rows TOP - EDGE .. BOTTOM + EDGE, columns LEFT - EDGE .. RIGHT + EDGE. */
#define BOX_H (BOTTOM - TOP + 1 + 2 * EDGE)
#define BOX_W (RIGHT - LEFT + 1 + 2 * EDGE)

/* What the model sees, against values worked out by hand (Rec. 601 luminance Y = 0.299 R + 0.587 G + 0.114 B, each
 * channel moved towards Y by alpha): red under alpha 1 is Y everywhere, green under 0.5 half way to its Y, blue under
 * 0 itself, and (0.2, 0.4, 0.6) under 0.25 a quarter of the way to 0.363. */
static void
test_grey_view_hand_computed (void)
{
  const float rgb[3][4] = { { 1.0f, 0.0f, 0.0f, 0.2f }, { 0.0f, 1.0f, 0.0f, 0.4f }, { 0.0f, 0.0f, 1.0f, 0.6f } };
  const float alpha[4] = { 1.0f, 0.5f, 0.0f, 0.25f };
  const float expected[3][4] = { { 0.299f, 0.2935f, 0.0f, 0.24075f },
                                 { 0.299f, 0.7935f, 0.0f, 0.39075f },
                                 { 0.299f, 0.2935f, 1.0f, 0.54075f } };
  g_autoptr (AtelierTensor) image = atelier_tensor_new_4d (1, 3, 1, 4, NULL);
  g_autoptr (AtelierTensor) matte = atelier_tensor_new_4d (1, 1, 1, 4, NULL);
  memcpy (image->data, rgb, sizeof rgb);
  memcpy (matte->data, alpha, sizeof alpha);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) grey = atelier_background_subject_in_grey (image, matte, &error);
  g_assert_no_error (error);
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 4; i++)
      g_assert_cmpfloat_with_epsilon (grey->data[c * 4 + i], expected[c][i], 1e-6f);
}

/* (1, 1, @h, @w): 1 in rows @top..@bottom - 1 and columns @left..@right - 1, 0 elsewhere. */
static AtelierTensor *
box_mask (gint64 h, gint64 w, gint64 top, gint64 bottom, gint64 left, gint64 right)
{
  AtelierTensor *mask = atelier_tensor_new_4d (1, 1, h, w, NULL);
  for (gint64 y = top; y < bottom; y++)
    for (gint64 x = left; x < right; x++)
      mask->data[y * w + x] = 1.0f;
  return mask;
}

/* ESRGAN medium x2, or NULL with the test marked skipped where its weights are not set up. */
static AtelierRdn *
esrgan_medium_x2 (void)
{
  g_autoptr (GError) error = NULL;
  AtelierRdn *rdn = atelier_rdn_open ("medium", 2, &error);
  if (rdn == NULL)
    g_test_skip_printf ("the ESRGAN medium weights are not set up (%s): run models/esrgan/setup.sh", error->message);
  return rdn;
}

/* The generated background's enlargement by ESRGAN (medium, x2) is the upscaler run on the model's background
 * alone, then the bicubic resize to the picture's size, bit for bit: the model's background made here from the
 * same parts (the grey view, the inverted matte, the fill at the working size); the result has the picture's size
 * and differs from the bicubic enlargement of the same background. A working side of 128 keeps it quick. */
static void
test_generated_enlarged_by_esrgan (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierRdn) rdn = esrgan_medium_x2 ();
  if (rdn == NULL)
    return;
  g_autoptr (AtelierLatentDiffusion) ld = atelier_latent_diffusion_open (ATELIER_LATENT_DIFFUSION_DEFAULT_UNET,
                                                                         ATELIER_LATENT_DIFFUSION_DEFAULT_AUTOENCODER,
                                                                         &error);
  g_assert_no_error (error);
  enum { PH = 150, PW = 200 };
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, PH, PW);
  g_autoptr (AtelierTensor) alpha = box_mask (PH, PW, 50, 120, 70, 130);
  AtelierGeneratedBackgroundOptions options = { .diffusion = atelier_latent_diffusion_options_default (),
                                                .enlarger = rdn };
  options.diffusion.working_side = 128;
  options.diffusion.sampler.steps = TEST_STEPS;
  options.diffusion.sampler.strength = 1.0f;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) made = atelier_background_generate (ctx, ld, image, alpha, &options, &error);
  g_assert_no_error (error);
  g_assert_cmpint (made->shape[2], ==, PH);
  g_assert_cmpint (made->shape[3], ==, PW);

  g_autoptr (AtelierTensor) inverted = atelier_tensor_new_like (alpha, NULL);
  for (gint64 i = 0; i < PH * PW; i++)
    inverted->data[i] = 1.0f - alpha->data[i];
  g_autoptr (AtelierTensor) grey = atelier_background_subject_in_grey (image, alpha, &error);
  g_autoptr (AtelierTensor) small
    = atelier_latent_diffusion_fill_at_working_size (ctx, ld, grey, inverted, &options.diffusion, &error);
  g_assert_no_error (error);
  g_assert_cmpint (MAX (small->shape[2], small->shape[3]), ==, 128);
  const AtelierUpscaleOptions upscale_options = { 0, -1 };
  g_autoptr (AtelierTensor) sharp = atelier_upscale (ctx, rdn, small, &upscale_options, &error);
  g_autoptr (AtelierTensor) expected = atelier_resize (ctx, sharp, PH, PW, ATELIER_RESIZE_BICUBIC, &error);
  g_autoptr (AtelierTensor) bicubic = atelier_resize (ctx, small, PH, PW, ATELIER_RESIZE_BICUBIC, &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < atelier_tensor_numel (expected); i++)
    {
      expected->data[i] = CLAMP (expected->data[i], 0.0f, 1.0f);
      bicubic->data[i] = CLAMP (bicubic->data[i], 0.0f, 1.0f);
    }
  assert_same_bytes (made, expected);
  g_test_message ("ESRGAN vs bicubic enlargement: %g", test_max_abs_diff (made, bicubic));
  g_assert_cmpfloat (test_max_abs_diff (made, bicubic), >, 1.0f / 255.0f);

  /* A tabletop's surface: the whole picture painted (nothing kept), then through the enlarger at its own scale,
   * clamped, and not resized to the picture's size. */
  g_autoptr (AtelierTensor) surface = atelier_background_generate_surface (ctx, ld, image, &options, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) everything = atelier_tensor_new_like (alpha, NULL);
  atelier_tensor_fill (everything, 1.0f);
  g_autoptr (AtelierTensor) whole
    = atelier_latent_diffusion_fill_at_working_size (ctx, ld, image, everything, &options.diffusion, &error);
  g_autoptr (AtelierTensor) whole_sharp = atelier_upscale (ctx, rdn, whole, &upscale_options, &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < atelier_tensor_numel (whole_sharp); i++)
    whole_sharp->data[i] = CLAMP (whole_sharp->data[i], 0.0f, 1.0f);
  g_assert_cmpint (surface->shape[2], ==, 2 * whole->shape[2]);
  assert_same_bytes (surface, whole_sharp);
}

/* Square, 85 % fill, centred: the canvas is the box's wider side over 0.85 (rounded up), the subject lands whole
 * pixels in, its pixels bit for bit at their new place, the border all white; the long side minimum grows the
 * canvas around it (the subject is not enlarged), and a given size that cannot hold it is refused. */
static void
test_canvas_square_fill (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_find ("replace-background"));
  g_assert_true (atelier_filter_values_set_choice (values, "canvas", "square", NULL));
  g_assert_true (atelier_filter_values_set_choice (values, "placement", "centre", NULL));
  g_assert_true (atelier_filter_values_set (values, "fill", 85.0, NULL));
  g_assert_true (atelier_filter_values_set (values, "shadow-opacity", 0.0, NULL));
  g_autoptr (AtelierFilterOutput) out = run_with_selection (values, image, selection);
  const gint64 side = (gint64) ceil (BOX_W / 0.85);
  g_assert_cmpint (out->pixels->shape[2], ==, side);
  g_assert_cmpint (out->pixels->shape[3], ==, side);
  const gint64 top = (side - BOX_H) / 2 - (TOP - EDGE), left = (side - BOX_W) / 2 - (LEFT - EDGE);
  gint64 kept = 0;
  for (gint64 y = 0; y < H; y++)
    for (gint64 x = 0; x < W; x++)
      if (selection->data[y * W + x] >= OPAQUE_FROM)
        {
          for (int c = 0; c < 3; c++)
            g_assert_cmpmem (&out->pixels->data[(c * side + y + top) * side + x + left], sizeof (float),
                             &image->data[(c * H + y) * W + x], sizeof (float));
          kept++;
        }
  g_assert_cmpint (kept, ==, (BOTTOM - TOP + 1) * (RIGHT - LEFT + 1));
  for (int c = 0; c < 3; c++)
    for (gint64 i = 0; i < side; i++)
      {
        g_assert_cmpfloat (out->pixels->data[(c * side + 0) * side + i], ==, 1.0f);
        g_assert_cmpfloat (out->pixels->data[(c * side + i) * side + side - 1], ==, 1.0f);
      }

  AtelierCanvasPlan plan;
  const AtelierCanvasOptions larger = { .shape = ATELIER_CANVAS_4_5, .fill = 0.85f, .min_long_side = 500, .centre = TRUE };
  g_assert_true (atelier_canvas_plan (&larger, selection, &plan, NULL));
  g_assert_cmpint (plan.height, ==, 500);
  g_assert_cmpint (plan.width, ==, 400);
  g_autoptr (AtelierTensor) placed = atelier_canvas_place (selection, &plan, 0.0f, NULL);
  g_assert_cmpfloat_with_epsilon (atelier_canvas_fill (placed), (double) BOX_W / 400, 1e-12);

  const AtelierCanvasOptions small = { .shape = ATELIER_CANVAS_SIZE, .width = BOX_W - 1, .height = 500 };
  g_autoptr (GError) error = NULL;
  g_assert_false (atelier_canvas_plan (&small, selection, &plan, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "never scaled"));
}

/* Kept in place on the photograph's own frame, nothing moves: the plan is the identity. */
static void
test_canvas_keep_in_place (void)
{
  g_autoptr (AtelierTensor) selection = square_selection ();
  const AtelierCanvasOptions keep = { .shape = ATELIER_CANVAS_KEEP };
  AtelierCanvasPlan plan;
  g_assert_true (atelier_canvas_plan (&keep, selection, &plan, NULL));
  g_assert_true (atelier_canvas_is_identity (&plan, selection));
}

/* A category preset gives exactly the run with that preset's shadow set by hand (food: opacity 0.45, softness
 * 1.2 % of the shorter side, H = 96: 1 pixel, moved away from its light (-0.8, -0.2): atan2 (0.8, 0.2) = 75.96
 * degrees to the right), and another picture than the default shadow's. */
static void
test_preset_sets_the_shadow (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  const AtelierFilterInfo *info = atelier_filter_find ("replace-background");
  g_autoptr (AtelierFilterValues) chosen = atelier_filter_values_new (info);
  g_assert_true (atelier_filter_values_set_choice (chosen, "preset", "food", NULL));
  g_assert_true (atelier_filter_values_set (chosen, "shadow-distance", 12, NULL));
  g_autoptr (AtelierFilterValues) by_hand = atelier_filter_values_new (info);
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-opacity", 0.45, NULL));
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-softness", 1, NULL));
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-distance", 12, NULL));
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-direction", atan2 (0.8, 0.2) * 180.0 / G_PI, NULL));
  g_autoptr (AtelierFilterValues) plain = atelier_filter_values_new (info);
  g_autoptr (AtelierFilterOutput) a = run_with_selection (chosen, image, selection);
  g_autoptr (AtelierFilterOutput) b = run_with_selection (by_hand, image, selection);
  g_autoptr (AtelierFilterOutput) c = run_with_selection (plain, image, selection);
  g_assert_cmpfloat (test_max_abs_diff (a->pixels, b->pixels), ==, 0.0f);
  g_assert_cmpfloat (test_max_abs_diff (a->pixels, c->pixels), >, 0.01f);
  /* The direction is the preset's: straight down is another shadow. */
  g_assert_true (atelier_filter_values_set (by_hand, "shadow-direction", 0.0, NULL));
  g_autoptr (AtelierFilterOutput) d = run_with_selection (by_hand, image, selection);
  g_assert_cmpfloat (test_max_abs_diff (a->pixels, d->pixels), >, 0.01f);
}

/* A preset's surface replaces the style row when the model has it (clothing: linen, else studio, which every model
 * here has), so the style row then changes nothing; without a preset it does. */
static void
test_preset_chooses_the_surface (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) wood = generated_values ("wood", 0.0);
  g_autoptr (AtelierFilterValues) fabric = generated_values ("fabric", 0.0);
  g_autoptr (AtelierFilterOutput) wood_alone = run_with_selection (wood, image, selection);
  g_autoptr (AtelierFilterOutput) fabric_alone = run_with_selection (fabric, image, selection);
  g_assert_cmpint (background_differences (wood_alone->pixels, fabric_alone->pixels, selection), >, H * W / 2);
  g_assert_true (atelier_filter_values_set_choice (wood, "preset", "clothing", NULL));
  g_assert_true (atelier_filter_values_set_choice (fabric, "preset", "clothing", NULL));
  g_autoptr (AtelierFilterOutput) wood_clothing = run_with_selection (wood, image, selection);
  g_autoptr (AtelierFilterOutput) fabric_clothing = run_with_selection (fabric, image, selection);
  g_assert_cmpfloat (test_max_abs_diff (wood_clothing->pixels, fabric_clothing->pixels), ==, 0.0f);
  g_assert_cmpint (background_differences (wood_clothing->pixels, wood_alone->pixels, selection), >, H * W / 2);
  /* The settings line, the provenance record and the settings name the surface used (studio: the committed model
   * has no linen), not the style row it replaced. */
  g_autofree char *described = atelier_filter_values_describe (wood, wood_clothing);
  g_assert_nonnull (strstr (described, "style studio"));
  g_assert_null (strstr (described, "style wood"));
  g_assert_nonnull (strstr (wood_clothing->settings, "\"decided\":{\"style\":\"studio\"}"));
  g_assert_nonnull (strstr (wood_clothing->settings, "\"style\":\"wood\"")); /* the values that regenerate it */
  g_assert_null (wood_alone->decided);
  g_assert_null (strstr (wood_alone->settings, "decided"));
}

/* The largest |v(x - 1) - 2 v(x) + v(x + 1)| over rows @y0..@y1 and the columns left and right of the subject's
 * matte (and its shadow): 0 where each row is an affine function of x, as the tabletop's wall is (a colour, times a
 * light falling off linearly across the picture). */
static float
roughness (const AtelierTensor *pixels, gint64 y0, gint64 y1)
{
  float most = 0.0f;
  for (gint64 c = 0; c < 3; c++)
    for (gint64 y = y0; y <= y1; y++)
      for (gint64 x = 1; x < W - 1; x++)
        {
          if (x + 1 >= LEFT - EDGE - 20 && x - 1 <= RIGHT + EDGE + 20)
            continue;
          const float *row = pixels->data + (c * H + y) * W;
          most = MAX (most, fabsf (row[x - 1] - 2.0f * row[x] + row[x + 1]));
        }
  return most;
}

/* Under a preset whose composition has a horizon, the committed model (no scene input: it paints surfaces
 * head-on) gets a tabletop: its surface as a floor below the horizon (the food preset's row 0.4, above the
 * subject's base), a plain wall above it, or home's room. Without the preset, or restyling the old background
 * (keep layout 0.5), the rows above are the model's texture; the record names the floor's surface. */
static void
test_preset_lays_a_tabletop (void)
{
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, H, W);
  g_autoptr (AtelierTensor) selection = square_selection ();
  g_autoptr (AtelierFilterValues) values = generated_values ("fabric", 0.0);
  g_autoptr (AtelierFilterOutput) flat = run_with_selection (values, image, selection);
  g_assert_true (atelier_filter_values_set_choice (values, "preset", "food", NULL));
  g_autoptr (AtelierFilterOutput) tabletop = run_with_selection (values, image, selection);
  const gint64 horizon = (gint64) (0.4 * H);
  g_assert_cmpfloat (roughness (tabletop->pixels, 0, horizon - 3), <, 1e-5f);
  g_assert_cmpfloat (roughness (tabletop->pixels, horizon + 20, H - 1), >, 1e-3f);
  g_assert_cmpfloat (roughness (flat->pixels, 0, horizon - 3), >, 1e-3f);
  g_assert_nonnull (strstr (tabletop->settings, "\"decided\":{\"style\":\"wood\"}"));
  /* Home: its floor is its material (wood), its out-of-focus room (bokeh) the backdrop above the horizon (0.6 of
   * the height, but above the subject's base: row 52 - 0.05 x 96). */
  g_assert_true (atelier_filter_values_set_choice (values, "preset", "home", NULL));
  g_autoptr (AtelierFilterOutput) home = run_with_selection (values, image, selection);
  g_assert_nonnull (strstr (home->settings, "\"decided\":{\"style\":\"wood\"}"));
  g_assert_cmpfloat (roughness (home->pixels, 0, horizon - 3), >, 1e-4f);
  g_assert_cmpint (background_differences (home->pixels, tabletop->pixels, selection), >, H * W / 2);
  /* Jewellery: the committed model has neither marble nor velvet, so the style row's material is the floor, and
   * the run decided nothing. */
  g_assert_true (atelier_filter_values_set_choice (values, "preset", "jewellery", NULL));
  g_assert_true (atelier_filter_values_set_choice (values, "style", "wood", NULL));
  g_autoptr (AtelierFilterOutput) jewellery = run_with_selection (values, image, selection);
  g_assert_cmpfloat (roughness (jewellery->pixels, 0, (gint64) (0.3 * H) - 3), <, 1e-5f);
  g_assert_null (jewellery->decided);
  g_assert_true (atelier_filter_values_set_choice (values, "preset", "home", NULL));
  g_assert_true (atelier_filter_values_set (values, "keep-layout", 0.5, NULL));
  g_autoptr (AtelierFilterOutput) restyled = run_with_selection (values, image, selection);
  g_assert_cmpfloat (roughness (restyled->pixels, 0, horizon - 3), >, 1e-3f);
}

/* A picture of 640 x 560 is enlarged from the 512-pixel working size by ESRGAN x2 when the background is
 * generated around the product, but a tabletop's floor (two surface widths across its nearest row) needs a surface
 * of only 320 pixels: its surface is not enlarged, so "medium" and "bicubic" give the same pixels, and with no
 * preset they do not. */
static void
test_tabletop_surface_not_enlarged_past_use (void)
{
  g_autoptr (AtelierRdn) rdn = esrgan_medium_x2 ();
  if (rdn == NULL)
    return;
  enum { BH = 560, BW = 640 };
  g_autoptr (AtelierTensor) image = test_random_4d (1, 3, BH, BW);
  g_autoptr (AtelierTensor) selection = box_mask (BH, BW, 200, 480, 240, 400);
  g_autoptr (AtelierFilterValues) values = generated_values ("wood", 0.0);
  g_assert_true (atelier_filter_values_set (values, "steps", 1, NULL));
  AtelierFilterOutput *outputs[2][2];
  const char *presets[2] = { "none", "food" }, *enlargers[2] = { "medium", "bicubic" };
  for (int p = 0; p < 2; p++)
    for (int e = 0; e < 2; e++)
      {
        g_assert_true (atelier_filter_values_set_choice (values, "preset", presets[p], NULL));
        g_assert_true (atelier_filter_values_set_choice (values, "enlarge", enlargers[e], NULL));
        outputs[p][e] = run_with_selection (values, image, selection);
      }
  g_assert_cmpfloat (test_max_abs_diff (outputs[0][0]->pixels, outputs[0][1]->pixels), >, 1.0f / 255.0f);
  assert_same_bytes (outputs[1][0]->pixels, outputs[1][1]->pixels);
  for (int p = 0; p < 2; p++)
    for (int e = 0; e < 2; e++)
      atelier_filter_output_free (outputs[p][e]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/replace-background/selection-kept-exactly", test_selection_kept_exactly);
  g_test_add_func ("/replace-background/white-is-exact", test_white_is_exact);
  g_test_add_func ("/replace-background/gradient-rows", test_gradient_rows);
  g_test_add_func ("/replace-background/shadow-under-subject", test_shadow_under_subject);
  g_test_add_func ("/replace-background/shadow-direction-reflection-wrap", test_shadow_direction_reflection_wrap);
  g_test_add_func ("/replace-background/whole-selection-refused", test_whole_selection_refused);
  g_test_add_func ("/replace-background/layers", test_layers);
  g_test_add_func ("/replace-background/found-subject-kept-exactly", test_found_subject_kept_exactly);
  g_test_add_func ("/replace-background/threads-same-bytes", test_threads_same_bytes);
  g_test_add_func ("/replace-background/canvas/square-fill", test_canvas_square_fill);
  g_test_add_func ("/replace-background/canvas/keep-in-place", test_canvas_keep_in_place);
  g_test_add_func ("/replace-background/generated/ignores-old-background", test_new_background_ignores_old);
  g_test_add_func ("/replace-background/preset-sets-the-shadow", test_preset_sets_the_shadow);
  g_test_add_func ("/replace-background/generated/preset-chooses-the-surface", test_preset_chooses_the_surface);
  g_test_add_func ("/replace-background/generated/preset-lays-a-tabletop", test_preset_lays_a_tabletop);
  g_test_add_func ("/replace-background/edge-colours-whole-image-rule", test_edge_colours_whole_image_rule);
  g_test_add_func ("/replace-background/generated/grey-view", test_grey_view_hand_computed);
  g_test_add_func ("/replace-background/generated/enlarged-by-esrgan", test_generated_enlarged_by_esrgan);
  g_test_add_func ("/replace-background/generated/tabletop-surface-not-enlarged-past-use",
                   test_tabletop_surface_not_enlarged_past_use);
  return g_test_run ();
}
