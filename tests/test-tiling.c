/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The tiling mechanism: tiled output equals untiled output, tiles blend as a
 * partition of unity, any image size works, progress and cancellation. */
#include "test-helpers.h"

#include <math.h>

/* A small fully convolutional network: conv3x3 -> leaky -> conv3x3 -> leaky
 * -> conv3x3, receptive radius 3, optionally followed by a x2 pixel shuffle
 * or starting with a stride-2 convolution (scale 1/2). */
typedef struct
{
  AtelierTensor *w[3], *b[3];
  int scale_num, scale_den;
  int fail_on_call; /* > 0: the n-th call fails */
  int calls;
} TestNet;

static void
test_net_init (TestNet *net, int cin, int cout, int scale_num, int scale_den)
{
  const int hidden = 8;
  const int out_channels = cout * scale_num * scale_num;
  net->w[0] = test_random_4d (hidden, cin, 3, 3);
  net->w[1] = test_random_4d (hidden, hidden, 3, 3);
  net->w[2] = test_random_4d (out_channels, hidden, 3, 3);
  for (int i = 0; i < 3; i++)
    {
      atelier_scale_inplace (net->w[i], 0.3f, 0.0f);
      net->b[i] = test_random_tensor (1, (const int64_t[]) { net->w[i]->shape[0] }, -0.1f, 0.1f);
    }
  net->scale_num = scale_num;
  net->scale_den = scale_den;
  net->fail_on_call = 0;
  net->calls = 0;
}

static void
test_net_clear (TestNet *net)
{
  for (int i = 0; i < 3; i++)
    {
      atelier_tensor_free (net->w[i]);
      atelier_tensor_free (net->b[i]);
    }
}

static AtelierTensor *
test_net_forward (AtelierContext *ctx, const AtelierTensor *x, gpointer data, GError **error)
{
  TestNet *net = data;
  if (++net->calls == net->fail_on_call)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "planned failure");
      return NULL;
    }
  g_autoptr (AtelierTensor) h = NULL;
  for (int i = 0; i < 3; i++)
    {
      AtelierConv2dParams p = atelier_conv2d_params (i == 0 ? net->scale_den : 1, 1, 1);
      p.activation = i < 2 ? ATELIER_ACTIVATION_LEAKY_RELU : ATELIER_ACTIVATION_NONE;
      p.activation_alpha = 0.2f;
      AtelierTensor *next = atelier_conv2d (ctx, h ? h : x, net->w[i], net->b[i], &p, error);
      if (next == NULL)
        return NULL;
      atelier_tensor_free (h);
      h = next;
    }
  if (net->scale_num > 1)
    return atelier_pixel_shuffle (ctx, h, net->scale_num, ATELIER_DEPTH_TO_SPACE_CHANNEL_FIRST, error);
  return g_steal_pointer (&h);
}

/* The reference for the tiler's edge rule, written naively: @input with @border repeated edge pixels on each
 * side. */
static AtelierTensor *
edge_extended (const AtelierTensor *input, gint64 border)
{
  const gint64 c = input->shape[1], h = input->shape[2], w = input->shape[3];
  const gint64 eh = h + 2 * border, ew = w + 2 * border;
  AtelierTensor *out = atelier_tensor_new_4d (1, c, eh, ew, NULL);
  for (gint64 k = 0; k < c; k++)
    for (gint64 y = 0; y < eh; y++)
      for (gint64 x = 0; x < ew; x++)
        out->data[(k * eh + y) * ew + x]
          = input->data[(k * h + CLAMP (y - border, 0, h - 1)) * w + CLAMP (x - border, 0, w - 1)];
  return out;
}

/* The untiled network on the image extended by @margin repeated edge pixels (0: as it is), with the extension's
 * output dropped: what the tiler must produce. */
static AtelierTensor *
untiled_reference (AtelierContext *ctx, TestNet *net, const AtelierTensor *input, int margin)
{
  g_autoptr (AtelierTensor) extended = edge_extended (input, margin);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) whole = test_net_forward (ctx, extended, net, &error);
  g_assert_no_error (error);
  const gint64 b = (gint64) margin * net->scale_num / net->scale_den;
  return atelier_tensor_crop (whole, b, b, input->shape[2] * net->scale_num / net->scale_den,
                              input->shape[3] * net->scale_num / net->scale_den, NULL);
}

