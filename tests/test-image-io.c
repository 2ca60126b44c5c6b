/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Image files: PNG written by an independent encoder (data/make-test-images.py)
 * loads to the known values; 8- and 16-bit round trips are exact; JPEG round
 * trips closely; bad files give errors. */
#include "atelier-image-io.h"
#include "test-helpers.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

static AtelierImage *
load_test_image (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);
  g_autoptr (GError) error = NULL;
  AtelierImage *image = atelier_image_load (path, &error);
  g_assert_no_error (error);
  return image;
}

static void
test_png16_known_values (void)
{
  g_autoptr (AtelierImage) image = load_test_image ("rgba16.png");
  g_assert_cmpint (image->bit_depth, ==, 16);
  g_assert_cmpint (atelier_image_channels (image), ==, 4);
  g_assert_cmpint (atelier_image_width (image), ==, 3);
  g_assert_cmpint (atelier_image_height (image), ==, 2);
  for (int y = 0; y < 2; y++)
    for (int x = 0; x < 3; x++)
      for (int c = 0; c < 4; c++)
        {
          float expected = (1000 * (y * 12 + x * 4 + c) + 7) / 65535.0f;
          g_assert_cmpfloat (image->pixels->data[(c * 2 + y) * 3 + x], ==, expected);
        }
}

static void
test_grey_and_palette (void)
{
  g_autoptr (AtelierImage) grey = load_test_image ("grey8.png");
  g_assert_cmpint (atelier_image_channels (grey), ==, 1);
  g_assert_cmpint (grey->bit_depth, ==, 8);
  const float values[] = { 0.0f, 85 / 255.0f, 170 / 255.0f, 1.0f };
  for (int i = 0; i < 4; i++)
    g_assert_cmpfloat (grey->pixels->data[i], ==, values[i]);

  /* Palette + tRNS expands to RGBA. */
  g_autoptr (AtelierImage) pal = load_test_image ("palette.png");
  g_assert_cmpint (atelier_image_channels (pal), ==, 4);
  const float *d = pal->pixels->data; /* planes of 2 pixels */
  g_assert_cmpfloat (d[0], ==, 1.0f); /* red of pixel 0 */
  g_assert_cmpfloat (d[5], ==, 1.0f); /* blue of pixel 1 */
  g_assert_cmpfloat (d[6], ==, 1.0f); /* alpha of pixel 0 */
  g_assert_cmpfloat (d[7], ==, 128 / 255.0f);
}

static void
round_trip (int channels, int bit_depth, const char *name, float tolerance)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GError) error = NULL;
  const float levels = bit_depth == 16 ? 65535.0f : 255.0f;
  g_autoptr (AtelierTensor) pixels = atelier_tensor_new_4d (1, channels, 13, 17, &error);
  for (gint64 i = 0; i < atelier_tensor_numel (pixels); i++)
    {
      /* For JPEG: smooth and with constant chroma, which 4:2:0 subsampling keeps. */
      gint64 position = i % (13 * 17), channel = i / (13 * 17);
      pixels->data[i] = tolerance > 0 ? (float) (0.4 + 0.3 * sin (position * 0.05) + 0.1 * channel)
                                      : (float) g_test_rand_int_range (0, (int) levels + 1) / levels;
    }
  g_autoptr (AtelierImage) image = atelier_image_new (atelier_tensor_copy (pixels, &error), bit_depth);
  g_assert_true (atelier_image_save (image, path, bit_depth, 100, &error));
  g_assert_no_error (error);
  g_autoptr (AtelierImage) back = atelier_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->bit_depth, ==, bit_depth);
  g_assert_true (atelier_tensor_same_shape (back->pixels, pixels));
  g_test_message ("%s, %d channels, %d bits: max abs diff %g levels", name, channels, bit_depth,
                  test_max_abs_diff (back->pixels, pixels) * levels);
  g_assert_cmpfloat (test_max_abs_diff (back->pixels, pixels), <=, tolerance);
  g_remove (path);
  g_rmdir (dir);
}

static void
test_round_trips (void)
{
  for (int c = 1; c <= 4; c++)
    {
      round_trip (c, 8, "t.png", 0.0f);
      round_trip (c, 16, "t.png", 0.0f);
    }
  /* Measured 1.8 and 1.5 levels at quality 100, the rounding of these continuous values to 8 bits included:
   * a lossy codec's bound rather than a tolerance, three times that. */
  round_trip (3, 8, "t.jpg", 6 / 255.0f);
  round_trip (1, 8, "t.JPEG", 6 / 255.0f);
}

