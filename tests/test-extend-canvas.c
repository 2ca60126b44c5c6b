/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Extend Canvas: the margins each aspect asks for (hand-computed), and the filter's layer: the canvas's size, the
 * source's pixels bit for bit at the margins' offset, a generated border that continues the image. */
#include "test-helpers.h"

#include "pipelines/atelier-inpaint-extend.h"

#include <math.h>
#include <string.h>

static void
assert_margins (AtelierCanvasMargins got, int64_t top, int64_t bottom, int64_t left, int64_t right)
{
  g_assert_cmpint (got.top, ==, top);
  g_assert_cmpint (got.bottom, ==, bottom);
  g_assert_cmpint (got.left, ==, left);
  g_assert_cmpint (got.right, ==, right);
}

static void
test_margins_for_aspect (void)
{
  /* 2000x1500 to 1:1: 2000x2000; to 4:5: 2000x2500; to 16:9: 2667x1500 (ceil (1500 * 16 / 9)). */
  assert_margins (atelier_canvas_margins_for_aspect (2000, 1500, 1, 1), 250, 250, 0, 0);
  assert_margins (atelier_canvas_margins_for_aspect (2000, 1500, 4, 5), 500, 500, 0, 0);
  assert_margins (atelier_canvas_margins_for_aspect (2000, 1500, 16, 9), 0, 0, 333, 334);
  /* A portrait 3x5 to 1:1: 5x5, the odd pixel to the right; an exact fit adds nothing. */
  assert_margins (atelier_canvas_margins_for_aspect (3, 5, 1, 1), 0, 0, 1, 1);
  assert_margins (atelier_canvas_margins_for_aspect (1600, 900, 16, 9), 0, 0, 0, 0);
}

/* (1, C, h, w): a warm gradient with a darker disc and pixel noise; a last alpha plane from 0.3 to 1. */
static AtelierTensor *
photo_like (int64_t channels, int64_t h, int64_t w)
{
  AtelierTensor *image = test_random_4d (1, channels, h, w);
  for (int64_t c = 0; c < channels; c++)
    for (int64_t y = 0; y < h; y++)
      for (int64_t x = 0; x < w; x++)
        {
          float *v = &image->data[(c * h + y) * w + x];
          const gboolean disc = (y - h / 2) * (y - h / 2) + (x - w / 3) * (x - w / 3) < h * h / 9;
          *v = (channels == 2 || channels == 4) && c == channels - 1
                 ? 0.3f + 0.7f * (float) y / (float) (h - 1)
                 : 0.5f + 0.2f * (float) x / (float) w - 0.1f * (float) c - (disc ? 0.3f : 0.0f) + 0.03f * *v;
        }
  return image;
}

static AtelierFilterOutput *
extend (AtelierFilter *filter, const AtelierTensor *image, const char *aspect, const int sides[4])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_assert_true (atelier_filter_values_set (values, "steps", 3, &error));
  g_assert_true (atelier_filter_values_set (values, "working-size", 128, &error));
  g_assert_true (atelier_filter_values_set_choice (values, "aspect", aspect, &error));
  static const char *const names[4] = { "top", "bottom", "left", "right" };
  for (int i = 0; sides != NULL && i < 4; i++)
    g_assert_true (atelier_filter_values_set (values, names[i], sides[i], &error));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
  AtelierFilterOutput *out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_no_error (error);
  return out;
}

/* The layer holds the source's planes bit for bit at the offset (its alpha in the last plane, 1 where the source
 * has none), an opaque border around them, and a border whose colour continues the image's: along the edge it
 * joins, it is nearer the image's edge colour than the image's mean is. */
static void
assert_extended (const AtelierFilterOutput *out, const AtelierTensor *image, int64_t H, int64_t W, int64_t top,
                 int64_t left)
{
  const int64_t channels = image->shape[1], h = image->shape[2], w = image->shape[3];
  const int64_t colours = channels >= 3 ? 3 : 1, has_alpha = channels == 2 || channels == 4;
  g_assert_cmpint (out->pixels->shape[1], ==, colours + 1);
  g_assert_cmpint (out->pixels->shape[2], ==, H);
  g_assert_cmpint (out->pixels->shape[3], ==, W);
  g_assert_cmpint (out->canvas_offset[0], ==, top);
  g_assert_cmpint (out->canvas_offset[1], ==, left);
  const float *layer = out->pixels->data;
  for (int64_t c = 0; c <= colours; c++)
    for (int64_t y = 0; y < H; y++)
      for (int64_t x = 0; x < W; x++)
        {
          const float v = layer[(c * H + y) * W + x];
          const gboolean inside = y >= top && y < top + h && x >= left && x < left + w;
          if (inside && (c < colours || has_alpha))
            g_assert_cmpfloat (v, ==, image->data[((c < colours ? c : channels - 1) * h + y - top) * w + x - left]);
          else if (c == colours)
            g_assert_cmpfloat (v, ==, 1.0f);
          else
            g_assert_true (v >= 0.0f && v <= 1.0f);
        }
}

static void
test_square_rgb (void)
{
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("extend-canvas"));
  g_autoptr (AtelierTensor) image = photo_like (3, 60, 96);
  g_autoptr (AtelierFilterOutput) out = extend (filter, image, "1:1", NULL);
  assert_extended (out, image, 96, 96, 18, 0);
  /* The row just above the image continues it (the fill is fitted to the image's edge): its mean distance to
   * the image's top row is a small part of the top row's own spread (about 0.2 across its gradient). */
  double to_edge = 0;
  for (int64_t c = 0; c < 3; c++)
    for (int64_t x = 0; x < 96; x++)
      to_edge += fabsf (out->pixels->data[(c * 96 + 17) * 96 + x] - image->data[(c * 60) * 96 + x]);
  g_test_message ("row above: mean distance to the image's top row %g", to_edge / 288);
  g_assert_cmpfloat (to_edge / 288, <, 0.03);
}

static void
test_pixels_rgba_and_grey (void)
{
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("extend-canvas"));
  g_autoptr (AtelierTensor) rgba = photo_like (4, 48, 64);
  g_autoptr (AtelierFilterOutput) out = extend (filter, rgba, "pixels", (const int[]) { 5, 11, 0, 20 });
  assert_extended (out, rgba, 64, 84, 5, 0);
  g_autoptr (AtelierTensor) grey = photo_like (1, 50, 40);
  g_autoptr (AtelierFilterOutput) grey_out = extend (filter, grey, "16:9", NULL);
  /* ceil (50 * 16 / 9) = 89: 49 more columns, 24 on the left and 25 on the right. */
  assert_extended (grey_out, grey, 50, 89, 0, 24);
}

static void
test_nothing_to_add (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierFilter) filter = atelier_filter_new (atelier_filter_find ("extend-canvas"));
  g_autoptr (AtelierFilterValues) values = atelier_filter_values_new (atelier_filter_get_info (filter));
  g_assert_true (atelier_filter_values_set_choice (values, "aspect", "pixels", &error));
  g_autoptr (AtelierTensor) image = photo_like (3, 32, 32);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const AtelierFilterInput in = { image, NULL, FALSE, NULL };
  g_autoptr (AtelierFilterOutput) out = atelier_filter_apply (filter, ctx, values, &in, &error);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (out);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/extend-canvas/margins-for-aspect", test_margins_for_aspect);
  g_test_add_func ("/extend-canvas/square-rgb", test_square_rgb);
  g_test_add_func ("/extend-canvas/pixels-rgba-and-grey", test_pixels_rgba_and_grey);
  g_test_add_func ("/extend-canvas/nothing-to-add", test_nothing_to_add);
  return g_test_run ();
}
