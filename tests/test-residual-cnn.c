/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The detector's residual CNN: its 16 pooled features against PyTorch's
 * (golden/make-residual-cnn-golden.py runs models/detector/residual_cnn.py's
 * network and crop reading), what the features must not depend on, and the
 * classifier weighing them on the whole image but not on the heat map's
 * tiles. */
#include "test-helpers.h"

#include "forensics/atelier-detector.h"
#include "pipelines/atelier-detect.h"

#include <math.h>
#include <string.h>

static AtelierModel *
open_golden_model (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "golden", "residual-cnn-golden.json", NULL);
  g_autoptr (GError) error = NULL;
  AtelierModel *model = atelier_model_open (path, &error);
  g_assert_no_error (error);
  return model;
}

static AtelierResidualCnn *
golden_cnn (const AtelierModel *model)
{
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_residual_cnn_in_model (model));
  AtelierResidualCnn *cnn = atelier_residual_cnn_load (model, &error);
  g_assert_no_error (error);
  return cnn;
}

static void
features_of (const AtelierResidualCnn *cnn, const AtelierTensor *image, float features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT])
{
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (GError) error = NULL;
  g_assert_true (atelier_residual_cnn_features (ctx, cnn, image, features, &error));
  g_assert_no_error (error);
}

/* Four crops at the corners, one crop smaller than 256 and a grey image two
 * crops tall, against PyTorch: a change of the forward pass or of where the
 * crops lie, which the trained classifier would no longer match, fails. */
static void
test_features_match_pytorch (void)
{
  g_autoptr (AtelierModel) model = open_golden_model ();
  g_autoptr (AtelierResidualCnn) cnn = golden_cnn (model);
  const AtelierSafetensors *golden = atelier_model_get_weights (model);
  double largest = 0;
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *image_name = g_strdup_printf ("image_%d", i), *features_name = g_strdup_printf ("features_%d", i);
      g_autoptr (AtelierTensor) image = test_golden_tensor (golden, image_name);
      g_autoptr (AtelierTensor) expected = test_golden_tensor (golden, features_name);
      g_assert_cmpint (atelier_tensor_numel (expected), ==, ATELIER_RESIDUAL_CNN_FEATURE_COUNT);
      float features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
      features_of (cnn, image, features);
      for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
        {
          const double relative = fabs (features[f] - expected->data[f]) / MAX (fabs (expected->data[f]), 1e-2);
          if (relative > largest)
            g_test_message ("image %d %s: %.7f, PyTorch %.7f", i, atelier_residual_cnn_feature_name (f), features[f],
                            expected->data[f]);
          largest = MAX (largest, relative);
          /* Measured at most 2.3e-7 (float32 against float32, sums in another order). */
          g_assert_cmpfloat (relative, <, 1e-5);
        }
    }
  g_test_message ("largest relative difference %g", largest);
}

/* The high-pass is divided by its own deviation: a gain or an offset of the
 * image leaves the features as they are (up to the deviation's floor). */
