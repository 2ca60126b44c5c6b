/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Winograd's 3x3 convolution (engine/ops/conv2d-winograd.c) against the naive
 * double-precision convolution on random shapes, its thread-count
 * independence, where it declines, and the dispatch and its context switch.
 * Tolerances are about 10x the largest error measured over 20 random seeds,
 * relative to 1 + max |expected| (--verbose prints it), noted at each
 * comparison. */
#include "ops/conv2d-paths.h"
#include "reference/naive-ops.h"
#include "test-helpers.h"

#include <math.h>
#include <string.h>

typedef struct
{
  gint64 n, cin, cout, h, w;
  int pads[4]; /* top, bottom, left, right */
  gboolean bias;
  AtelierActivation activation;
} WinogradCase;

static AtelierConv2dParams
params_of (const WinogradCase *c)
{
  AtelierConv2dParams p = atelier_conv2d_params (1, 0, 1);
  p.pad_top = c->pads[0];
  p.pad_bottom = c->pads[1];
  p.pad_left = c->pads[2];
  p.pad_right = c->pads[3];
  p.activation = c->activation;
  p.activation_alpha = 0.2f;
  return p;
}

/* The path itself on @c, into an output filled with NaN first, so that an element it did not write shows. */
static AtelierTensor *
winograd (AtelierContext *ctx, int tile, const WinogradCase *c, const AtelierTensor *input,
          const AtelierTensor *weight, const AtelierTensor *bias)
{
  const AtelierConv2dParams p = params_of (c);
  g_autoptr (GError) error = NULL;
  AtelierConvGeometry g;
  g_assert_true (atelier_conv_geometry_init (&g, input, weight, bias, &p, &error));
  g_assert_no_error (error);
  AtelierTensor *out = atelier_tensor_new_4d (g.batch, g.cout, g.out_h, g.out_w, &error);
  g_assert_no_error (error);
  for (gint64 i = 0; i < atelier_tensor_numel (out); i++)
    out->data[i] = NAN;
  AtelierConvSetup setup = { ctx, &g, &p, weight->data, bias ? bias->data : NULL, NULL };
  gboolean applicable = FALSE;
  g_assert_true (atelier_conv2d_winograd (&setup, tile, input->data, out->data, &applicable, &error));
  g_assert_no_error (error);
  g_assert_true (applicable);
  return out;
}

static WinogradCase
random_case (int index)
{
  /* The first cases are the edge shapes; then anything up to 3 items, 40 channels, 23x23, padding 0..2. */
  static const gint64 fixed[][2] = { { 1, 1 }, { 2, 2 }, { 3, 5 }, { 5, 3 }, { 4, 4 } };
  WinogradCase c;
  c.n = g_test_rand_int_range (1, 4);
  c.cin = g_test_rand_int_range (1, 41);
  c.cout = g_test_rand_int_range (1, 41);
  c.h = g_test_rand_int_range (1, 24);
  c.w = g_test_rand_int_range (1, 24);
  if (index < (int) G_N_ELEMENTS (fixed))
    {
      c.h = fixed[index][0];
      c.w = fixed[index][1];
    }
  for (int k = 0; k < 4; k++)
    c.pads[k] = g_test_rand_int_range (0, 3);
  /* A 3x3 kernel needs at least 3 padded rows and columns. */
  c.pads[0] = MAX (c.pads[0], (int) (3 - c.h - c.pads[1]));
  c.pads[2] = MAX (c.pads[2], (int) (3 - c.w - c.pads[3]));
  c.bias = index % 3 != 2;
  c.activation = (AtelierActivation) (index % (ATELIER_ACTIVATION_TANH + 1));
  return c;
}