static void
check_tiling_mode (gint64 h, gint64 w, int tile, int margin, int scale_num, int scale_den, gboolean repeat_edges)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  TestNet net;
  test_net_init (&net, 3, 3, scale_num, scale_den);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 3, h, w);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) whole = untiled_reference (ctx, &net, input, repeat_edges ? margin : 0);
  AtelierTileSpec spec = { tile, margin, scale_num, scale_den, 3, "Testing", repeat_edges };
  g_autoptr (AtelierTensor) tiled = atelier_tiled_run (ctx, input, &spec, test_net_forward, &net, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_tensor_same_shape (tiled, whole));
  float diff = test_max_abs_diff (tiled, whole);
  g_test_message ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " tile %d margin %d scale %d/%d%s: max diff %g",
                  w, h, tile, margin, scale_num, scale_den, repeat_edges ? ", repeated edges" : "", diff);
  g_assert_cmpfloat (diff, <, 1e-4f);
  test_net_clear (&net);
}

/* With the network's own padding at the image's edges and with repeated edges. */
static void
check_tiled_equals_untiled (gint64 h, gint64 w, int tile, int margin, int scale_num, int scale_den)
{
  check_tiling_mode (h, w, tile, margin, scale_num, scale_den, FALSE);
  check_tiling_mode (h, w, tile, margin, scale_num, scale_den, TRUE);
}

static void
test_tiled_512 (void)
{
  /* Receptive radius 3 <= margin 4: tiled and untiled agree to rounding. */
  check_tiled_equals_untiled (512, 512, 96, 4, 1, 1);
}

static void
test_tiled_upscale (void)
{
  check_tiled_equals_untiled (200, 173, 64, 4, 2, 1);
}

static void
test_tiled_downscale (void)
{
  /* A stride-2 first layer: the receptive radius is 1 + 2*2 = 5 input pixels. */
  check_tiled_equals_untiled (130, 198, 64, 6, 1, 2);
}

static void
test_tiled_any_size (void)
{
  const gint64 sizes[][2] = { { 1, 1 }, { 1, 300 }, { 7, 13 }, { 40, 40 }, { 65, 63 }, { 97, 31 } };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    check_tiled_equals_untiled (sizes[i][0], sizes[i][1], 48, 4, 2, 1);
}

static void
test_partition_of_unity (void)
{
  const gint64 lengths[] = { 1, 47, 48, 49, 100, 333, 1000, 4097 };
  const int margins[] = { 0, 1, 4, 8 };
  for (gsize l = 0; l < G_N_ELEMENTS (lengths); l++)
    for (gsize m = 0; m < G_N_ELEMENTS (margins); m++)
      for (int scale = 1; scale <= 3; scale += 2)
        {
          AtelierTileSpec spec = { 48, margins[m], scale, 1, 1, NULL, FALSE };
          AtelierTileAxis axis;
          g_autoptr (GError) error = NULL;
          g_assert_true (atelier_tile_axis_init (&axis, lengths[l], &spec, &error));
          const gint64 out_len = lengths[l] * scale, tile_out = axis.size * scale;
          g_autofree double *sum = g_new0 (double, out_len);
          g_autofree float *w = g_new (float, tile_out);
          for (int t = 0; t < axis.count; t++)
            {
              atelier_tile_axis_weights (&axis, &spec, t, w);
              g_assert_cmpint (axis.starts[t] + axis.size, <=, lengths[l]);
              for (gint64 i = 0; i < tile_out; i++)
                {
                  sum[axis.starts[t] * scale + i] += w[i];
                  /* Output within a margin of a cut edge is never used. */
                  gboolean near_cut = (t > 0 && i < margins[m] * scale)
                                      || (t + 1 < axis.count && i >= tile_out - margins[m] * scale);
                  if (near_cut)
                    g_assert_cmpfloat (w[i], ==, 0.0f);
                }
            }
          for (gint64 i = 0; i < out_len; i++)
            g_assert_cmpfloat_with_epsilon (sum[i], 1.0, 1e-6);
          atelier_tile_axis_clear (&axis);
        }
}

/* Where no tile but @t has weight at output position @p, and @p lies at least @radius from @t's cut edges,
 * the tile saw all the input the untiled network sees there. */
