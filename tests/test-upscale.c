/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Super-resolution: every converted model against TensorFlow.js running the
 * original package (tests/golden/esrgan, from tools/tfjs/make-esrgan-golden.mjs),
 * tiled = untiled, any image size, grey and alpha handling, bad input. */
#include "test-helpers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static AtelierModel *
open_model (const char *stem, gboolean required)
{
  g_autofree char *file = g_strconcat (stem, ".json", NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "models", "esrgan", file, NULL);
  if (!required && !g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  g_autoptr (GError) error = NULL;
  AtelierModel *model = atelier_model_open (path, &error);
  g_assert_no_error (error);
  return model;
}

static AtelierRdn *
open_net (const char *stem)
{
  g_autoptr (AtelierModel) model = open_model (stem, TRUE);
  g_autoptr (GError) error = NULL;
  AtelierRdn *net = atelier_rdn_new (model, &error);
  g_assert_no_error (error);
  return net;
}

typedef struct
{
  const char *stem;
  float tolerance; /* about 10x the largest difference measured against TensorFlow.js, noted alongside */
} GoldenCase;

static void
test_golden (gconstpointer data)
{
  const GoldenCase *c = data;
  const char *stem = c->stem;
  g_autoptr (AtelierModel) model = open_model (stem, FALSE);
  if (model == NULL)
    {
      g_test_skip ("model not set up: run models/esrgan/setup.sh");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierRdn) net = atelier_rdn_new (model, &error);
  g_assert_no_error (error);
  g_autofree char *golden_file = g_strconcat (stem, ".safetensors", NULL);
  g_autofree char *golden_path = g_test_build_filename (G_TEST_DIST, "golden", "esrgan", golden_file, NULL);
  g_autoptr (AtelierSafetensors) golden = atelier_safetensors_open (golden_path, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) input = test_golden_tensor (golden, "input");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (golden, "output");
  g_assert_no_error (error);

  /* The network itself, in the model's value range, as TensorFlow.js ran it. */
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const float range = atelier_rdn_get_config (net)->value_range;
  g_autoptr (AtelierTensor) scaled = atelier_tensor_copy (input, &error);
  atelier_scale_inplace (scaled, range, 0.0f);
  g_autoptr (AtelierTensor) raw = atelier_rdn_forward (ctx, net, scaled, &error);
  g_assert_no_error (error);
  atelier_scale_inplace (raw, 1.0f / range, 0.0f);
  g_test_message ("%s: max abs diff to TensorFlow.js %g", stem, test_max_abs_diff (raw, expected));
  g_assert_true (atelier_tensor_same_shape (raw, expected));
  g_assert_cmpfloat (test_max_abs_diff (raw, expected), <, c->tolerance);

  /* The pipeline adds only the image's edges repeated one margin out, whose output it drops (so that the
   * network's zero padding does not darken the border), and clamping to 0..1: the network just checked against
   * TensorFlow.js, run on the extended image. */
  const int margin = MIN (ATELIER_UPSCALE_DEFAULT_MARGIN, atelier_rdn_receptive_radius (net));
  const gint64 h = input->shape[2], w = input->shape[3], eh = h + 2 * margin, ew = w + 2 * margin;
  const int s = atelier_rdn_get_config (net)->scale;
  g_autoptr (AtelierTensor) extended = atelier_tensor_new_4d (1, 3, eh, ew, &error);
  for (int ch = 0; ch < 3; ch++)
    for (gint64 y = 0; y < eh; y++)
      for (gint64 x = 0; x < ew; x++)
        extended->data[(ch * eh + y) * ew + x]
          = range * input->data[(ch * h + CLAMP (y - margin, 0, h - 1)) * w + CLAMP (x - margin, 0, w - 1)];
  g_autoptr (AtelierTensor) extended_out = atelier_rdn_forward (ctx, net, extended, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) piped = atelier_upscale (ctx, net, input, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_tensor_same_shape (piped, expected));
  for (int ch = 0; ch < 3; ch++)
    for (gint64 y = 0; y < h * s; y++)
      for (gint64 x = 0; x < w * s; x++)
        {
          const float reference = extended_out->data[(ch * eh * s + y + margin * s) * ew * s + x + margin * s] / range;
          g_assert_cmpfloat (fabsf (piped->data[(ch * h * s + y) * w * s + x] - CLAMP (reference, 0.0f, 1.0f)), <,
                             c->tolerance);
        }
}

static AtelierTensor *
smooth_image (int channels, gint64 h, gint64 w)
{
  g_autoptr (GError) error = NULL;
  AtelierTensor *t = atelier_tensor_new_4d (1, channels, h, w, &error);
  for (int c = 0; c < channels; c++)
    for (gint64 y = 0; y < h; y++)
      for (gint64 x = 0; x < w; x++)
        t->data[(c * h + y) * w + x] = 0.5f + 0.3f * sinf (0.21f * x + 0.13f * y + c) + 0.1f * (float) g_test_rand_double ();
  return t;
}

static void
check_tiled (const char *stem, gint64 h, gint64 w, int tile, int margin, float tolerance)
{
  g_autoptr (AtelierRdn) net = open_net (stem);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = smooth_image (3, h, w);
  g_autoptr (GError) error = NULL;
  AtelierUpscaleOptions whole = { 4096, margin }, tiled = { tile, margin }; /* one edge rule for both */
  g_autoptr (AtelierTensor) a = atelier_upscale (ctx, net, image, &whole, &error);
  g_autoptr (AtelierTensor) b = atelier_upscale (ctx, net, image, &tiled, &error);
  g_assert_no_error (error);
  g_test_message ("%s %" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " tile %d margin %d: max diff %g", stem, w, h, tile,
                  margin, test_max_abs_diff (a, b));
  g_assert_cmpfloat (test_max_abs_diff (a, b), <, tolerance);
}

static void
test_tiled_slim (void)
{
  /* A margin of the full receptive radius (10): tiled equals untiled. */
  check_tiled ("esrgan-slim-x4", 150, 133, 64, 10, 4e-6f); /* measured at most 3.6e-7 over 6 seeds */
  /* The default margin, for the same image. */
  check_tiled ("esrgan-slim-x2", 150, 133, 100, -1, 3e-6f); /* 3.0e-7 */
}

static void
test_tiled_thick (void)
{
  g_autoptr (AtelierModel) model = open_model ("esrgan-thick-x2", FALSE);
  if (model == NULL)
    {
      g_test_skip ("model not set up: run models/esrgan/setup.sh thick");
      return;
    }
  check_tiled ("esrgan-thick-x2", 100, 110, 96, -1, 3e-6f); /* measured at most 3.0e-7 over 6 seeds */
}

static void
test_any_size (void)
{
  g_autoptr (AtelierRdn) net = open_net ("esrgan-slim-x3");
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 sizes[][2] = { { 1, 1 }, { 1, 7 }, { 5, 3 }, { 2, 2 } };
  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr (AtelierTensor) image = smooth_image (3, sizes[i][0], sizes[i][1]);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) out = atelier_upscale (ctx, net, image, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (out->shape[2], ==, 3 * sizes[i][0]);
      g_assert_cmpint (out->shape[3], ==, 3 * sizes[i][1]);
      g_assert_true (atelier_tensor_all_finite (out));
    }
}

