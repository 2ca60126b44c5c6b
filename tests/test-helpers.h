/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "atelier.h"

/* A tensor of uniform random values in [lo, hi) from g_test_rand (seeded by
 * the test framework, printed with --verbose / --seed). */
AtelierTensor *test_random_tensor (int rank, const int64_t *shape, float lo, float hi);
AtelierTensor *test_random_4d (gint64 n, gint64 c, gint64 h, gint64 w);

/* (1, 3, n, n): a slow diagonal wave in each channel, phase-shifted, over
 * about a hundred 8-bit levels, with nothing above an eighth of Nyquist:
 * once rounded to 8 bits, its upper bands hold only the rounding. */
AtelierTensor *test_smooth_waves (int n);

float test_max_abs_diff (const AtelierTensor *a, const AtelierTensor *b);
float test_max_abs (const AtelierTensor *a);

/* Asserts equal shapes and max |a - b| <= tolerance * (1 + max |expected|). */
#define test_assert_close(actual, expected, tolerance) \
  test_assert_close_impl (__FILE__, __LINE__, (actual), (expected), (tolerance))
void test_assert_close_impl (const char *file, int line, const AtelierTensor *actual,
                             const AtelierTensor *expected, float tolerance);

/* A safetensors file from (name, dtype, tensor) triples, NULL-terminated.
 * Values are converted to the given dtype. The file format is written here
 * independently of the engine's reader. */
GBytes *test_safetensors_build (const char *first_name, ...) G_GNUC_NULL_TERMINATED;
/* The same from a table of name -> AtelierTensor, all of one dtype, in name order. */
GBytes *test_safetensors_build_table (GHashTable *tensors, const char *dtype);
gboolean test_write_file (const char *path, GBytes *bytes);
/* The metadata tag @tag ("Xmp.xmp.CreatorTool", "Exif.Image.Make") of the image file @path as exiv2 reads it, or
 * NULL when it has none. */
char *test_metadata_tag (const char *path, const char *tag);
/* A tiny ICC profile that libpng accepts: a v2 display header (D50 white, XYZ connection space) and one tag, of
 * colour space "RGB " or "GRAY"; enough to see a profile travel through files intact. */
GBytes *test_minimal_icc_profile (gboolean grey);
/* Writes the text tag @tag into the image file @path, as a camera or an editor would have. */
void test_set_metadata_tag (const char *path, const char *tag, const char *value);
/* Tensor @name of a golden file, asserted present and readable. */
AtelierTensor *test_golden_tensor (const AtelierSafetensors *golden, const char *name);
/* A fresh temporary directory, removed (with everything in it) by test_remove_dir. */
char *test_make_temp_dir (void);
void test_remove_dir (const char *path);

/* (1, 3, h, w), deterministic: an even, fine texture of beige and grey (woven stripes and pixel noise), a
 * background with nothing that stands out. */
AtelierTensor *test_texture_image (gint64 h, gint64 w);
/* The texture with one clear subject on it: a shaded red disc of radius test_subject_radius at the centre. */
AtelierTensor *test_subject_image (gint64 h, gint64 w);
double test_subject_radius (gint64 h, gint64 w);

/* TRUE when the ISNet weights are set up; otherwise marks the test skipped, saying how to set them up. */
gboolean test_isnet_ready (void);
/* The path of @file among the product photographs of ../shared/data/products, or NULL, the test marked skipped,
 * where that shared data is not beside the project. */
char *test_product_photo (const char *file);
