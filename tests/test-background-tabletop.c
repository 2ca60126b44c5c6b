/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tabletop scene (pipelines/atelier-background-tabletop.c) against a pinhole camera over a ground plane worked
 * by hand: a row dy pixels below the horizon sees the floor at depth (rows below the horizon) / dy, where one
 * pixel along the row spans repeats * (surface width / picture width) * depth texels. A surface that is a ramp
 * along x (texel i holds (i + 0.5) / width, which every level of an area-averaged pyramid keeps) shows that
 * geometry as values; a constant surface shows the wall, the light and the floor's colour; a fine checkerboard
 * must average to grey where the floor recedes, not alias. */
#include "atelier.h"
#include "pipelines/atelier-background-tabletop.h"
#include "test-helpers.h"

#include <math.h>

#define H 128
#define W 256
#define TW 64

static AtelierTensor *
surface_of (float (*texel) (gint64 y, gint64 x, int c))
{
  AtelierTensor *surface = atelier_tensor_new_4d (1, 3, TW, TW, NULL);
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < TW; y++)
      for (gint64 x = 0; x < TW; x++)
        surface->data[(c * TW + y) * TW + x] = texel (y, x, c);
  return surface;
}

static float
ramp_texel (gint64 y, gint64 x, int c)
{
  (void) y;
  return c == 0 ? (x + 0.5f) / TW : 0.25f;
}

static float
grey_texel (gint64 y, gint64 x, int c)
{
  (void) y, (void) x;
  return 0.2f + 0.1f * c;
}

static float
checker_texel (gint64 y, gint64 x, int c)
{
  (void) c;
  return (float) ((x / 4 + y / 4) % 2);
}

static AtelierTensor *
scene (const AtelierTensor *surface, const AtelierTabletopOptions *options)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (GError) error = NULL;
  AtelierTensor *out = atelier_background_tabletop (ctx, surface, options, H, W, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->shape[2], ==, H);
  g_assert_cmpint (out->shape[3], ==, W);
  return out;
}

static float
at (const AtelierTensor *t, int c, gint64 y, gint64 x)
{
  return t->data[(c * H + y) * W + x];
}

/* Rows 40 and 63 below the horizon (row 64): depths 64 / 40.5 and 64 / 63.5; the middle 41 columns of each read
 * the ramp at the hand-computed u / width, to float rounding. */
static void
test_perspective_of_a_ramp (void)
{
  g_autoptr (AtelierTensor) surface = surface_of (ramp_texel);
  const AtelierTabletopOptions options = { .horizon = 0.5f, .light = { 0.0f, 0.0f }, .repeats = 2.0f };
  g_autoptr (AtelierTensor) out = scene (surface, &options);
  const float scale = 2.0f * TW / W;
  const gint64 rows[] = { 64 + 40, H - 1 };
  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    {
      const float depth = 64.0f / (rows[r] - 64 + 0.5f);
      for (gint64 x = W / 2 - 20; x <= W / 2 + 20; x++)
        {
          const float u = TW / 2.0f + (x + 0.5f - W / 2.0f) * scale * depth;
          g_assert_cmpfloat_with_epsilon (at (out, 0, rows[r], x), u / TW, 1e-4);
          g_assert_cmpfloat_with_epsilon (at (out, 1, rows[r], x), 0.25f, 1e-6);
        }
    }
}

/* A constant surface: the floor is its colour, the wall above the horizon the colour taken 60 % towards 0.93 and
 * darkened by 12 % at the very top, and a light towards the right brightens each row linearly by up to 20 %. */