static void
test_grey (void)
{
  /* Grey is the mean of the RGB result for the grey value in all three channels. */
  g_autoptr (AtelierRdn) net = open_net ("esrgan-slim-x2");
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) grey = smooth_image (1, 20, 17);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) rgb = atelier_tensor_new_4d (1, 3, 20, 17, &error);
  for (int c = 0; c < 3; c++)
    memcpy (rgb->data + c * 340, grey->data, sizeof (float) * 340);
  g_autoptr (AtelierTensor) out_grey = atelier_upscale (ctx, net, grey, NULL, &error);
  g_autoptr (AtelierTensor) out_rgb = atelier_upscale (ctx, net, rgb, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (out_grey->shape[1], ==, 1);
  const gint64 plane = 40 * 34;
  float largest = 0;
  for (gint64 i = 0; i < plane; i++)
    {
      float mean = (out_rgb->data[i] + out_rgb->data[plane + i] + out_rgb->data[2 * plane + i]) / 3.0f;
      largest = MAX (largest, fabsf (out_grey->data[i] - mean));
    }
  g_test_message ("grey vs the mean of RGB: max abs diff %g", largest);
  g_assert_cmpfloat (largest, <, 1.5e-6f); /* measured 1.2e-7, an ulp of the mean, over 3 seeds */
}

