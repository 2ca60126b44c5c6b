/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Every kernel against its naive reference on random inputs. Tolerances are about 10x the largest error
 * measured over 30 random seeds, relative to 1 + max |expected| (test_assert_close prints it under
 * --verbose), noted at each comparison. */
#include "ops/vector-exp.h"
#include "reference/naive-ops.h"
#include "test-helpers.h"

#include <float.h>
#include <math.h>

typedef struct
{
  const char *path;
  gint64 n, cin, cout, h, w;
  int kh, kw, stride_h, stride_w;
  int pad_top, pad_bottom, pad_left, pad_right;
  int dilation_h, dilation_w, groups;
  AtelierActivation activation;
  gsize workspace; /* 0: default */
} ConvCase;

static const ConvCase conv_cases[] = {
  { "/engine/conv2d/3x3", 1, 16, 24, 17, 23, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/1x1", 1, 20, 12, 9, 31, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/1x1-padded", 1, 5, 7, 6, 5, 1, 1, 1, 1, 1, 0, 2, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/stride2", 2, 8, 16, 19, 20, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/stride2-asymmetric-pad", 1, 6, 10, 16, 15, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/stride3x2-5x3", 1, 4, 6, 23, 17, 5, 3, 3, 2, 2, 1, 0, 2, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/dilation2", 1, 8, 8, 21, 19, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/dilation3x1", 1, 4, 5, 13, 14, 3, 3, 1, 1, 3, 3, 1, 1, 3, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/groups4", 1, 16, 8, 11, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 4, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/depthwise", 2, 12, 12, 15, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 12, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/depthwise-stride2-dilated", 1, 6, 6, 16, 17, 5, 5, 2, 2, 4, 4, 4, 4, 2, 2, 6, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/channel-multiplier", 1, 3, 9, 10, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 3, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/no-padding-7x7", 1, 3, 4, 12, 30, 7, 7, 1, 1, 0, 0, 0, 0, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/1x1-image", 1, 3, 4, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/fused-leaky-relu", 1, 8, 8, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_LEAKY_RELU, 0 },
  { "/engine/conv2d/fused-silu", 1, 8, 8, 12, 12, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_SILU, 0 },
  /* Each stride-1 path on purpose (engine/ops/conv2d.c chooses by channel counts). */
  { "/engine/conv2d/path/shifted-dilated-asymmetric", 1, 12, 40, 14, 17, 3, 3, 1, 1, 2, 1, 1, 2, 2, 1, 1, ATELIER_ACTIVATION_RELU, 0 },
  { "/engine/conv2d/path/shifted-5x5", 1, 20, 33, 11, 9, 5, 5, 1, 1, 2, 2, 2, 2, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  /* Shifted taps stack the batch into one tall image: rows across the seams between items are dropped,
   * also when a small workspace makes chunks of two rows start and end around a seam. */
  { "/engine/conv2d/path/shifted-batch3-dilated-groups", 3, 12, 40, 14, 17, 3, 3, 1, 1, 2, 1, 1, 2, 2, 1, 2, ATELIER_ACTIVATION_SILU, 0 },
  { "/engine/conv2d/path/shifted-batch2-seams", 2, 12, 40, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 8192 },
  { "/engine/conv2d/path/tapstack-wide-input", 1, 70, 20, 13, 15, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/path/tapstack-dilated-groups", 2, 128, 32, 9, 12, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2, 2, ATELIER_ACTIVATION_NONE, 0 },
  { "/engine/conv2d/path/tapstack-thin-output", 1, 48, 3, 16, 11, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 0 },
  /* A workspace of a few KiB forces chunks that start and end mid-row. */
  { "/engine/conv2d/tiny-workspace", 1, 8, 8, 13, 37, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 4096 },
  { "/engine/conv2d/tiny-workspace-stride2", 1, 8, 8, 13, 37, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1, ATELIER_ACTIVATION_NONE, 4096 },
};

static void
test_conv2d_case (gconstpointer data)
{
  const ConvCase *c = data;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  if (c->workspace)
    atelier_context_set_workspace_bytes (ctx, c->workspace);
  g_autoptr (AtelierTensor) input = test_random_4d (c->n, c->cin, c->h, c->w);
  g_autoptr (AtelierTensor) weight = test_random_4d (c->cout, c->cin / c->groups, c->kh, c->kw);
  g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { c->cout }, -1, 1);
  AtelierConv2dParams p = {
    c->stride_h, c->stride_w, c->pad_top, c->pad_bottom, c->pad_left, c->pad_right,
    c->dilation_h, c->dilation_w, c->groups, c->activation, 0.2f,
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_conv2d (ctx, input, weight, bias, &p, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_conv2d (input, weight, bias, &p);
  test_assert_close (out, ref, 4e-6f); /* measured 3.7e-7 */
}

static void
test_conv2d_no_bias_single_thread (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 5, 9, 11);
  g_autoptr (AtelierTensor) weight = test_random_4d (7, 5, 3, 3);
  AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_conv2d (ctx, input, weight, NULL, &p, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_conv2d (input, weight, NULL, &p);
  test_assert_close (out, ref, 1.5e-6f); /* measured 1.5e-7 */
}

static void
test_conv2d_into_view (void)
{
  /* A dense block's pattern: read the first 5 channels of a 12-channel buffer, write 4 channels at 5..8;
   * the channels before and after the view keep their values. */
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) buffer = test_random_4d (1, 12, 9, 11);
  g_autoptr (AtelierTensor) before = atelier_tensor_copy (buffer, NULL);
  g_autoptr (AtelierTensor) weight = test_random_4d (4, 5, 3, 3);
  g_autoptr (AtelierTensor) bias = test_random_4d (1, 1, 1, 4);
  g_assert_true (atelier_tensor_reshape (bias, 1, (const int64_t[]) { 4 }, NULL));
  const int64_t plane = 9 * 11;
  g_autoptr (AtelierTensor) seen = atelier_tensor_new_view (buffer->data, 4, (const int64_t[]) { 1, 5, 9, 11 });
  g_autoptr (AtelierTensor) grown = atelier_tensor_new_view (buffer->data + 5 * plane, 4, (const int64_t[]) { 1, 4, 9, 11 });
  AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  p.activation = ATELIER_ACTIVATION_RELU;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) first5 = atelier_tensor_new_view (before->data, 4, (const int64_t[]) { 1, 5, 9, 11 });
  g_autoptr (AtelierTensor) ref = naive_conv2d (first5, weight, bias, &p);
  g_assert_true (atelier_conv2d_into (ctx, seen, weight, bias, &p, grown, &error));
  g_assert_no_error (error);
  test_assert_close (grown, ref, 1.5e-6f); /* measured 1.3e-7 */
  for (int64_t i = 0; i < 12 * plane; i++)
    if (i < 5 * plane || i >= 9 * plane)
      g_assert_cmpfloat (buffer->data[i], ==, before->data[i]);
  /* An output of the wrong shape is refused before anything is written. */
  g_autoptr (AtelierTensor) wrong = atelier_tensor_new_view (buffer->data, 4, (const int64_t[]) { 1, 3, 9, 11 });
  g_assert_false (atelier_conv2d_into (ctx, seen, weight, bias, &p, wrong, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_vector_exp (void)
{
  /* 2001 values (not a multiple of the vector width) from -100 to 100 against double-precision exp of the
   * input clamped to the documented range. */
  const gint64 n = 2001;
  g_autofree float *x = g_new (float, n);
  for (gint64 i = 0; i < n; i++)
    x[i] = -100.0f + 0.1f * (float) i + (float) g_test_rand_double_range (-0.05, 0.05);
  g_autofree float *in = g_memdup2 (x, sizeof (float) * n);
  atelier_exp_inplace (x, n);
  double worst = 0.0;
  for (gint64 i = 0; i < n; i++)
    {
      const double expected = exp (CLAMP ((double) in[i], -87.33654022216797, 88.0));
      g_assert_true (isfinite (x[i]));
      worst = MAX (worst, fabs (x[i] - expected) / expected);
    }
  g_test_message ("vectorised exp: worst relative error %g", worst);
  g_assert_cmpfloat (worst, <=, 3.0 * FLT_EPSILON);
  /* Hand-computed points. */
  float points[] = { 0.0f, 1.0f, -1.0f, INFINITY, -INFINITY };
  atelier_exp_inplace (points, G_N_ELEMENTS (points));
  g_assert_cmpfloat (points[0], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (points[1], 2.718281828f, 1e-6f);
  g_assert_cmpfloat_with_epsilon (points[2], 0.367879441f, 1e-7f);
  g_assert_true (isfinite (points[3]) && points[3] > 1e38f);
  g_assert_cmpfloat (points[4], >=, 0.0f);
  g_assert_cmpfloat (points[4], <, 1e-37f);
}

typedef struct
{
  AtelierContext *ctx;
  gint *visits;   /* atomic, one per item */
  gint bad_worker; /* atomic */
  gint nested;     /* atomic: items of the inner loops */
  int threads;
} LoopCheck;

static void
count_nested (gint64 item, int worker, gpointer p)
{
  (void) item;
  LoopCheck *check = p;
  if (worker < 0 || worker >= check->threads)
    g_atomic_int_set (&check->bad_worker, 1);
  g_atomic_int_inc (&check->nested);
}

static void
visit (gint64 item, int worker, gpointer p)
{
  LoopCheck *check = p;
  if (worker < 0 || worker >= check->threads)
    g_atomic_int_set (&check->bad_worker, 1);
  g_atomic_int_inc (&check->visits[item]);
  /* Every 100th item runs a loop of its own on the same context, as a pipeline stage inside a tile would. */
  if (item % 100 == 0)
    atelier_context_parallel_for (check->ctx, 7, count_nested, check);
}

/* The context's helper threads: every item exactly once, worker indices in range, nested loops complete,
 * and a thousand loops in a row (the helpers are woken, not started, per loop) lose nothing. */
static void
test_parallel_for (void)
{
  const int threads_cases[] = { 1, 2, 3, 5 };
  for (gsize t = 0; t < G_N_ELEMENTS (threads_cases); t++)
    {
      g_autoptr (AtelierContext) ctx = atelier_context_new (threads_cases[t]);
      const gint64 n = 1000;
      g_autofree gint *visits = g_new0 (gint, n);
      LoopCheck check = { ctx, visits, 0, 0, threads_cases[t] };
      for (int loop = 0; loop < 1000; loop++)
        atelier_context_parallel_for (ctx, loop == 0 ? n : loop % 4, visit, &check);
      /* Loop 0 visited all n items; loops 1.. visited items 0..(loop % 4) - 1. */
      for (gint64 i = 0; i < n; i++)
        {
          gint expected = 1;
          for (int loop = 1; loop < 1000; loop++)
            expected += i < loop % 4;
          g_assert_cmpint (visits[i], ==, expected);
        }
      g_assert_cmpint (check.bad_worker, ==, 0);
      /* Item 0 runs a nested loop in every loop that has items, items 100..900 in loop 0. */
      int loops_with_items = 1;
      for (int loop = 1; loop < 1000; loop++)
        loops_with_items += loop % 4 > 0;
      g_assert_cmpint (check.nested, ==, 7 * (loops_with_items + 9));
    }
}

static void
test_conv2d_hand_computed (void)
{
  /* A 3x3 box filter over 1..9 with zero padding: the centre sums all nine
   * (45), a corner sums its 2x2 neighbourhood (1+2+4+5 = 12). */
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) input = atelier_tensor_new_4d (1, 1, 3, 3, &error);
  g_autoptr (AtelierTensor) weight = atelier_tensor_new_4d (1, 1, 3, 3, &error);
  for (int i = 0; i < 9; i++)
    input->data[i] = i + 1;
  atelier_tensor_fill (weight, 1.0f);
  AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  g_autoptr (AtelierTensor) out = atelier_conv2d (ctx, input, weight, NULL, &p, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (out->data[4], ==, 45.0f);
  g_assert_cmpfloat (out->data[0], ==, 12.0f);
  g_assert_cmpfloat (out->data[8], ==, 5 + 6 + 8 + 9);
}

static void
test_conv2d_rejects_bad_shapes (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 6, 8, 8);
  g_autoptr (AtelierTensor) weight = test_random_4d (4, 5, 3, 3);
  g_autoptr (AtelierTensor) big = test_random_4d (4, 6, 11, 11);
  AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_conv2d (ctx, input, weight, NULL, &p, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);
  g_assert_null (atelier_conv2d (ctx, input, big, NULL, &p, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);
  p.stride_h = 0;
  g_assert_null (atelier_conv2d (ctx, input, weight, NULL, &p, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

typedef struct
{
  const char *path;
  gint64 cin, cout, h, w;
  int k, stride, pad, output_pad, dilation, groups;
} TransposeCase;

static const TransposeCase transpose_cases[] = {
  { "/engine/conv-transpose2d/4x4-stride2", 8, 6, 7, 9, 4, 2, 1, 0, 1, 1 },
  { "/engine/conv-transpose2d/3x3-stride2-output-pad", 5, 4, 6, 5, 3, 2, 1, 1, 1, 1 },
  { "/engine/conv-transpose2d/3x3-stride1", 4, 7, 8, 8, 3, 1, 1, 0, 1, 1 },
  { "/engine/conv-transpose2d/dilated-groups", 6, 4, 5, 6, 3, 2, 2, 1, 2, 2 },
  { "/engine/conv-transpose2d/stride3-k3", 3, 3, 4, 3, 3, 3, 0, 0, 1, 1 },
};

static void
test_conv_transpose_case (gconstpointer data)
{
  const TransposeCase *c = data;
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (2, c->cin, c->h, c->w);
  g_autoptr (AtelierTensor) weight = test_random_4d (c->cin, c->cout / c->groups, c->k, c->k);
  g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { c->cout }, -1, 1);
  AtelierConvTranspose2dParams p = atelier_conv_transpose2d_params (c->stride, c->pad, c->output_pad);
  p.dilation_h = p.dilation_w = c->dilation;
  p.groups = c->groups;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_conv_transpose2d (ctx, input, weight, bias, &p, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_conv_transpose2d (input, weight, bias, &p);
  test_assert_close (out, ref, 1.5e-6f); /* measured 1.4e-7 */
}

static void
test_pixel_shuffle (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) input = test_random_4d (2, 12, 5, 7);
  for (int order = 0; order < 2; order++)
    for (int r = 1; r <= 2; r++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AtelierTensor) out = atelier_pixel_shuffle (ctx, input, r, order, &error);
        g_assert_no_error (error);
        g_autoptr (AtelierTensor) ref = naive_pixel_shuffle (input, r, order);
        g_assert_cmpfloat (test_max_abs_diff (out, ref), ==, 0.0f);
      }
  /* 4x4 with 32 channels: CHANNEL_LAST puts sub-pixel (0, 1) of channel 0 at input channel 2. */
  g_autoptr (AtelierTensor) in4 = test_random_4d (1, 32, 2, 2);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) tf = atelier_pixel_shuffle (ctx, in4, 4, ATELIER_DEPTH_TO_SPACE_CHANNEL_LAST, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (tf->data[1], ==, in4->data[2 * 4]);
  g_autoptr (AtelierTensor) bad = atelier_pixel_shuffle (ctx, input, 3, ATELIER_DEPTH_TO_SPACE_CHANNEL_FIRST, &error);
  g_assert_null (bad);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_resize (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 3, 9, 13);
  /* 150 and 130 rows: several bands of output rows per plane, each with its own rows filtered along x. */
  const gint64 sizes[][2] = { { 18, 26 }, { 36, 52 }, { 5, 7 }, { 1, 1 }, { 27, 11 }, { 9, 13 }, { 18, 13 },
                              { 150, 40 }, { 130, 7 } };
  for (int mode = 0; mode < 3; mode++)
    for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AtelierTensor) out = atelier_resize (ctx, input, sizes[s][0], sizes[s][1], mode, &error);
        g_assert_no_error (error);
        g_autoptr (AtelierTensor) ref = naive_resize (input, sizes[s][0], sizes[s][1], mode);
        test_assert_close (out, ref, 5e-6f); /* measured 5.1e-7 */
      }
  /* x2 of one row and of one column: the doubling path's edges meet. */
  g_autoptr (AtelierTensor) thin = test_random_4d (2, 1, 1, 5);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) doubled = atelier_resize (ctx, thin, 2, 10, ATELIER_RESIZE_BILINEAR, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_resize (thin, 2, 10, ATELIER_RESIZE_BILINEAR);
  test_assert_close (doubled, ref, 1e-6f);
}

static void
test_resize_bilinear_ramp (void)
{
  /* Bilinear x2 of a ramp 0,1,2,3 gives 0,0.25,0.75,1.25,...,3 (half-pixel
   * centres, edge clamped): hand-computed. */
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) ramp = atelier_tensor_new_4d (1, 1, 1, 4, &error);
  for (int i = 0; i < 4; i++)
    ramp->data[i] = i;
  g_autoptr (AtelierTensor) out = atelier_resize (ctx, ramp, 1, 8, ATELIER_RESIZE_BILINEAR, &error);
  const float expected[8] = { 0, 0.25f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3 };
  for (int i = 0; i < 8; i++)
    g_assert_cmpfloat_with_epsilon (out->data[i], expected[i], 1e-6);
}

/* Area resampling, naively: each output pixel integrates the source over its
 * footprint [y s, (y + 1) s) x [x t, (x + 1) t), in double precision. */
static AtelierTensor *
naive_resize_area (const AtelierTensor *in, gint64 oh, gint64 ow)
{
  g_autoptr (GError) error = NULL;
  const gint64 h = in->shape[2], w = in->shape[3];
  const double sy = (double) h / oh, sx = (double) w / ow;
  AtelierTensor *out = atelier_tensor_new_4d (in->shape[0], in->shape[1], oh, ow, &error);
  for (gint64 p = 0; p < in->shape[0] * in->shape[1]; p++)
    for (gint64 y = 0; y < oh; y++)
      for (gint64 x = 0; x < ow; x++)
        {
          double sum = 0;
          for (gint64 iy = 0; iy < h; iy++)
            for (gint64 ix = 0; ix < w; ix++)
              {
                const double cover_y = MIN ((y + 1) * sy, iy + 1.0) - MAX (y * sy, (double) iy);
                const double cover_x = MIN ((x + 1) * sx, ix + 1.0) - MAX (x * sx, (double) ix);
                if (cover_y > 0 && cover_x > 0)
                  sum += cover_y * cover_x * in->data[(p * h + iy) * w + ix];
              }
          out->data[(p * oh + y) * ow + x] = (float) (sum / (sy * sx));
        }
  return out;
}

static void
test_resize_area (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (2, 3, 37, 23);
  const gint64 sizes[][2] = { { 10, 7 }, { 37, 23 }, { 5, 23 }, { 1, 1 }, { 80, 41 }, { 36, 22 } };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) out = atelier_resize_area (ctx, input, sizes[s][0], sizes[s][1], &error);
      g_assert_no_error (error);
      g_autoptr (AtelierTensor) ref = naive_resize_area (input, sizes[s][0], sizes[s][1]);
      test_assert_close (out, ref, 1e-5f);
    }
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_resize_area (ctx, input, 0, 4, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

/* Into the first channels of a concatenation: the same values as
 * atelier_resize, and the channels after the view untouched. */
static void
test_resize_into_view (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) input = test_random_4d (1, 3, 5, 7);
  g_autoptr (AtelierTensor) concat = atelier_tensor_new_4d (1, 5, 10, 14, &error);
  atelier_tensor_fill (concat, 42.0f);
  g_autoptr (AtelierTensor) view = atelier_tensor_new_view (concat->data, 4, (const int64_t[]) { 1, 3, 10, 14 });
  g_assert_true (atelier_resize_into (ctx, input, ATELIER_RESIZE_BILINEAR, view, &error));
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_resize (input, 10, 14, ATELIER_RESIZE_BILINEAR);
  test_assert_close (view, ref, 1e-6f);
  for (gint64 i = 3 * 10 * 14; i < atelier_tensor_numel (concat); i++)
    g_assert_cmpfloat (concat->data[i], ==, 42.0f);
  g_autoptr (AtelierTensor) wrong = atelier_tensor_new_4d (1, 2, 10, 14, &error);
  g_assert_false (atelier_resize_into (ctx, input, ATELIER_RESIZE_BILINEAR, wrong, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_pool (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (2, 3, 11, 14);
  const AtelierPool2dParams params[] = {
    { 2, 2, 2, 2, 0, 0, TRUE, FALSE },
    { 3, 3, 2, 2, 1, 1, TRUE, FALSE },
    { 3, 3, 2, 2, 1, 1, FALSE, FALSE },
    { 3, 2, 1, 2, 1, 0, TRUE, FALSE },
    { 2, 2, 2, 2, 0, 0, TRUE, TRUE },  /* ceil mode: 11x14 -> 6x7, the last row's windows clipped */
    { 3, 3, 2, 2, 1, 1, FALSE, TRUE },
    { 3, 3, 2, 2, 1, 1, TRUE, TRUE },
  };
  for (int mode = 0; mode < 2; mode++)
    for (gsize i = 0; i < G_N_ELEMENTS (params); i++)
      {
        g_autoptr (GError) error = NULL;
        g_autoptr (AtelierTensor) out = atelier_pool2d (ctx, input, mode, &params[i], &error);
        g_assert_no_error (error);
        g_autoptr (AtelierTensor) ref = naive_pool2d (input, mode, &params[i]);
        test_assert_close (out, ref, 7e-7f); /* measured 6.6e-8 */
      }
}

/* ISNet's max-pooling (2x2, stride 2, ceil mode) of a 3x3 ramp: the windows
 * of the last row and column hold what is left of the input (hand-computed). */
static void
test_pool_ceil_mode (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) ramp = atelier_tensor_new_4d (1, 1, 3, 3, &error);
  for (int i = 0; i < 9; i++)
    ramp->data[i] = (float) (i + 1);
  const AtelierPool2dParams params = { .kernel_h = 2, .kernel_w = 2, .stride_h = 2, .stride_w = 2, .ceil_mode = TRUE };
  g_autoptr (AtelierTensor) out = atelier_pool2d (ctx, ramp, ATELIER_POOL_MAX, &params, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->shape[2], ==, 2);
  g_assert_cmpint (out->shape[3], ==, 2);
  const float expected[4] = { 5, 6, 8, 9 };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (out->data[i], ==, expected[i]);
}

static void
test_group_norm (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (2, 12, 7, 9);
  atelier_scale_inplace (input, 3.0f, 5.0f); /* non-zero mean, to catch a missing subtraction */
  g_autoptr (AtelierTensor) gamma = test_random_tensor (1, (const int64_t[]) { 12 }, 0.5f, 2.0f);
  g_autoptr (AtelierTensor) beta = test_random_tensor (1, (const int64_t[]) { 12 }, -1, 1);
  const int groups[] = { 1, 3, 4, 12 };
  /* An eps of the variance's order as well, where one ignored or misplaced shows above the rounding. */
  const float eps[] = { 1e-5f, 1.0f };
  for (gsize i = 0; i < G_N_ELEMENTS (groups) * G_N_ELEMENTS (eps); i++)
    {
      g_autoptr (GError) error = NULL;
      const int g = groups[i / G_N_ELEMENTS (eps)];
      const float e = eps[i % G_N_ELEMENTS (eps)];
      g_autoptr (AtelierTensor) out = atelier_group_norm (ctx, input, g, gamma, beta, e, &error);
      g_assert_no_error (error);
      g_autoptr (AtelierTensor) ref = naive_group_norm (input, g, gamma, beta, e);
      test_assert_close (out, ref, 2.5e-6f); /* measured 2.1e-7 */
    }
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_group_norm (ctx, input, 5, gamma, beta, 1e-5f, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_layer_norm (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_tensor (3, (const int64_t[]) { 2, 17, 24 }, -3, 5);
  g_autoptr (AtelierTensor) gamma = test_random_tensor (1, (const int64_t[]) { 24 }, 0.5f, 2.0f);
  g_autoptr (AtelierTensor) beta = test_random_tensor (1, (const int64_t[]) { 24 }, -1, 1);
  for (int i = 0; i < 2; i++)
    {
      const float eps = i == 0 ? 1e-5f : 1.0f; /* the second of the variance's order, as for the group norm */
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) out = atelier_layer_norm (ctx, input, gamma, beta, eps, &error);
      g_assert_no_error (error);
      g_autoptr (AtelierTensor) ref = naive_layer_norm (input, gamma, beta, eps);
      test_assert_close (out, ref, 1e-6f); /* measured 9.9e-8 */
    }
}

static void
test_batch_norm_fold (void)
{
  /* conv followed by batch norm == the folded conv alone. */
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 4, 9, 9);
  g_autoptr (AtelierTensor) weight = test_random_4d (6, 4, 3, 3);
  g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { 6 }, -1, 1);
  g_autoptr (AtelierTensor) gamma = test_random_tensor (1, (const int64_t[]) { 6 }, 0.5f, 2);
  g_autoptr (AtelierTensor) beta = test_random_tensor (1, (const int64_t[]) { 6 }, -1, 1);
  g_autoptr (AtelierTensor) mean = test_random_tensor (1, (const int64_t[]) { 6 }, -1, 1);
  g_autoptr (AtelierTensor) var = test_random_tensor (1, (const int64_t[]) { 6 }, 0.1f, 3);
  AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  g_autoptr (AtelierTensor) conv = naive_conv2d (input, weight, bias, &p);
  g_autoptr (AtelierTensor) ref = naive_batch_norm (conv, gamma, beta, mean, var, 1e-3);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_batch_norm_fold (weight, bias, gamma, beta, mean, var, 1e-3f, &error));
  g_autoptr (AtelierTensor) out = atelier_conv2d (ctx, input, weight, bias, &p, &error);
  g_assert_no_error (error);
  test_assert_close (out, ref, 2.5e-6f); /* measured 2.5e-7 */
}

static void
test_linear (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_tensor (3, (const int64_t[]) { 3, 70, 33 }, -1, 1);
  g_autoptr (AtelierTensor) weight = test_random_tensor (2, (const int64_t[]) { 19, 33 }, -1, 1);
  g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { 19 }, -1, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_linear (ctx, input, weight, bias, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_linear (input, weight, bias);
  test_assert_close (out, ref, 3e-6f); /* measured 2.6e-7 */
  g_autoptr (AtelierTensor) wrong = test_random_tensor (2, (const int64_t[]) { 19, 32 }, -1, 1);
  g_assert_null (atelier_linear (ctx, input, wrong, bias, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_softmax (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) input = test_random_tensor (2, (const int64_t[]) { 7, 41 }, -20, 20);
  g_autoptr (AtelierTensor) ref = naive_softmax (input);
  atelier_softmax_inplace (ctx, input);
  test_assert_close (input, ref, 1e-6f); /* measured 9.3e-8 */
  /* Large logits must not overflow: softmax(1000, 1000) = (0.5, 0.5). */
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) big = atelier_tensor_new (1, (const int64_t[]) { 2 }, &error);
  atelier_tensor_fill (big, 1000.0f);
  atelier_softmax_inplace (ctx, big);
  g_assert_cmpfloat (big->data[0], ==, 0.5f);
}

static void
test_attention (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) q = test_random_tensor (3, (const int64_t[]) { 3, 300, 16 }, -1, 1);
  g_autoptr (AtelierTensor) k = test_random_tensor (3, (const int64_t[]) { 3, 77, 16 }, -1, 1);
  g_autoptr (AtelierTensor) v = test_random_tensor (3, (const int64_t[]) { 3, 77, 24 }, -1, 1);
  g_autoptr (GError) error = NULL;
  /* A 16 KiB workspace forces query chunks of ~26 rows. */
  atelier_context_set_workspace_bytes (ctx, 1 << 16);
  g_autoptr (AtelierTensor) out = atelier_attention (ctx, q, k, v, 0.0f, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_attention (q, k, v, 0.25);
  test_assert_close (out, ref, 1.2e-6f); /* measured 1.1e-7 */
}

static void
test_activations (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_tensor (1, (const int64_t[]) { 200003 }, -6, 6);
  const char *names[] = { "none", "relu", "leaky_relu", "silu", "gelu", "gelu_tanh", "sigmoid", "tanh" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      AtelierActivation act;
      g_autoptr (GError) error = NULL;
      g_assert_true (atelier_activation_from_name (names[i], &act, &error));
      g_autoptr (AtelierTensor) x = atelier_tensor_copy (input, &error);
      atelier_activation_inplace (ctx, x, act, 0.2f);
      g_autoptr (AtelierTensor) ref = atelier_tensor_copy (input, &error);
      for (gint64 j = 0; j < atelier_tensor_numel (ref); j++)
        ref->data[j] = (float) naive_activation (input->data[j], act, 0.2);
      test_assert_close (x, ref, 1.5e-6f); /* measured 1.4e-7 */
    }
  AtelierActivation act;
  g_autoptr (GError) error = NULL;
  g_assert_false (atelier_activation_from_name ("swish2", &act, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED);
}

static void
test_elementwise_broadcast (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) a = test_random_4d (2, 3, 4, 5);
  g_autoptr (AtelierTensor) per_channel = test_random_4d (1, 3, 1, 1);
  g_autoptr (AtelierTensor) row = test_random_tensor (1, (const int64_t[]) { 5 }, -1, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) sum = atelier_add (ctx, a, per_channel, &error);
  g_autoptr (AtelierTensor) product = atelier_mul (ctx, row, a, &error);
  g_assert_no_error (error);
  for (gint64 n = 0; n < 2; n++)
    for (gint64 c = 0; c < 3; c++)
      for (gint64 y = 0; y < 4; y++)
        for (gint64 x = 0; x < 5; x++)
          {
            gint64 i = ((n * 3 + c) * 4 + y) * 5 + x;
            g_assert_cmpfloat (sum->data[i], ==, a->data[i] + per_channel->data[c]);
            g_assert_cmpfloat (product->data[i], ==, row->data[x] * a->data[i]);
          }
  g_autoptr (AtelierTensor) copy = atelier_tensor_copy (a, &error);
  g_assert_true (atelier_add_inplace (ctx, copy, per_channel, &error));
  g_assert_cmpfloat (test_max_abs_diff (copy, sum), ==, 0.0f);
  g_assert_true (atelier_mul_inplace (ctx, copy, copy, &error));
  g_assert_cmpfloat (copy->data[7], ==, sum->data[7] * sum->data[7]);
  /* (1,3,1,1) cannot grow in place into (2,3,4,5); (4,) does not broadcast with (5,). */
  g_assert_false (atelier_add_inplace (ctx, per_channel, a, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) four = test_random_tensor (1, (const int64_t[]) { 4 }, -1, 1);
  g_assert_null (atelier_add (ctx, row, four, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_concat (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) a = test_random_4d (2, 3, 4, 5);
  g_autoptr (AtelierTensor) b = test_random_4d (2, 1, 4, 5);
  const AtelierTensor *parts[] = { a, b };
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) out = atelier_concat (ctx, parts, 2, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out->shape[1], ==, 4);
  for (gint64 n = 0; n < 2; n++)
    for (gint64 i = 0; i < 20; i++)
      {
        for (gint64 c = 0; c < 3; c++)
          g_assert_cmpfloat (out->data[(n * 4 + c) * 20 + i], ==, a->data[(n * 3 + c) * 20 + i]);
        g_assert_cmpfloat (out->data[(n * 4 + 3) * 20 + i], ==, b->data[n * 20 + i]);
      }
  g_assert_null (atelier_concat (ctx, parts, 2, 2, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

static void
test_cancellation (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 4, 16, 16);
  g_autoptr (AtelierTensor) weight = test_random_4d (4, 4, 3, 3);
  AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  atelier_context_cancel (ctx);
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_conv2d (ctx, input, weight, NULL, &p, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_CANCELLED);
}

static void
test_tensor_out_of_memory (void)
{
  g_autoptr (GError) error = NULL;
  /* 2^45 floats: more than any test machine has; an error, not an abort. */
  g_autoptr (AtelierTensor) t = atelier_tensor_new_4d (1 << 15, 1 << 10, 1 << 10, 1 << 10, &error);
  g_assert_null (t);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY);
}

/* A 3 x 4 plane by hand: only values strictly between the bounds count, only inside the window. */
static void
test_window_holds_between (void)
{
  const float values[12] = { 0.0f, 1.0f, 0.5f, 0.0f,
                             1.0f, 0.0f, 1.0f, 0.0f,
                             0.0f, 0.0f, 1.0f, 0.2f };
  g_autoptr (AtelierTensor) plane = atelier_tensor_new (4, (const int64_t[]) { 1, 1, 3, 4 }, NULL);
  memcpy (plane->data, values, sizeof values);
  g_assert_true (atelier_tensor_window_holds_between (plane, 0, 0, 3, 4, 0.0f, 1.0f));
  g_assert_false (atelier_tensor_window_holds_between (plane, 0, 0, 3, 2, 0.0f, 1.0f)); /* 0 and 1 only */
  g_assert_true (atelier_tensor_window_holds_between (plane, 0, 2, 1, 1, 0.0f, 1.0f));  /* the 0.5 */
  g_assert_true (atelier_tensor_window_holds_between (plane, 2, 3, 1, 1, 0.0f, 1.0f));  /* the 0.2, last pixel */
  g_assert_false (atelier_tensor_window_holds_between (plane, 1, 0, 2, 3, 0.0f, 1.0f)); /* misses both */
  g_assert_false (atelier_tensor_window_holds_between (plane, 0, 0, 3, 4, 0.5f, 1.0f)); /* 0.5 is a bound */
  g_assert_true (atelier_tensor_window_holds_between (plane, 0, 0, 3, 4, 0.4f, 0.6f));
}

/* Windows reaching past a 1x3 row [a b c] and a single pixel, worked by hand: repeated edges a a | a b c | c c,
 * mirrored c b | a b c | b a, and far past the row the mirror repeats with period 4 (... b c b a b c b a b c b). */
static void
test_crop_extended (void)
{
  g_autoptr (AtelierTensor) row = atelier_tensor_new (4, (const int64_t[]) { 1, 1, 1, 3 }, NULL);
  row->data[0] = 10.0f, row->data[1] = 20.0f, row->data[2] = 30.0f;
  const struct
  {
    gboolean mirrored;
    int64_t left, width;
    float expected[8];
  } cases[] = {
    { FALSE, -2, 7, { 10, 10, 10, 20, 30, 30, 30 } },
    { TRUE, -2, 7, { 30, 20, 10, 20, 30, 20, 10 } },
    { TRUE, -7, 8, { 20, 30, 20, 10, 20, 30, 20, 10 } },
    { TRUE, 5, 3, { 20, 30, 20 } },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      /* Two rows above the image too: the one row is repeated either way. */
      g_autoptr (AtelierTensor) out = cases[i].mirrored
                                        ? atelier_tensor_crop_mirrored (row, -2, cases[i].left, 3, cases[i].width, &error)
                                        : atelier_tensor_crop_edge_extended (row, -2, cases[i].left, 3, cases[i].width,
                                                                             &error);
      g_assert_no_error (error);
      for (int64_t y = 0; y < 3; y++)
        for (int64_t x = 0; x < cases[i].width; x++)
          g_assert_cmpfloat (out->data[y * cases[i].width + x], ==, cases[i].expected[x]);
    }
  const float column[4] = { 1, 2, 3, 4 };
  g_autoptr (AtelierTensor) tall = atelier_tensor_new (4, (const int64_t[]) { 1, 1, 4, 1 }, NULL);
  memcpy (tall->data, column, sizeof column);
  g_autoptr (AtelierTensor) mirrored = atelier_tensor_crop_mirrored (tall, -3, 0, 10, 1, NULL);
  const float expected[10] = { 4, 3, 2, 1, 2, 3, 4, 3, 2, 1 };
  for (int i = 0; i < 10; i++)
    g_assert_cmpfloat (mirrored->data[i], ==, expected[i]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    g_test_add_data_func (conv_cases[i].path, &conv_cases[i], test_conv2d_case);
  g_test_add_func ("/engine/conv2d/into-view", test_conv2d_into_view);
  g_test_add_func ("/engine/activation/vector-exp", test_vector_exp);
  g_test_add_func ("/engine/context/parallel-for", test_parallel_for);
  g_test_add_func ("/engine/conv2d/no-bias-single-thread", test_conv2d_no_bias_single_thread);
  g_test_add_func ("/engine/conv2d/hand-computed", test_conv2d_hand_computed);
  g_test_add_func ("/engine/tensor/window-holds-between", test_window_holds_between);
  g_test_add_func ("/engine/tensor/crop-extended", test_crop_extended);
  g_test_add_func ("/engine/conv2d/rejects-bad-shapes", test_conv2d_rejects_bad_shapes);
  for (gsize i = 0; i < G_N_ELEMENTS (transpose_cases); i++)
    g_test_add_data_func (transpose_cases[i].path, &transpose_cases[i], test_conv_transpose_case);
  g_test_add_func ("/engine/pixel-shuffle/both-orders", test_pixel_shuffle);
  g_test_add_func ("/engine/resize/all-modes", test_resize);
  g_test_add_func ("/engine/resize/bilinear-ramp", test_resize_bilinear_ramp);
  g_test_add_func ("/engine/resize/into-view", test_resize_into_view);
  g_test_add_func ("/engine/resize/area", test_resize_area);
  g_test_add_func ("/engine/pool/max-and-average", test_pool);
  g_test_add_func ("/engine/pool/ceil-mode", test_pool_ceil_mode);
  g_test_add_func ("/engine/norm/group", test_group_norm);
  g_test_add_func ("/engine/norm/layer", test_layer_norm);
  g_test_add_func ("/engine/norm/batch-norm-fold", test_batch_norm_fold);
  g_test_add_func ("/engine/dense/linear", test_linear);
  g_test_add_func ("/engine/dense/softmax", test_softmax);
  g_test_add_func ("/engine/dense/attention-chunked", test_attention);
  g_test_add_func ("/engine/activation/all", test_activations);
  g_test_add_func ("/engine/elementwise/broadcast", test_elementwise_broadcast);
  g_test_add_func ("/engine/elementwise/concat", test_concat);
  g_test_add_func ("/engine/context/cancellation", test_cancellation);
  g_test_add_func ("/engine/tensor/out-of-memory", test_tensor_out_of_memory);
  return g_test_run ();
}