static void
test_features_ignore_gain_and_offset (void)
{
  g_autoptr (AtelierModel) model = open_golden_model ();
  g_autoptr (AtelierResidualCnn) cnn = golden_cnn (model);
  g_autoptr (AtelierTensor) image = test_golden_tensor (atelier_model_get_weights (model), "image_0");
  g_autoptr (AtelierTensor) changed = atelier_tensor_copy (image, NULL);
  atelier_scale_inplace (changed, 0.8f, 0.1f);
  float a[ATELIER_RESIDUAL_CNN_FEATURE_COUNT], b[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
  features_of (cnn, image, a);
  features_of (cnn, changed, b);
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    g_assert_cmpfloat_with_epsilon (a[f], b[f], 2e-3);
}

/* Alpha is left out and grey is three equal channels. */
static void
test_alpha_and_grey (void)
{
  g_autoptr (AtelierModel) model = open_golden_model ();
  g_autoptr (AtelierResidualCnn) cnn = golden_cnn (model);
  g_autoptr (AtelierTensor) grey = test_random_4d (1, 1, 120, 90);
  g_autoptr (AtelierTensor) rgba = atelier_tensor_new_4d (1, 4, 120, 90, NULL);
  const gint64 plane = 120 * 90;
  for (int c = 0; c < 4; c++)
    for (gint64 i = 0; i < plane; i++)
      rgba->data[c * plane + i] = c < 3 ? grey->data[i] : (float) (i % 7) / 7;
  float a[ATELIER_RESIDUAL_CNN_FEATURE_COUNT], b[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
  features_of (cnn, grey, a);
  features_of (cnn, rgba, b);
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    g_assert_cmpfloat (a[f], ==, b[f]);
}

static void
test_small_images_are_refused (void)
{
  g_autoptr (AtelierModel) model = open_golden_model ();
  g_autoptr (AtelierResidualCnn) cnn = golden_cnn (model);
  g_autoptr (AtelierContext) ctx = atelier_context_new (1);
  g_autoptr (AtelierTensor) small = test_random_4d (1, 3, ATELIER_RESIDUAL_CNN_MIN_SIDE - 1, 300);
  g_autoptr (GError) error = NULL;
  float features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
  g_assert_false (atelier_residual_cnn_features (ctx, cnn, small, features, &error));
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT);
  /* The smallest side read: five 3x3 convolutions (the high-pass and the network's four) leave 2 x 290 values, whose
   * deviations are finite. */
  g_autoptr (AtelierTensor) least = test_random_4d (1, 3, ATELIER_RESIDUAL_CNN_MIN_SIDE, 300);
  g_assert_true (atelier_residual_cnn_features (ctx, cnn, least, features, NULL));
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    g_assert_true (isfinite (features[f]));
}

/* The committed detector, when it weighs the CNN: the whole image's
 * probability takes its features (changing them moves it as the model's
 * weights say), the tiles' count them at their training mean. */
static void
test_detector_weighs_the_cnn_on_the_whole_image (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierDetector) detector = atelier_detector_open (ATELIER_DETECTOR_DEFAULT_MODEL, &error);
  g_assert_no_error (error);
  const AtelierResidualCnn *cnn = atelier_detector_get_cnn (detector);
  if (cnn == NULL)
    {
      g_test_skip ("the committed detector weighs the spectral features alone");
      return;
    }
  /* The golden's weights are the committed model's: regenerate it with the model. */
  g_autoptr (AtelierModel) golden = open_golden_model ();
  g_autoptr (AtelierTensor) golden_image = test_golden_tensor (atelier_model_get_weights (golden), "image_0");
  g_autoptr (AtelierTensor) golden_features = test_golden_tensor (atelier_model_get_weights (golden), "features_0");
  float committed[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
  features_of (cnn, golden_image, committed);
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    g_assert_cmpfloat_with_epsilon (committed[f], golden_features->data[f], 1e-5 * MAX (fabsf (committed[f]), 1e-2f));
  g_autoptr (AtelierContext) ctx = atelier_context_new (2);
  g_autoptr (AtelierTensor) image = test_texture_image (300, 300);
  g_autoptr (AtelierDetection) d = atelier_detect (ctx, detector, image, ATELIER_JPEG_ORIGIN_NEVER, 0, &error);
  g_assert_no_error (error);
  float cnn_features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT];
  features_of (cnn, image, cnn_features);
  double cnn_share = 0;
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    {
      g_assert_cmpfloat (d->features[ATELIER_SPECTRAL_FEATURE_COUNT + f], ==, cnn_features[f]);
      cnn_share += fabs (d->contributions[ATELIER_SPECTRAL_FEATURE_COUNT + f]);
    }
  g_assert_cmpfloat (cnn_share, >, 0);
  const guint64 set_aside = atelier_spectral_set_aside (d->conditions);
  g_assert_cmpfloat_with_epsilon (atelier_detector_probability (detector, d->features, set_aside, NULL),
                                  d->weak_evidence ? CLAMP (d->probability, 0.3, 0.7) : d->probability, 1e-9);
  if (!d->weak_evidence)
    g_assert_cmpfloat (atelier_detector_probability (detector, d->features, set_aside | ATELIER_DETECTOR_CNN_SET_ASIDE,
                                                     NULL),
                       !=, d->probability);
  float tile[ATELIER_DETECTOR_FEATURE_COUNT];
  memcpy (tile, d->analysis->tile_features[0], sizeof d->analysis->tile_features[0]);
  for (int f = 0; f < ATELIER_RESIDUAL_CNN_FEATURE_COUNT; f++)
    tile[ATELIER_SPECTRAL_FEATURE_COUNT + f] = 1e3f;
  const double p = atelier_detector_probability (
    detector, tile, atelier_spectral_set_aside (d->analysis->tile_conditions[0]) | ATELIER_DETECTOR_CNN_SET_ASIDE, NULL);
  g_assert_cmpfloat_with_epsilon (d->tile_probability[0], d->weak_evidence ? CLAMP (p, 0.3, 0.7) : p, 1e-6);
}