static void
test_alpha (void)
{
  /* The colour stored in fully transparent pixels must not matter: two images
   * that differ only there give identical results, and alpha is bicubic. */
  g_autoptr (AtelierRdn) net = open_net ("esrgan-slim-x2");
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const gint64 h = 24, w = 30, plane = h * w;
  g_autoptr (AtelierTensor) red = smooth_image (4, h, w);
  g_autoptr (GError) error = NULL;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      {
        float a = x < 12 ? 0.0f : (x < 15 ? 0.5f : 1.0f);
        red->data[3 * plane + y * w + x] = a;
        if (a == 0.0f)
          {
            red->data[y * w + x] = 1.0f; /* garbage: saturated red */
            red->data[plane + y * w + x] = 0.0f;
            red->data[2 * plane + y * w + x] = 0.0f;
          }
      }
  g_autoptr (AtelierTensor) green = atelier_tensor_copy (red, &error);
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < 12; x++)
      {
        green->data[y * w + x] = 0.0f;
        green->data[plane + y * w + x] = 1.0f;
      }
  g_autoptr (AtelierTensor) a = atelier_upscale (ctx, net, red, NULL, &error);
  g_autoptr (AtelierTensor) b = atelier_upscale (ctx, net, green, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (a->shape[1], ==, 4);
  g_assert_cmpfloat (test_max_abs_diff (a, b), ==, 0.0f);

  g_autoptr (AtelierTensor) alpha = atelier_tensor_new_view (red->data + 3 * plane, 4, (const int64_t[]) { 1, 1, h, w });
  g_autoptr (AtelierTensor) alpha_up = atelier_resize (ctx, alpha, 2 * h, 2 * w, ATELIER_RESIZE_BICUBIC, &error);
  for (gint64 i = 0; i < 4 * plane; i++)
    g_assert_cmpfloat (a->data[3 * 4 * plane + i], ==, CLAMP (alpha_up->data[i], 0.0f, 1.0f));

  /* Grey + alpha keeps two channels. */
  g_autoptr (AtelierTensor) ga = smooth_image (2, 9, 8);
  g_autoptr (AtelierTensor) ga_up = atelier_upscale (ctx, net, ga, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ga_up->shape[1], ==, 2);
}

/* Visible pixels keep their colour; a transparent one takes the alpha-weighted mean of what is visible
 * around it, whatever it stored. */
static void
test_alpha_fill_keeps_visible (void)
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) colour = smooth_image (3, 7, 9);
  g_autoptr (AtelierTensor) alpha = smooth_image (1, 7, 9);
  for (gint64 i = 0; i < 63; i++)
    {
      alpha->data[i] = i % 3 == 0 ? 0.0f : (i % 3 == 1 ? 0.4f : 1.0f);
      if (alpha->data[i] == 0.0f)
        for (int c = 0; c < 3; c++)
          colour->data[c * 63 + i] = 5.0f; /* far outside every visible colour */
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) filled = atelier_alpha_fill (ctx, colour, alpha, &error);
  g_assert_no_error (error);
  /* A weighted mean of visible colours lies between the least and the largest of them. */
  for (int c = 0; c < 3; c++)
    {
      float lo = G_MAXFLOAT, hi = -G_MAXFLOAT;
      for (gint64 i = 0; i < 63; i++)
        if (alpha->data[i] > 0.0f)
          lo = MIN (lo, colour->data[c * 63 + i]), hi = MAX (hi, colour->data[c * 63 + i]);
      for (gint64 i = 0; i < 63; i++)
        if (alpha->data[i] > 0.0f)
          g_assert_cmpfloat (filled->data[c * 63 + i], ==, colour->data[c * 63 + i]);
        else
          {
            g_assert_cmpfloat (filled->data[c * 63 + i], >=, lo);
            g_assert_cmpfloat (filled->data[c * 63 + i], <=, hi);
          }
    }

  /* 2x2, one pixel transparent: the pyramid's one coarse cell holds the other three, so it gets
   * (1 * 0.2 + 0.5 * 0.8 + 1 * 0.5) / 2.5 = 0.44 (by hand). */
  g_autoptr (AtelierTensor) small = atelier_tensor_new_4d (1, 1, 2, 2, &error);
  g_autoptr (AtelierTensor) small_alpha = atelier_tensor_new_4d (1, 1, 2, 2, &error);
  const float values[4] = { 9.0f, 0.2f, 0.8f, 0.5f }, alphas[4] = { 0.0f, 1.0f, 0.5f, 1.0f };
  memcpy (small->data, values, sizeof values);
  memcpy (small_alpha->data, alphas, sizeof alphas);
  g_autoptr (AtelierTensor) small_filled = atelier_alpha_fill (ctx, small, small_alpha, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (small_filled->data[0], 0.44f, 1e-7f); /* measured 0 */
  g_assert_cmpmem (small_filled->data + 1, 3 * sizeof (float), values + 1, 3 * sizeof (float));
}

