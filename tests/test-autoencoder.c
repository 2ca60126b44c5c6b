/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The TAEF2 autoencoder against PyTorch running the original state dicts
 * (golden/taef2-golden.safetensors from golden/make-taef2-golden.py). */
#include "test-helpers.h"

#include <math.h>
#include <string.h>

typedef struct
{
  AtelierModel *model;
  AtelierAutoencoder *ae;
  AtelierSafetensors *golden;
  AtelierContext *ctx;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autofree char *manifest = g_test_build_filename (G_TEST_DIST, "..", "models", "taef2", "taef2.json", NULL);
  g_autofree char *golden_path = g_test_build_filename (G_TEST_DIST, "golden", "taef2-golden.safetensors", NULL);
  g_autoptr (GError) error = NULL;
  f->model = atelier_model_open (manifest, &error);
  g_assert_no_error (error);
  f->ae = atelier_autoencoder_new (f->model, &error);
  g_assert_no_error (error);
  f->golden = atelier_safetensors_open (golden_path, &error);
  g_assert_no_error (error);
  f->ctx = atelier_context_new (2);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  (void) data;
  atelier_autoencoder_free (f->ae);
  atelier_model_free (f->model);
  atelier_safetensors_free (f->golden);
  atelier_context_free (f->ctx);
}

static void
test_encode (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (AtelierTensor) image = test_golden_tensor (f->golden, "image");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (f->golden, "latent");
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) latent = atelier_autoencoder_encode (f->ctx, f->ae, image, &error);
  g_assert_no_error (error);
  g_test_message ("encode: max abs diff %g (latent magnitude %g)", test_max_abs_diff (latent, expected),
                  test_max_abs (expected));
  /* Measured 7.1e-7 x (1 + max |expected|); 10x that. */
  test_assert_close (latent, expected, 7e-6f);
}

static void
test_decode (Fixture *f, gconstpointer data)
{
  (void) data;
  const char *pairs[][2] = { { "latent", "decoded" }, { "noise", "noise_decoded" } };
  const float tolerances[] = { 1.2e-5f, 4e-6f }; /* measured 1.2e-6 and 4.2e-7 */
  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr (AtelierTensor) latent = test_golden_tensor (f->golden, pairs[i][0]);
      g_autoptr (AtelierTensor) expected = test_golden_tensor (f->golden, pairs[i][1]);
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierTensor) decoded = atelier_autoencoder_decode (f->ctx, f->ae, latent, &error);
      g_assert_no_error (error);
      g_test_message ("decode %s: max abs diff %g", pairs[i][0], test_max_abs_diff (decoded, expected));
      g_assert_true (atelier_tensor_same_shape (decoded, expected));
      g_assert_cmpfloat (test_max_abs_diff (decoded, expected), <, tolerances[i]);
    }
}