/* A detector manifest listing the CNN's features, over weights with or
 * without the network's tensors: bound from the same file, or refused with
 * the missing tensor named. */
static AtelierDetector *
open_detector_with (const char *dir, gboolean with_cnn, GError **error)
{
  g_autoptr (AtelierModel) golden = open_golden_model ();
  const AtelierSafetensors *st = atelier_model_get_weights (golden);
  g_autoptr (AtelierTensor) vector = test_random_tensor (1, (const int64_t[]) { ATELIER_DETECTOR_FEATURE_COUNT }, 0.5f, 1);
  g_autoptr (AtelierTensor) pair = test_random_tensor (1, (const int64_t[]) { 2 }, 0.5f, 1);
  g_autoptr (AtelierTensor) one = test_random_tensor (1, (const int64_t[]) { 1 }, 0.5f, 1);
  g_autoptr (GHashTable) tensors = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                          (GDestroyNotify) atelier_tensor_free);
  g_hash_table_insert (tensors, "mean", atelier_tensor_copy (vector, NULL));
  g_hash_table_insert (tensors, "scale", atelier_tensor_copy (vector, NULL));
  g_hash_table_insert (tensors, "weight", atelier_tensor_copy (vector, NULL));
  g_hash_table_insert (tensors, "bias", atelier_tensor_copy (one, NULL));
  g_hash_table_insert (tensors, "calibration", atelier_tensor_copy (pair, NULL));
  g_autoptr (GPtrArray) cnn_names = g_ptr_array_new_with_free_func (g_free);
  for (int layer = 0; with_cnn && layer < ATELIER_RESIDUAL_CNN_LAYERS; layer++)
    for (int kind = 0; kind < 2; kind++)
      {
        char *name = g_strdup_printf ("cnn.convs.%d.%s", layer, kind ? "bias" : "weight");
        g_ptr_array_add (cnn_names, name);
        g_hash_table_insert (tensors, name, test_golden_tensor (st, name));
      }
  g_autoptr (GBytes) weights = test_safetensors_build_table (tensors, "F32");
  g_autofree char *weights_path = g_build_filename (dir, "detector.safetensors", NULL);
  g_assert_true (test_write_file (weights_path, weights));
  g_autoptr (GString) names = g_string_new ("");
  for (int i = 0; i < ATELIER_DETECTOR_FEATURE_COUNT; i++)
    g_string_append_printf (names, "%s\"%s\"", i ? ", " : "", atelier_detector_feature_name (i));
  g_autofree char *sha = atelier_sha256_hex (weights);
  g_autofree char *manifest = g_strdup_printf (
    "{\"format\": \"atelier-model/1\", \"name\": \"d\", \"architecture\": \"spectral-logistic\","
    " \"config\": {\"features\": [%s]}, \"weights\": \"detector.safetensors\", \"sha256\": \"%s\","
    " \"source\": \"test\", \"license\": \"test\"}", names->str, sha);
  g_autofree char *manifest_path = g_build_filename (dir, "detector.json", NULL);
  g_assert_true (g_file_set_contents (manifest_path, manifest, -1, NULL));
  return atelier_detector_open (manifest_path, error);
}

static void
test_detector_binds_the_cnn_from_its_file (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierDetector) with = open_detector_with (dir, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (atelier_detector_get_cnn (with));
  g_autoptr (AtelierDetector) without = open_detector_with (dir, FALSE, &error);
  g_assert_null (without);
  g_assert_error (error, ATELIER_ERROR, ATELIER_ERROR_MODEL_MISSING_TENSOR);
  g_assert_nonnull (strstr (error->message, "cnn.convs.0.weight"));
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/residual-cnn/features/match-pytorch", test_features_match_pytorch);
  g_test_add_func ("/residual-cnn/features/ignore-gain-and-offset", test_features_ignore_gain_and_offset);
  g_test_add_func ("/residual-cnn/features/alpha-and-grey", test_alpha_and_grey);
  g_test_add_func ("/residual-cnn/features/small-images-refused", test_small_images_are_refused);
  g_test_add_func ("/residual-cnn/detector/binds-the-cnn-from-its-file", test_detector_binds_the_cnn_from_its_file);
  g_test_add_func ("/residual-cnn/detector/whole-image-not-tiles", test_detector_weighs_the_cnn_on_the_whole_image);
  return g_test_run ();
}