static void
test_bad_input (void)
{
  g_autoptr (AtelierRdn) net = open_net ("esrgan-slim-x2");
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) image = smooth_image (3, 8, 8);
  image->data[17] = NAN;
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_upscale (ctx, net, image, NULL, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "NaN"));
  g_clear_error (&error);
  g_autoptr (AtelierTensor) five = smooth_image (5, 8, 8);
  g_assert_null (atelier_upscale (ctx, net, five, NULL, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
}

static void
test_wrong_architecture (void)
{
  /* A model whose config names a family the engine does not know. */
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (AtelierTensor) w = test_random_4d (1, 1, 1, 1);
  g_autoptr (GBytes) bytes = test_safetensors_build ("w", "F32", w, NULL);
  g_autofree char *weights = g_build_filename (dir, "m.safetensors", NULL);
  test_write_file (weights, bytes);
  gsize size;
  const guint8 *raw = g_bytes_get_data (bytes, &size);
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, raw, size);
  g_autofree char *json = g_strdup_printf (
    "{\"format\":\"atelier-model/1\",\"name\":\"m\",\"architecture\":\"idealo-rdn\",\"config\":{\"family\":\"edsr\","
    "\"scale\":2,\"C\":1,\"D\":1,\"G\":4,\"G0\":8,\"beta\":0.2,\"value_range\":1.0,\"upsampling\":\"nearest\"},"
    "\"weights\":\"m.safetensors\",\"sha256\":\"%s\",\"source\":\"t\",\"license\":\"CC0-1.0\"}", sha);
  g_autofree char *manifest = g_build_filename (dir, "m.json", NULL);
  g_file_set_contents (manifest, json, -1, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierModel) model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  g_assert_null (atelier_rdn_new (model, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "edsr"));
  test_remove_dir (dir);
}

/* ------------------------------------------------ memory of automatic tiles */

/* A line of /proc/self/status in bytes ("VmHWM:   123 kB"). */
static gsize
status_bytes (const char *field)
{
  g_autofree char *status = NULL;
  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  const char *line = strstr (status, field);
  g_assert_nonnull (line);
  return (gsize) g_ascii_strtoull (line + strlen (field) + 1, NULL, 10) * 1024;
}


/* Run in a child process, with a peak of its own: the resident peak of an upscale with automatic tiles, beyond
 * what was resident before and the result itself, is the tile's working memory the planner estimates; it must
 * stay within the budget (issue #24: medium x4 peaked at 1.93 GB against 0.69 GB for thick). */
