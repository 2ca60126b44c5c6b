/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The engine's kernels against PyTorch: golden/ops-golden.safetensors holds
 * inputs and PyTorch's outputs, made by golden/make-ops-golden.py. This pins
 * the conventions a naive reference could share with the engine by mistake
 * (resize sample positions, pooling divisors, transposed-conv layout). */
#include "test-helpers.h"

#include <string.h>

typedef struct
{
  AtelierSafetensors *file;
  AtelierContext *ctx;
} Golden;

static AtelierTensor *
golden_get (const Golden *g, const char *name, const char *part)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", name, part);
  const AtelierSafetensorsEntry *entry = atelier_safetensors_lookup (g->file, key);
  if (entry == NULL)
    g_error ("golden tensor %s missing: rerun /usr/bin/python3 -m tests.golden.make-ops-golden", key);
  g_autoptr (GError) error = NULL;
  AtelierTensor *t = atelier_safetensors_load (g->file, entry, &error);
  g_assert_no_error (error);
  return t;
}

static void
golden_setup (Golden *g, gconstpointer data)
{
  (void) data;
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "golden", "ops-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  g->file = atelier_safetensors_open (path, &error);
  g_assert_no_error (error);
  g->ctx = atelier_context_new (2);
}

static void
golden_teardown (Golden *g, gconstpointer data)
{
  (void) data;
  atelier_safetensors_free (g->file);
  atelier_context_free (g->ctx);
}

/* @error is read here, after the call that made @actual has set it: an argument passed by value could be
 * read before that call (C leaves the order of evaluation open), and a failing op would then crash on
 * @actual instead of reporting its error. @tolerance is absolute, about 10x the difference measured on
 * x86-64 with OpenBLAS (noted at each call); 0 for ops that only move values. */
static void
check (const Golden *g, const char *name, AtelierTensor *actual, GError **error, float tolerance)
{
  if (error != NULL)
    g_assert_no_error (*error);
  g_assert_nonnull (actual);
  g_autoptr (AtelierTensor) expected = golden_get (g, name, "output");
  g_assert_cmpint (actual->rank, ==, expected->rank);
  g_assert_cmpmem (actual->shape, actual->rank * sizeof (int64_t), expected->shape, expected->rank * sizeof (int64_t));
  const float diff = test_max_abs_diff (actual, expected);
  g_test_message ("%s: max diff %g (tolerance %g, output magnitude %g)", name, diff, tolerance, test_max_abs (expected));
  g_assert_cmpfloat (diff, <=, tolerance);
  atelier_tensor_free (actual);
}

static void
test_conv (Golden *g, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_autoptr (AtelierTensor) x = golden_get (g, "conv2d_s2_d2_g2", "input");
  g_autoptr (AtelierTensor) w = golden_get (g, "conv2d_s2_d2_g2", "weight");
  g_autoptr (AtelierTensor) b = golden_get (g, "conv2d_s2_d2_g2", "bias");
  AtelierConv2dParams p = atelier_conv2d_params (2, 2, 2);
  p.groups = 2;
  /* Measured 0; an ulp at the output's magnitude (5.2) is 4.8e-7, and another BLAS kernel may sum in
   * another order: 10 ulps. */
  check (g, "conv2d_s2_d2_g2", atelier_conv2d (g->ctx, x, w, b, &p, &error), &error, 5e-6f);

  const char *transposed[] = { "conv_transpose2d_s2", "conv_transpose2d_s2_outpad" };
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (AtelierTensor) tx = golden_get (g, transposed[i], "input");
      g_autoptr (AtelierTensor) tw = golden_get (g, transposed[i], "weight");
      g_autoptr (AtelierTensor) tb = golden_get (g, transposed[i], "bias");
      AtelierConvTranspose2dParams tp = atelier_conv_transpose2d_params (2, 1, i);
      /* Measured 2.4e-7 for both. */
      check (g, transposed[i], atelier_conv_transpose2d (g->ctx, tx, tw, tb, &tp, &error), &error, 2.5e-6f);
    }
}

static void
test_pixel_shuffle (Golden *g, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_autoptr (AtelierTensor) x = golden_get (g, "pixel_shuffle3", "input");
  check (g, "pixel_shuffle3", atelier_pixel_shuffle (g->ctx, x, 3, ATELIER_DEPTH_TO_SPACE_CHANNEL_FIRST, &error),
         &error, 0.0f);
}