static void
test_floor_wall_and_light (void)
{
  g_autoptr (AtelierTensor) surface = surface_of (grey_texel);
  AtelierTabletopOptions options = { .horizon = 0.5f, .light = { 0.0f, 0.0f }, .repeats = 1.5f };
  g_autoptr (AtelierTensor) flat = scene (surface, &options);
  for (int c = 0; c < 3; c++)
    {
      const float floor_colour = 0.2f + 0.1f * c, wall = floor_colour * 0.4f + 0.93f * 0.6f;
      g_assert_cmpfloat_with_epsilon (at (flat, c, H - 1, 7), floor_colour, 1e-6);
      g_assert_cmpfloat_with_epsilon (at (flat, c, 80, 200), floor_colour, 1e-6);
      g_assert_cmpfloat_with_epsilon (at (flat, c, 0, 30), wall * (1.0f - 0.12f * (1.0f - 0.5f / 64.0f)), 1e-6);
      g_assert_cmpfloat_with_epsilon (at (flat, c, 32, 30), wall * (1.0f - 0.12f * (1.0f - 32.5f / 64.0f)), 1e-6);
    }
  options.light[0] = 1.0f;
  g_autoptr (AtelierTensor) lit = scene (surface, &options);
  for (gint64 x = 0; x < W; x += 17)
    {
      const float nx = (x + 0.5f - W / 2.0f) / (W / 2.0f);
      g_assert_cmpfloat_with_epsilon (at (lit, 2, 100, x), at (flat, 2, 100, x) * (1.0f + 0.2f * nx), 1e-6);
      g_assert_cmpfloat_with_epsilon (at (lit, 0, 10, x), at (flat, 0, 10, x) * (1.0f + 0.2f * nx), 1e-6);
    }
  /* Half strength, towards the top: the top rows brighter, the bottom darker. */
  options.light[0] = 0.0f;
  options.light[1] = -0.5f;
  g_autoptr (AtelierTensor) from_above = scene (surface, &options);
  for (gint64 y = 0; y < H; y += 9)
    {
      const float ny = (y + 0.5f - H / 2.0f) / (H / 2.0f);
      g_assert_cmpfloat_with_epsilon (at (from_above, 1, y, 40), at (flat, 1, y, 40) * (1.0f - 0.1f * ny), 1e-6);
    }
}

/* Checks of 4 x 4 texels: where the floor is far (depth over 8), every pixel is within 0.02 of their mean 0.5; near
 * the bottom, where a texel covers more than a pixel, the pattern shows (values apart by more than 0.3). */
static void
test_far_floor_is_averaged (void)
{
  g_autoptr (AtelierTensor) surface = surface_of (checker_texel);
  const AtelierTabletopOptions options = { .horizon = 0.25f, .light = { 0.0f, 0.0f }, .repeats = 0.5f };
  g_autoptr (AtelierTensor) out = scene (surface, &options);
  const float below = H - 0.25f * H;
  for (gint64 y = 0; y < H; y++)
    {
      const float dy = y + 0.5f - 0.25f * H;
      if (dy <= 2.0f || below / dy <= 8.0f)
        continue;
      for (gint64 x = 0; x < W; x++)
        g_assert_cmpfloat (fabsf (at (out, 0, y, x) - 0.5f), <, 0.02f);
    }
  float lowest = 1.0f, highest = 0.0f;
  for (gint64 x = 0; x < W; x++)
    {
      lowest = MIN (lowest, at (out, 0, H - 1, x));
      highest = MAX (highest, at (out, 0, H - 1, x));
    }
  g_assert_cmpfloat (highest - lowest, >, 0.3f);
}

static float
backdrop_texel (gint64 y, gint64 x, int c)
{
  return c == 0 ? (x + 0.5f) / (2 * TW) : c == 1 ? (y + 0.5f) / TW : 0.5f;
}

/* A backdrop of 2 TW x TW (ramps across and down) behind the table: it covers the wall's 256 x 64 pixels at
 * min (128 / 256, 64 / 64) = 0.5 of its texels a pixel, centred across, its bottom row on the horizon: wall pixel
 * (x, y) reads texel (64 + (x + 0.5 - 128) / 2, 64 - (64 - y - 0.5) / 2). Below the horizon, the floor. */