static void
measure_tile_peak (const char *stem)
{
  g_autoptr (AtelierRdn) net = open_net (stem);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  const int margin = MIN (ATELIER_UPSCALE_DEFAULT_MARGIN, atelier_rdn_receptive_radius (net));
  /* Small, so that an image a little larger than one automatic tile runs in seconds, but twice what the smallest
   * tile (6 margins) needs, so that the planner's choice is what is measured. */
  const gsize budget = MAX ((gsize) 48 << 20, 2 * (gsize) (36 * margin * margin) * atelier_rdn_bytes_per_pixel (net));
  atelier_context_set_memory_budget (ctx, budget);
  g_autoptr (GError) error = NULL;
  /* A small run first, so that weights, threads and BLAS buffers are resident before the measurement. */
  g_autoptr (AtelierTensor) tiny = smooth_image (3, 8, 8);
  g_autoptr (AtelierTensor) warm = atelier_upscale (ctx, net, tiny, NULL, &error);
  g_assert_no_error (error);
  const int tile = atelier_tile_size_for_budget (ctx, atelier_rdn_bytes_per_pixel (net), margin, 1);
  const gint64 side = tile - 2 * margin; /* with its edges repeated, one tile of the full size */
  g_autoptr (AtelierTensor) image = smooth_image (3, side, side);
  const int s = atelier_rdn_get_config (net)->scale;
  const gsize result = (gsize) 3 * side * s * side * s * sizeof (float);
  /* Writing 5 to clear_refs resets the peak to the present resident size. */
  FILE *clear_refs = fopen ("/proc/self/clear_refs", "w");
  g_assert_nonnull (clear_refs);
  g_assert_cmpint (fputs ("5", clear_refs), >=, 0);
  g_assert_cmpint (fclose (clear_refs), ==, 0);
  const gsize before = status_bytes ("VmRSS:");
  g_autoptr (AtelierTensor) up = atelier_upscale (ctx, net, image, NULL, &error);
  g_assert_no_error (error);
  const gsize peak = status_bytes ("VmHWM:");
  const double working = (double) peak - (double) before - (double) result;
  const double estimate = (double) tile * tile * atelier_rdn_bytes_per_pixel (net);
  g_printerr ("# %s: tile %d, estimate %.1f MiB, measured %.1f MiB (%.2f of the estimate), budget %.0f MiB\n", stem, tile,
          estimate / (1 << 20), working / (1 << 20), working / estimate, (double) budget / (1 << 20));
  g_assert_cmpfloat (working, <=, budget);
  g_assert_cmpfloat (working, <=, estimate); /* the estimate holds */
  g_assert_cmpfloat (working, >=, 0.6 * estimate); /* and wastes little: measured 0.75 to 0.91 */
}

/* AddressSanitizer's shadow memory, redzones and quarantine add to every allocation's resident size. */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ADDRESS_SANITIZER 1
#endif
#endif

static void
test_tile_memory (gconstpointer data)
{
  const char *stem = data;
#ifdef UNDER_ADDRESS_SANITIZER
  g_test_skip ("under AddressSanitizer the resident peak measures the sanitizer, not the planner");
  return;
#endif
  if (g_test_subprocess ())
    {
      measure_tile_peak (stem);
      return;
    }
  g_autoptr (AtelierModel) model = open_model (stem, FALSE);
  if (model == NULL)
    {
      g_test_skip ("model not set up: run models/esrgan/setup.sh");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const GoldenCase goldens[] = {
    { "esrgan-slim-x2", 5e-6f },   /* measured 5.4e-7 */
    { "esrgan-slim-x3", 8e-6f },   /* 7.7e-7 */
    { "esrgan-slim-x4", 8e-6f },   /* 8.3e-7 */
    { "esrgan-slim-x8", 2e-5f },   /* 1.8e-6 */
    { "esrgan-medium-x2", 6e-6f }, /* 6.0e-7 */
    { "esrgan-medium-x3", 7e-6f }, /* 7.2e-7 */
    { "esrgan-medium-x4", 1e-5f }, /* 9.5e-7 */
    { "esrgan-medium-x8", 2e-5f }, /* 1.8e-6 */
    { "esrgan-thick-x2", 7e-6f },  /* 6.9e-7 */
    { "esrgan-thick-x3", 8e-6f },  /* 7.7e-7 */
    { "esrgan-thick-x4", 7e-6f },  /* 6.7e-7 */
    { "esrgan-thick-x8", 6e-6f },  /* 6.3e-7 */
  };
  for (gsize i = 0; i < G_N_ELEMENTS (goldens); i++)
    {
      g_autofree char *path = g_strdup_printf ("/upscale/tfjs-golden/%s", goldens[i].stem);
      g_test_add_data_func (path, &goldens[i], test_golden);
      g_autofree char *memory = g_strdup_printf ("/upscale/automatic-tiles-within-budget/%s", goldens[i].stem);
      g_test_add_data_func (memory, goldens[i].stem, test_tile_memory);
    }
  g_test_add_func ("/upscale/tiled-equals-untiled/slim", test_tiled_slim);
  g_test_add_func ("/upscale/tiled-equals-untiled/thick", test_tiled_thick);
  g_test_add_func ("/upscale/any-size", test_any_size);
  g_test_add_func ("/upscale/grey", test_grey);
  g_test_add_func ("/upscale/alpha", test_alpha);
  g_test_add_func ("/upscale/alpha-fill-keeps-visible", test_alpha_fill_keeps_visible);
  g_test_add_func ("/upscale/bad-input", test_bad_input);
  g_test_add_func ("/upscale/wrong-architecture", test_wrong_architecture);
  return g_test_run ();
}