static gboolean
covered_by_one_tile (const AtelierTileAxis *axis, const float *weights, gint64 p, int radius)
{
  int owner = -1;
  for (int t = 0; t < axis->count; t++)
    {
      const gint64 i = p - axis->starts[t];
      if (i >= 0 && i < axis->size && weights[t * axis->size + i] > 0.0f)
        {
          if (owner >= 0)
            return FALSE;
          owner = t;
        }
    }
  const gint64 i = p - axis->starts[owner];
  return (owner == 0 || i >= radius) && (owner == axis->count - 1 || axis->size - 1 - i >= radius);
}

/* A margin below the receptive radius cannot be exact. The tiled result is then each tile's own output
 * cross-faded by the plan's weights (the difference is faded, not cut), and it stays exact wherever one
 * tile alone covers a pixel with all of its receptive field. */
static void
test_blend_hides_short_margin (void)
{
  const gint64 side = 128;
  const int radius = 3; /* three 3x3 convolutions */
  const int margin = 1;
  const gint64 ext = side + 2 * margin; /* the plan covers the edge-extended image */
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  TestNet net;
  test_net_init (&net, 3, 3, 1, 1);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 3, side, side);
  g_autoptr (AtelierTensor) extended = edge_extended (input, margin);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) whole = test_net_forward (ctx, extended, &net, &error);
  AtelierTileSpec spec = { 32, margin, 1, 1, 3, NULL, TRUE };
  g_autoptr (AtelierTensor) tiled = atelier_tiled_run (ctx, input, &spec, test_net_forward, &net, &error);
  g_assert_no_error (error);

  AtelierTileAxis axis; /* the same along both sides of a square */
  g_assert_true (atelier_tile_axis_init (&axis, ext, &spec, &error));
  g_autofree float *weights = g_new (float, axis.count * axis.size);
  for (int t = 0; t < axis.count; t++)
    {
      atelier_tile_axis_weights (&axis, &spec, t, weights + t * axis.size);
      gboolean fading = t == 0; /* faded, not cut: weights strictly between 0 and 1 where it overlaps the last */
      for (gint64 i = 0; i < axis.overlap; i++)
        fading |= weights[t * axis.size + i] > 0.0f && weights[t * axis.size + i] < 1.0f;
      g_assert_true (fading);
    }
  g_assert_cmpint (axis.count, >, 2);
  g_autoptr (AtelierTensor) faded = atelier_tensor_new_like (whole, &error);
  for (int ty = 0; ty < axis.count; ty++)
    for (int tx = 0; tx < axis.count; tx++)
      {
        g_autoptr (AtelierTensor) crop = atelier_tensor_crop (extended, axis.starts[ty], axis.starts[tx], axis.size,
                                                              axis.size, &error);
        g_autoptr (AtelierTensor) out = test_net_forward (ctx, crop, &net, &error);
        g_assert_no_error (error);
        for (int c = 0; c < 3; c++)
          for (gint64 y = 0; y < axis.size; y++)
            for (gint64 x = 0; x < axis.size; x++)
              faded->data[(c * ext + axis.starts[ty] + y) * ext + axis.starts[tx] + x]
                += weights[ty * axis.size + y] * weights[tx * axis.size + x] * out->data[(c * axis.size + y) * axis.size + x];
      }
  float interior = 0, from_whole = 0, from_faded = 0;
  gint64 interior_count = 0;
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < side; y++)
      for (gint64 x = 0; x < side; x++)
        {
          const float t = tiled->data[(c * side + y) * side + x];
          const gint64 e = (c * ext + y + margin) * ext + x + margin;
          from_whole = MAX (from_whole, fabsf (t - whole->data[e]));
          from_faded = MAX (from_faded, fabsf (t - faded->data[e]));
          if (covered_by_one_tile (&axis, weights, y + margin, radius)
              && covered_by_one_tile (&axis, weights, x + margin, radius))
            {
              interior = MAX (interior, fabsf (t - whole->data[e]));
              interior_count++;
            }
        }
  g_test_message ("margin 1 < radius 3: max diff %g from the untiled output, %g where one tile covers the "
                  "receptive field, %g from the cross-faded tiles", from_whole, interior, from_faded);
  g_assert_cmpfloat (from_whole, >, 0.01f); /* the margin is short: not vacuous */
  g_assert_cmpint (interior_count, >, 3 * side * side / 4);
  /* Both measured 0; 10 ulps at the output's magnitude (about 3), should another BLAS kernel sum a tile in
   * another order than the whole image. */
  g_assert_cmpfloat (interior, <=, 2.5e-6f);
  g_assert_cmpfloat (from_faded, <=, 2.5e-6f);
  atelier_tile_axis_clear (&axis);
  test_net_clear (&net);
}