static void
test_tiled (Fixture *f, gconstpointer data)
{
  (void) data;
  /* 430x401: not a multiple of 8 (padded), and more than one 384-pixel tile. */
  const gint64 h = 401, w = 430;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierTensor) image = atelier_tensor_new_4d (1, 3, h, w, &error);
  for (int c = 0; c < 3; c++)
    for (gint64 y = 0; y < h; y++)
      for (gint64 x = 0; x < w; x++)
        image->data[(c * h + y) * w + x] = 0.5f + 0.4f * sinf (0.05f * x + 0.03f * y * (c + 1)) * cosf (0.011f * x * y / 40.0f);
  AtelierAutoencodeOptions whole = { 4096 }, tiled = { 384 };
  g_autoptr (AtelierTensor) latent_whole = atelier_autoencode_encode (f->ctx, f->ae, image, &whole, &error);
  g_autoptr (AtelierTensor) latent_tiled = atelier_autoencode_encode (f->ctx, f->ae, image, &tiled, &error);
  g_assert_no_error (error);
  g_assert_cmpint (latent_whole->shape[2], ==, 51);
  g_assert_cmpint (latent_whole->shape[3], ==, 54);
  g_test_message ("encode tiled vs whole: %g", test_max_abs_diff (latent_tiled, latent_whole));
  /* Measured 1.5e-5: Winograd's convolutions round differently on the tiles' shapes and the whole's (1.2e-6 with
   * direct convolutions only; the whole image's latent moves by 1.1e-5 between the two). */
  g_assert_cmpfloat (test_max_abs_diff (latent_tiled, latent_whole), <, 1.5e-4f);
  g_autoptr (AtelierTensor) rgb_whole = atelier_autoencode_decode (f->ctx, f->ae, latent_whole, &whole, &error);
  g_autoptr (AtelierTensor) rgb_tiled = atelier_autoencode_decode (f->ctx, f->ae, latent_whole, &tiled, &error);
  g_assert_no_error (error);
  g_test_message ("decode tiled vs whole: %g", test_max_abs_diff (rgb_tiled, rgb_whole));
  g_assert_cmpfloat (test_max_abs_diff (rgb_tiled, rgb_whole), <, 1.1e-5f); /* measured 1.1e-6 (1.2e-7 direct) */
  /* Encoding then decoding gives the image back, to the autoencoder's accuracy (the clamp to 0..1 alone
   * would not show that); the decoded image has the padded size, a multiple of 8. */
  g_assert_cmpint (rgb_whole->shape[2], ==, 408);
  g_assert_cmpint (rgb_whole->shape[3], ==, 432);
  g_autoptr (AtelierTensor) back = atelier_tensor_crop (rgb_whole, 0, 0, h, w, &error);
  double squared = 0;
  for (gint64 i = 0; i < atelier_tensor_numel (image); i++)
    squared += (back->data[i] - image->data[i]) * (double) (back->data[i] - image->data[i]);
  const double psnr = 10 * log10 (atelier_tensor_numel (image) / squared);
  g_test_message ("round trip: PSNR %.2f dB, max abs diff %g", psnr, test_max_abs_diff (back, image));
  g_assert_cmpfloat (psnr, >, 28.0); /* measured 31.5 dB */
}

/* `atelier autoencode`'s round trip inside the image's mirror against PyTorch's reflect padding, encoder and
 * decoder on the padded image and the crop (golden "round_trip"). */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (AtelierTensor) image = test_golden_tensor (f->golden, "round_trip_image");
  g_autoptr (AtelierTensor) expected = test_golden_tensor (f->golden, "round_trip");
  g_autoptr (GError) error = NULL;
  const AtelierAutoencodeOptions options = { 0 };
  AtelierAutoencodeTimes times = { -1.0, -1.0 };
  g_autoptr (AtelierTensor) back = atelier_autoencode_round_trip (f->ctx, f->ae, image, &options, &times, &error);
  g_assert_no_error (error);
  g_assert_true (atelier_tensor_same_shape (back, expected));
  g_test_message ("round trip: max abs diff %g", test_max_abs_diff (back, expected));
  g_assert_cmpfloat (test_max_abs_diff (back, expected), <, 6e-5f); /* measured 5.8e-6 */
  g_assert_cmpfloat (times.encode_seconds, >=, 0.0);
  g_assert_cmpfloat (times.decode_seconds, >=, 0.0);
}

static void
test_bad_input (Fixture *f, gconstpointer data)
{
  (void) data;
  g_autoptr (AtelierTensor) odd = test_random_4d (1, 3, 12, 16);
  g_autoptr (GError) error = NULL;
  g_assert_null (atelier_autoencoder_encode (f->ctx, f->ae, odd, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_autoptr (AtelierTensor) wrong = test_random_4d (1, 16, 4, 4);
  g_assert_null (atelier_autoencoder_decode (f->ctx, f->ae, wrong, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/autoencoder/taef2/encode-vs-pytorch", Fixture, NULL, setup, test_encode, teardown);
  g_test_add ("/autoencoder/taef2/decode-vs-pytorch", Fixture, NULL, setup, test_decode, teardown);
  g_test_add ("/autoencoder/taef2/tiled-equals-whole", Fixture, NULL, setup, test_tiled, teardown);
  g_test_add ("/autoencoder/taef2/round-trip-vs-pytorch", Fixture, NULL, setup, test_round_trip, teardown);
  g_test_add ("/autoencoder/taef2/bad-input", Fixture, NULL, setup, test_bad_input, teardown);
  return g_test_run ();
}