static void
test_resize (Golden *g, gconstpointer data)
{
  (void) data;
  const char *modes[] = { "nearest", "bilinear", "bicubic" };
  /* [mode][down, up]; measured: nearest 0 (it copies), bilinear 3.0e-7 and 7.2e-7, bicubic 5.1e-7 and 2.2e-6. */
  const float tolerances[3][2] = { { 0, 0 }, { 3e-6f, 7e-6f }, { 5e-6f, 2e-5f } };
  for (int m = 0; m < 3; m++)
    for (int up = 0; up < 2; up++)
      {
        GError *error = NULL;
        g_autofree char *name = g_strdup_printf ("resize_%s_%s", modes[m], up ? "up" : "down");
        g_autoptr (AtelierTensor) x = golden_get (g, name, "input");
        AtelierResizeMode mode;
        g_assert_true (atelier_resize_mode_from_name (modes[m], &mode, &error));
        check (g, name, atelier_resize (g->ctx, x, up ? 23 : 4, up ? 31 : 5, mode, &error), &error,
               tolerances[m][up]);
      }
}

static void
test_pool (Golden *g, gconstpointer data)
{
  (void) data;
  /* Measured 0 for all three: the maximum copies, and an ulp of the averages (up to 0.61) is 6e-8: 10 ulps. */
  const struct
  {
    const char *name;
    AtelierPoolMode mode;
    gboolean include_pad;
    float tolerance;
  } cases[] = {
    { "max_pool_3s2p1", ATELIER_POOL_MAX, TRUE, 0 },
    { "avg_pool_3s2p1", ATELIER_POOL_AVERAGE, TRUE, 6e-7f },
    { "avg_pool_3s2p1_exclude", ATELIER_POOL_AVERAGE, FALSE, 6e-7f },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GError *error = NULL;
      g_autoptr (AtelierTensor) x = golden_get (g, cases[i].name, "input");
      AtelierPool2dParams p = { 3, 3, 2, 2, 1, 1, cases[i].include_pad, FALSE };
      check (g, cases[i].name, atelier_pool2d (g->ctx, x, cases[i].mode, &p, &error), &error, cases[i].tolerance);
    }
}

static void
test_norms (Golden *g, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_autoptr (AtelierTensor) x = golden_get (g, "group_norm_4", "input");
  g_autoptr (AtelierTensor) w = golden_get (g, "group_norm_4", "weight");
  g_autoptr (AtelierTensor) b = golden_get (g, "group_norm_4", "bias");
  /* Measured 7.2e-7. */
  check (g, "group_norm_4", atelier_group_norm (g->ctx, x, 4, w, b, 1e-6f, &error), &error, 7e-6f);
  g_autoptr (AtelierTensor) lx = golden_get (g, "layer_norm", "input");
  g_autoptr (AtelierTensor) lw = golden_get (g, "layer_norm", "weight");
  g_autoptr (AtelierTensor) lb = golden_get (g, "layer_norm", "bias");
  /* Measured 4.8e-7. */
  check (g, "layer_norm", atelier_layer_norm (g->ctx, lx, lw, lb, 1e-5f, &error), &error, 5e-6f);
}

static void
test_activations (Golden *g, gconstpointer data)
{
  (void) data;
  const char *names[] = { "gelu", "gelu_tanh", "silu" };
  /* Measured 4.8e-7, 2.4e-7 and 4.8e-7. */
  const float tolerances[] = { 5e-6f, 2.5e-6f, 5e-6f };
  for (int i = 0; i < 3; i++)
    {
      AtelierActivation act;
      GError *error = NULL;
      g_assert_true (atelier_activation_from_name (names[i], &act, &error));
      AtelierTensor *x = golden_get (g, names[i], "input");
      atelier_activation_inplace (g->ctx, x, act, 0.0f);
      check (g, names[i], x, NULL, tolerances[i]);
    }
}

static void
test_dense (Golden *g, gconstpointer data)
{
  (void) data;
  GError *error = NULL;
  g_autoptr (AtelierTensor) q = golden_get (g, "attention", "q");
  g_autoptr (AtelierTensor) k = golden_get (g, "attention", "k");
  g_autoptr (AtelierTensor) v = golden_get (g, "attention", "v");
  /* Measured 8.9e-8. */
  check (g, "attention", atelier_attention (g->ctx, q, k, v, 0.0f, &error), &error, 1e-6f);
  g_autoptr (AtelierTensor) x = golden_get (g, "linear", "input");
  g_autoptr (AtelierTensor) w = golden_get (g, "linear", "weight");
  g_autoptr (AtelierTensor) b = golden_get (g, "linear", "bias");
  /* Measured 0; 10 ulps at the output's magnitude (6.9), as for the convolution. */
  check (g, "linear", atelier_linear (g->ctx, x, w, b, &error), &error, 6e-6f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Golden, NULL, golden_setup, fn, golden_teardown)
  ADD ("/golden-torch/conv", test_conv);
  ADD ("/golden-torch/pixel-shuffle", test_pixel_shuffle);
  ADD ("/golden-torch/resize", test_resize);
  ADD ("/golden-torch/pool", test_pool);
  ADD ("/golden-torch/norms", test_norms);
  ADD ("/golden-torch/activations", test_activations);
  ADD ("/golden-torch/dense", test_dense);
#undef ADD
  return g_test_run ();
}