/* An embedded ICC profile is read and written back byte for byte, in PNG and JPEG; a profile that cannot describe
 * the file (an RGB profile on a grey image) is left out rather than written wrong. */
static void
test_icc_profiles (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GBytes) rgb = test_minimal_icc_profile (FALSE);
  const char *names[] = { "p.png", "p.jpg" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    for (int channels = 1; channels <= 3; channels += 2)
      {
        g_autofree char *path = g_build_filename (dir, names[i], NULL);
        g_autoptr (GError) error = NULL;
        g_autoptr (AtelierImage) image = atelier_image_new (test_random_4d (1, channels, 9, 11), 8);
        image->icc_profile = g_bytes_ref (rgb);
        g_assert_true (atelier_image_save (image, path, 8, 90, &error));
        g_autoptr (AtelierImage) back = atelier_image_load (path, &error);
        g_assert_no_error (error);
        if (channels == 3)
          g_assert_true (back->icc_profile != NULL && g_bytes_equal (back->icc_profile, rgb));
        else
          g_assert_null (back->icc_profile);
        g_remove (path);
      }
  g_rmdir (dir);
}

/* A camera JPEG whose sRGB profile libpng knows to be slightly wrong (HP's of 1998) still becomes a PNG, the
 * profile carried byte for byte: libpng's check of it used to throw away a finished result. */
static void
test_known_incorrect_srgb_profile (void)
{
  g_autofree char *photo = test_product_photo ("phone_case_in_hand_sky.jpg");
  if (photo == NULL)
    return;
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_load (photo, &error);
  g_assert_no_error (error);
  g_assert_nonnull (image->icc_profile);
  g_autofree char *dir = test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "p.png", NULL);
  g_assert_true (atelier_image_save (image, path, 8, 90, &error));
  g_assert_no_error (error);
  g_autoptr (AtelierImage) back = atelier_image_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (back->icc_profile != NULL && g_bytes_equal (back->icc_profile, image->icc_profile));
  g_remove (path);
  g_rmdir (dir);
}

static void
test_errors (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GError) error = NULL;
  g_autofree char *absent = g_build_filename (dir, "absent.png", NULL);
  g_assert_null (atelier_image_load (absent, &error));
  g_assert_nonnull (strstr (error->message, absent));
  g_clear_error (&error);

  /* A text file, and a PNG cut in half. */
  g_autofree char *text = g_build_filename (dir, "text.png", NULL);
  g_assert_true (g_file_set_contents (text, "hello, not an image", -1, NULL));
  g_assert_null (atelier_image_load (text, &error));
  g_assert_nonnull (strstr (error->message, "not a PNG or JPEG"));
  g_clear_error (&error);
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *contents = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (source, &contents, &size, NULL));
  g_autofree char *cut = g_build_filename (dir, "cut.png", NULL);
  g_assert_true (g_file_set_contents (cut, contents, (gssize) size / 2, NULL));
  g_assert_null (atelier_image_load (cut, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* RGBA cannot go to JPEG; unknown extensions are refused and leave no file. */
  g_autoptr (AtelierImage) rgba = load_test_image ("rgba16.png");
  g_autofree char *jpg = g_build_filename (dir, "out.jpg", NULL);
  g_assert_false (atelier_image_save (rgba, jpg, 8, 90, &error));
  g_assert_nonnull (strstr (error->message, "transparency"));
  g_assert_false (g_file_test (jpg, G_FILE_TEST_EXISTS));
  g_clear_error (&error);
  g_autofree char *tif = g_build_filename (dir, "out.tif", NULL);
  g_assert_false (atelier_image_save (rgba, tif, 8, 90, &error));
  g_clear_error (&error);
  test_remove_dir (dir);
}

/* Every cut of a whole file, as `head -c N` leaves it, is refused with a message that names the file and says
 * what is wrong: a truncated JPEG used to load with its missing half grey, libjpeg only printing "Premature end
 * of JPEG file". Damaged entropy-coded data is refused the same way. */
static void
check_cuts_refused (const char *dir, const char *name, const char *contents, gsize size, const char *kind)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  const double fractions[] = { 0.1, 0.5, 0.9, 0.99 };
  const gsize cuts[] = { size * fractions[0], size * fractions[1], size * fractions[2], size * fractions[3], size - 2 };
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_assert_true (g_file_set_contents (path, contents, (gssize) cuts[i], NULL));
      g_autoptr (GError) error = NULL;
      g_autoptr (AtelierImage) image = atelier_image_load (path, &error);
      g_test_message ("%s cut to %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " bytes: %s", kind, cuts[i], size,
                      error ? error->message : "loaded");
      g_assert_null (image);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, path));
      g_assert_nonnull (strstr (error->message, "truncated or damaged"));
    }
}