static void
check_random_shapes (int tile, float tolerance)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  for (int i = 0; i < 40; i++)
    {
      const WinogradCase c = random_case (i);
      g_test_message ("case %d: %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT "->%" G_GINT64_FORMAT " %" G_GINT64_FORMAT
                      "x%" G_GINT64_FORMAT " pads %d %d %d %d, activation %d", i, c.n, c.cin, c.cout, c.h, c.w,
                      c.pads[0], c.pads[1], c.pads[2], c.pads[3], c.activation);
      g_autoptr (AtelierTensor) input = test_random_4d (c.n, c.cin, c.h, c.w);
      g_autoptr (AtelierTensor) weight = test_random_4d (c.cout, c.cin, 3, 3);
      g_autoptr (AtelierTensor) bias = c.bias ? test_random_tensor (1, (const int64_t[]) { c.cout }, -1, 1) : NULL;
      g_autoptr (AtelierTensor) out = winograd (ctx, tile, &c, input, weight, bias);
      const AtelierConv2dParams p = params_of (&c);
      g_autoptr (AtelierTensor) ref = naive_conv2d (input, weight, bias, &p);
      test_assert_close (out, ref, tolerance);
    }
}

static void
test_f2_random_shapes (void)
{
  check_random_shapes (2, 2.5e-5f); /* measured 2.5e-6 over 20 seeds */
}

static void
test_f4_random_shapes (void)
{
  /* Measured 3.5e-5 over 20 seeds, with tanh, whose output of at most 1 scales the tolerance down while the
   * error comes from the sums before it, of up to 20 (sigmoid 1.6e-5); 5e-6 to 7e-6 with the others. */
  check_random_shapes (4, 3.5e-4f);
}

/* Many chunks (a workspace of 64 KiB holds 11 tiles of 24 + 20 channels) and one, with every activation. */
static void
test_chunks (void)
{
  const gsize workspaces[] = { 64 << 10, ATELIER_DEFAULT_WORKSPACE_BYTES };
  for (gsize k = 0; k < G_N_ELEMENTS (workspaces); k++)
    for (int tile = 2; tile <= 4; tile += 2)
      {
        g_autoptr (AtelierContext) ctx = atelier_context_new (2);
        atelier_context_set_workspace_bytes (ctx, workspaces[k]);
        const WinogradCase c = { 2, 24, 20, 37, 41, { 1, 1, 1, 1 }, TRUE, ATELIER_ACTIVATION_SILU };
        g_autoptr (AtelierTensor) input = test_random_4d (c.n, c.cin, c.h, c.w);
        g_autoptr (AtelierTensor) weight = test_random_4d (c.cout, c.cin, 3, 3);
        g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { c.cout }, -1, 1);
        g_autoptr (AtelierTensor) out = winograd (ctx, tile, &c, input, weight, bias);
        const AtelierConv2dParams p = params_of (&c);
        g_autoptr (AtelierTensor) ref = naive_conv2d (input, weight, bias, &p);
        test_assert_close (out, ref, 5e-5f); /* measured 4.9e-6 over 20 seeds */
      }
}

/* Byte-identical on 1, 2 and 3 threads, over several chunks. */
static void
test_threads_byte_identical (void)
{
  const WinogradCase c = { 2, 33, 19, 45, 38, { 1, 2, 0, 1 }, TRUE, ATELIER_ACTIVATION_GELU };
  g_autoptr (AtelierTensor) input = test_random_4d (c.n, c.cin, c.h, c.w);
  g_autoptr (AtelierTensor) weight = test_random_4d (c.cout, c.cin, 3, 3);
  g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { c.cout }, -1, 1);
  for (int tile = 2; tile <= 4; tile += 2)
    {
      g_autoptr (AtelierTensor) first = NULL;
      for (int threads = 1; threads <= 3; threads++)
        {
          g_autoptr (AtelierContext) ctx = atelier_context_new (threads);
          atelier_context_set_workspace_bytes (ctx, 256 << 10);
          g_autoptr (AtelierTensor) out = winograd (ctx, tile, &c, input, weight, bias);
          if (first == NULL)
            first = g_steal_pointer (&out);
          else
            g_assert_cmpmem (out->data, atelier_tensor_numel (out) * sizeof (float), first->data,
                             atelier_tensor_numel (first) * sizeof (float));
        }
    }
}