static void
test_backdrop_behind_the_table (void)
{
  g_autoptr (AtelierTensor) surface = surface_of (grey_texel);
  g_autoptr (AtelierTensor) backdrop = atelier_tensor_new_4d (1, 3, TW, 2 * TW, NULL);
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < TW; y++)
      for (gint64 x = 0; x < 2 * TW; x++)
        backdrop->data[(c * TW + y) * 2 * TW + x] = backdrop_texel (y, x, c);
  const AtelierTabletopOptions options = { .horizon = 0.5f, .repeats = 1.0f, .backdrop = backdrop };
  g_autoptr (AtelierTensor) out = scene (surface, &options);
  for (gint64 y = 0; y < 60; y += 7)
    for (gint64 x = 4; x < W - 4; x += 9)
      {
        const float u = 64.0f + (x + 0.5f - 128.0f) / 2.0f, v = 64.0f - (64.0f - y - 0.5f) / 2.0f;
        g_assert_cmpfloat_with_epsilon (at (out, 0, y, x), u / (2 * TW), 1e-5);
        g_assert_cmpfloat_with_epsilon (at (out, 1, y, x), v / TW, 1e-5);
      }
  g_assert_cmpfloat_with_epsilon (at (out, 1, 100, 50), 0.3f, 1e-6);
}

/* The horizon stays a twentieth of the height above the subject's lowest solid row (here row 89 of 100: at most
 * 0.9 - 0.05), the preset's row when it is higher, the preset's row without a subject; a bad surface or repeats is
 * an error. */
static void
test_horizon_and_bad_input (void)
{
  g_autoptr (AtelierTensor) alpha = atelier_tensor_new_4d (1, 1, 100, 50, NULL);
  for (gint64 y = 40; y < 90; y++)
    alpha->data[y * 50 + 25] = y == 89 ? 0.5f : 1.0f;
  alpha->data[95 * 50 + 10] = 0.4f; /* soft, not solid */
  g_assert_cmpfloat_with_epsilon (atelier_background_tabletop_horizon_for (0.95f, alpha), 0.85f, 1e-6);
  g_assert_cmpfloat_with_epsilon (atelier_background_tabletop_horizon_for (0.4f, alpha), 0.4f, 1e-6);
  atelier_tensor_fill (alpha, 0.0f);
  g_assert_cmpfloat_with_epsilon (atelier_background_tabletop_horizon_for (0.6f, alpha), 0.6f, 1e-6);

  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) grey = atelier_tensor_new_4d (1, 1, 8, 8, NULL);
  AtelierTabletopOptions options = { .horizon = 0.5f, .repeats = 1.0f };
  GError *error = NULL;
  g_assert_null (atelier_background_tabletop (ctx, grey, &options, 16, 16, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) surface = surface_of (grey_texel);
  options.repeats = 0.0f;
  g_assert_null (atelier_background_tabletop (ctx, surface, &options, 16, 16, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
}

/* The surface a floor needs: the picture's long side over the repeats, rounded up (by hand: 2000 / 2, 701 / 2,
 * 512 / 3). */
static void
test_surface_side (void)
{
  g_assert_cmpint (atelier_background_tabletop_surface_side (2000, 2.0f), ==, 1000);
  g_assert_cmpint (atelier_background_tabletop_surface_side (701, 2.0f), ==, 351);
  g_assert_cmpint (atelier_background_tabletop_surface_side (512, 3.0f), ==, 171);
  g_assert_cmpint (atelier_background_tabletop_surface_side (100, 0.5f), ==, 200);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/background-tabletop/perspective-of-a-ramp", test_perspective_of_a_ramp);
  g_test_add_func ("/background-tabletop/floor-wall-and-light", test_floor_wall_and_light);
  g_test_add_func ("/background-tabletop/far-floor-is-averaged", test_far_floor_is_averaged);
  g_test_add_func ("/background-tabletop/backdrop-behind-the-table", test_backdrop_behind_the_table);
  g_test_add_func ("/background-tabletop/horizon-and-bad-input", test_horizon_and_bad_input);
  g_test_add_func ("/background-tabletop/surface-side", test_surface_side);
  return g_test_run ();
}