/* The fuzzers' way in reads the same as the file, and names what it was given. */
static void
test_load_bytes (void)
{
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "data", "rgba16.png", NULL);
  g_autofree char *contents = NULL;
  gsize size;
  g_assert_true (g_file_get_contents (source, &contents, &size, NULL));
  g_autoptr (GBytes) bytes = g_bytes_new (contents, size);
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) from_bytes = atelier_image_load_bytes (bytes, "mem.png", 0, &error);
  g_assert_no_error (error);
  g_autoptr (AtelierImage) from_file = load_test_image ("rgba16.png");
  g_assert_cmpfloat (test_max_abs_diff (from_bytes->pixels, from_file->pixels), ==, 0.0f);
  g_autoptr (GBytes) half = g_bytes_new (contents, size / 2);
  g_assert_null (atelier_image_load_bytes (half, "mem.png", 0, &error));
  g_assert_nonnull (strstr (error->message, "mem.png: truncated or damaged PNG"));
  g_clear_error (&error);
  g_assert_null (atelier_image_load_bytes (bytes, "mem.png", 1, &error));
  g_assert_nonnull (strstr (error->message, "pixels allowed"));
}

static void
test_truncated_and_damaged (void)
{
  g_autofree char *dir = test_make_temp_dir ();
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierImage) image = atelier_image_new (test_random_tensor (4, (const int64_t[]) { 1, 3, 96, 128 }, 0.0f,
                                                                          1.0f), 8);
  const char *names[] = { "whole.png", "whole.jpg" };
  for (gsize f = 0; f < G_N_ELEMENTS (names); f++)
    {
      g_autofree char *whole = g_build_filename (dir, names[f], NULL);
      g_assert_true (atelier_image_save (image, whole, 8, 90, &error));
      g_autofree char *contents = NULL;
      gsize size;
      g_assert_true (g_file_get_contents (whole, &contents, &size, NULL));
      g_autoptr (AtelierImage) loaded = atelier_image_load (whole, &error); /* the whole file is fine */
      g_assert_no_error (error);
      check_cuts_refused (dir, f == 0 ? "cut.png" : "cut.jpg", contents, size, f == 0 ? "PNG" : "JPEG");
      /* Bytes in the middle of the compressed data overwritten: in PNG a broken deflate stream, in JPEG a stray
       * marker (JPEG's entropy-coded data has no checksum: other damage decodes to wrong pixels unnoticed). */
      memset (contents + size / 2, 0x5a, 64);
      contents[size / 2] = (char) 0xff;
      contents[size / 2 + 1] = (char) 0xd9;
      g_autofree char *damaged = g_build_filename (dir, f == 0 ? "damaged.png" : "damaged.jpg", NULL);
      g_assert_true (g_file_set_contents (damaged, contents, (gssize) size, NULL));
      g_autoptr (AtelierImage) bad = atelier_image_load (damaged, &error);
      g_test_message ("%s damaged: %s", names[f], error ? error->message : "loaded");
      g_assert_null (bad);
      g_assert_nonnull (strstr (error->message, damaged));
      g_clear_error (&error);
    }
  test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image-io/png16-known-values", test_png16_known_values);
  g_test_add_func ("/image-io/grey-and-palette", test_grey_and_palette);
  g_test_add_func ("/image-io/round-trips", test_round_trips);
  g_test_add_func ("/image-io/errors", test_errors);
  g_test_add_func ("/image-io/icc-profiles", test_icc_profiles);
  g_test_add_func ("/image-io/known-incorrect-srgb-profile", test_known_incorrect_srgb_profile);
  g_test_add_func ("/image-io/truncated-and-damaged", test_truncated_and_damaged);
  g_test_add_func ("/image-io/load-bytes", test_load_bytes);
  return g_test_run ();
}