typedef struct
{
  AtelierContext *ctx;
  int reports;
  double last;
  int cancel_at;
} ProgressLog;

static void
record_progress (double fraction, const char *step, gpointer data)
{
  ProgressLog *log = data;
  g_assert_cmpfloat (fraction, >=, log->last);
  g_assert_nonnull (step);
  log->last = fraction;
  if (++log->reports == log->cancel_at)
    atelier_context_cancel (log->ctx);
}

static void
test_progress_and_cancel (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  TestNet net;
  test_net_init (&net, 3, 3, 1, 1);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 3, 100, 100);
  AtelierTileSpec spec = { 40, 4, 1, 1, 3, "Testing", FALSE };
  ProgressLog log = { ctx, 0, 0.0, 0 };
  atelier_context_set_progress (ctx, record_progress, &log);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_tiled_run (ctx, input, &spec, test_net_forward, &net, &error);
  g_assert_no_error (error);
  /* 100 px with 40 px tiles and 12 px overlap: 4 x 4 tiles, then "done". */
  g_assert_cmpint (log.reports, ==, 17);
  g_assert_cmpfloat (log.last, ==, 1.0);

  g_autoptr (AtelierContext) ctx2 = atelier_context_new (2);
  ProgressLog cancel_log = { ctx2, 0, 0.0, 3 };
  atelier_context_set_progress (ctx2, record_progress, &cancel_log);
  net.calls = 0;
  g_autoptr (AtelierTensor) cancelled = atelier_tiled_run (ctx2, input, &spec, test_net_forward, &net, &error);
  g_assert_null (cancelled);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_CANCELLED);
  g_assert_cmpint (net.calls, ==, 2);
  test_net_clear (&net);
}

static void
test_tile_failure_propagates (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  TestNet net;
  test_net_init (&net, 3, 3, 1, 1);
  net.fail_on_call = 2;
  g_autoptr (AtelierTensor) input = test_random_4d (1, 3, 100, 100);
  AtelierTileSpec spec = { 40, 4, 1, 1, 3, NULL, FALSE };
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_tiled_run (ctx, input, &spec, test_net_forward, &net, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  /* A network whose output has the wrong size is caught, not blended. */
  AtelierTileSpec wrong = { 40, 4, 2, 1, 3, NULL, FALSE };
  net.fail_on_call = 0;
  g_assert_null (atelier_tiled_run (ctx, input, &wrong, test_net_forward, &net, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);
  AtelierTileSpec too_small = { 20, 4, 1, 1, 3, NULL, FALSE };
  g_assert_null (atelier_tiled_run (ctx, input, &too_small, test_net_forward, &net, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  test_net_clear (&net);
}

static void
test_tile_size_for_budget (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  atelier_context_set_memory_budget (ctx, 64 << 20);
  /* 64 MiB at 1 KiB per pixel: 65536 pixels, a 256 x 256 tile. */
  g_assert_cmpint (atelier_tile_size_for_budget (ctx, 1024, 8, 8), ==, 256);
  /* Never below 6 margins, whatever the budget. */
  g_assert_cmpint (atelier_tile_size_for_budget (ctx, 1 << 30, 10, 8), ==, 64);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/tiling/tiled-equals-untiled-512", test_tiled_512);
  g_test_add_func ("/engine/tiling/upscale-x2", test_tiled_upscale);
  g_test_add_func ("/engine/tiling/downscale-stride2", test_tiled_downscale);
  g_test_add_func ("/engine/tiling/any-size", test_tiled_any_size);
  g_test_add_func ("/engine/tiling/partition-of-unity", test_partition_of_unity);
  g_test_add_func ("/engine/tiling/blend-hides-short-margin", test_blend_hides_short_margin);
  g_test_add_func ("/engine/tiling/progress-and-cancel", test_progress_and_cancel);
  g_test_add_func ("/engine/tiling/errors", test_tile_failure_propagates);
  g_test_add_func ("/engine/tiling/size-for-budget", test_tile_size_for_budget);
  return g_test_run ();
}