/* FALSE with no error where the path does not apply: other kernels, strides, dilations, groups. */
static void
test_declines (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) input = test_random_4d (1, 4, 9, 9);
  g_autoptr (AtelierTensor) w3 = test_random_4d (4, 4, 3, 3), w5 = test_random_4d (4, 4, 5, 5);
  g_autoptr (AtelierTensor) w3_grouped = test_random_4d (4, 2, 3, 3);
  AtelierConv2dParams stride2 = atelier_conv2d_params (2, 1, 1), dilated = atelier_conv2d_params (1, 2, 2);
  AtelierConv2dParams plain = atelier_conv2d_params (1, 1, 1), grouped = plain;
  grouped.groups = 2;
  const struct
  {
    const AtelierTensor *weight;
    const AtelierConv2dParams *p;
  } cases[] = { { w5, &plain }, { w3, &stride2 }, { w3, &dilated }, { w3_grouped, &grouped } };
  for (gsize k = 0; k < G_N_ELEMENTS (cases); k++)
    {
      g_autoptr (GError) error = NULL;
      AtelierConvGeometry g;
      g_assert_true (atelier_conv_geometry_init (&g, input, cases[k].weight, NULL, cases[k].p, &error));
      AtelierConvSetup setup = { ctx, &g, cases[k].p, cases[k].weight->data, NULL, NULL };
      float out[4 * 9 * 9];
      gboolean applicable = TRUE;
      g_assert_false (atelier_conv2d_winograd (&setup, 4, input->data, out, &applicable, &error));
      g_assert_false (applicable);
      g_assert_no_error (error);
    }
}

/* atelier_conv2d on a shape the dispatch gives to Winograd: within Winograd's tolerance of the naive
 * convolution, and different from the direct path the context switch selects, which keeps the direct
 * paths' tolerance; so the switch is seen to switch. */
static void
test_dispatch_and_switch (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_assert_true (atelier_context_get_winograd (ctx));
  g_autoptr (AtelierTensor) input = test_random_4d (1, 64, 40, 40);
  g_autoptr (AtelierTensor) weight = test_random_4d (64, 64, 3, 3);
  g_autoptr (AtelierTensor) bias = test_random_tensor (1, (const int64_t[]) { 64 }, -1, 1);
  const AtelierConv2dParams p = atelier_conv2d_params (1, 1, 1);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) fast = atelier_conv2d (ctx, input, weight, bias, &p, &error);
  g_assert_no_error (error);
  atelier_context_set_winograd (ctx, FALSE);
  g_autoptr (AtelierTensor) direct = atelier_conv2d (ctx, input, weight, bias, &p, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) ref = naive_conv2d (input, weight, bias, &p);
  test_assert_close (fast, ref, 7.5e-5f); /* measured 7.4e-6 over 20 seeds */
  test_assert_close (direct, ref, 4e-6f);  /* measured 2.3e-7 over 20 seeds */
  g_assert_true (memcmp (fast->data, direct->data, atelier_tensor_numel (ref) * sizeof (float)) != 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/engine/conv2d/winograd/f2-random-shapes", test_f2_random_shapes);
  g_test_add_func ("/engine/conv2d/winograd/f4-random-shapes", test_f4_random_shapes);
  g_test_add_func ("/engine/conv2d/winograd/chunks", test_chunks);
  g_test_add_func ("/engine/conv2d/winograd/threads-byte-identical", test_threads_byte_identical);
  g_test_add_func ("/engine/conv2d/winograd/declines", test_declines);
  g_test_add_func ("/engine/conv2d/winograd/dispatch-and-switch", test_dispatch_and_switch);
  return g_test_run ();
}
