/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fmemopen (POSIX.1-2008), for reading a file's bytes through the same stdio readers. */
#define _POSIX_C_SOURCE 200809L

#include "atelier-image-io.h"

#include "atomic-file.h"

#include "core/atelier-error.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <stdlib.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

/* Larger images would need more than 2^31 samples per plane in places the
 * libraries use int; 65535 is also JPEG's limit. */
#define MAX_IMAGE_SIDE 65535

AtelierImage *
atelier_image_new (AtelierTensor *pixels, int bit_depth)
{
  AtelierImage *image = g_new0 (AtelierImage, 1);
  image->format = ATELIER_IMAGE_FORMAT_PNG;
  image->bit_depth = bit_depth;
  image->pixels = pixels;
  return image;
}

void
atelier_image_free (AtelierImage *image)
{
  if (image == NULL)
    return;
  atelier_tensor_free (image->pixels);
  g_clear_pointer (&image->icc_profile, g_bytes_unref);
  g_free (image);
}

void
atelier_image_keep_profile (AtelierImage *to, const AtelierImage *from)
{
  g_clear_pointer (&to->icc_profile, g_bytes_unref);
  to->icc_profile = from->icc_profile ? g_bytes_ref (from->icc_profile) : NULL;
}

/* An ICC profile names its colour space at byte 16: an RGB profile cannot describe a grey file, nor the reverse. */
static gboolean
profile_fits (GBytes *profile, int channels)
{
  gsize size = 0;
  const guint8 *data = profile ? g_bytes_get_data (profile, &size) : NULL;
  if (data == NULL || size < 132)
    return FALSE;
  return memcmp (data + 16, channels <= 2 ? "GRAY" : "RGB ", 4) == 0;
}

static gboolean
io_error (GError **error, const char *path, const char *what)
{
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "%s: %s", path, what);
  return FALSE;
}

/* ---------------------------------------------------------------- PNG */

typedef struct
{
  jmp_buf jump;
  char message[256];
} PngErrorState;

static void
png_error_jump (png_structp png, png_const_charp message)
{
  PngErrorState *state = png_get_error_ptr (png);
  g_strlcpy (state->message, message, sizeof state->message);
  longjmp (state->jump, 1);
}

static void
png_warning_ignore (png_structp png, png_const_charp message)
{
  (void) png;
  (void) message;
}

/* FALSE, with a message, when a w x h image is over @max_pixels (0: no limit beyond the formats'). */
static gboolean
size_allowed (gint64 w, gint64 h, gint64 max_pixels, const char *path, GError **error)
{
  if (max_pixels <= 0 || w * h <= max_pixels)
    return TRUE;
  g_autofree char *what = g_strdup_printf ("%" G_GINT64_FORMAT "x%" G_GINT64_FORMAT " is more than the %" G_GINT64_FORMAT
                                           " pixels allowed here", w, h, max_pixels);
  return io_error (error, path, what);
}

static AtelierImage *
load_png (FILE *file, const char *path, gint64 max_pixels, GError **error)
{
  PngErrorState state = { 0 };
  png_structp png = png_create_read_struct (PNG_LIBPNG_VER_STRING, &state, png_error_jump, png_warning_ignore);
  png_infop info = png_create_info_struct (png);
  /* volatile: assigned between setjmp and a possible longjmp */
  AtelierTensor *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  png_bytep volatile buffer = NULL;
  GBytes *volatile profile = NULL;
  if (setjmp (state.jump))
    {
      png_destroy_read_struct (&png, &info, NULL);
      atelier_tensor_free (pixels);
      if (profile != NULL)
        g_bytes_unref (profile);
      g_free (rows);
      g_free (buffer);
      g_autofree char *what = g_strdup_printf ("truncated or damaged PNG file (%s)",
                                               state.message[0] ? state.message : "unreadable");
      io_error (error, path, what);
      return NULL;
    }
  png_init_io (png, file);
  png_set_user_limits (png, MAX_IMAGE_SIDE, MAX_IMAGE_SIDE);
  png_read_info (png, info);
  if (!size_allowed (png_get_image_width (png, info), png_get_image_height (png, info), max_pixels, path, error))
    {
      png_destroy_read_struct (&png, &info, NULL);
      return NULL;
    }
  int file_depth = png_get_bit_depth (png, info);
  png_charp profile_name;
  int compression;
  png_bytep profile_data;
  png_uint_32 profile_size;
  if (png_get_iCCP (png, info, &profile_name, &compression, &profile_data, &profile_size))
    profile = g_bytes_new (profile_data, profile_size);
  png_set_expand (png); /* palette -> RGB, grey < 8 bits -> 8 bits, tRNS -> alpha */
  png_set_interlace_handling (png);
  png_read_update_info (png, info);
  const png_uint_32 width = png_get_image_width (png, info), height = png_get_image_height (png, info);
  const int channels = png_get_channels (png, info);
  const int depth = png_get_bit_depth (png, info);

  g_autoptr (GError) alloc_error = NULL;
  pixels = atelier_tensor_new_4d (1, channels, height, width, &alloc_error);
  const gsize row_bytes = png_get_rowbytes (png, info);
  buffer = pixels ? g_try_malloc ((gsize) row_bytes * height) : NULL;
  if (buffer == NULL)
    png_error (png, alloc_error ? alloc_error->message : "out of memory for the image");
  rows = g_new (png_bytep, height);
  for (png_uint_32 y = 0; y < height; y++)
    rows[y] = buffer + (gsize) y * row_bytes;
  png_read_image (png, rows);
  png_read_end (png, NULL);

  const gsize plane = (gsize) width * height;
  for (png_uint_32 y = 0; y < height; y++)
    for (png_uint_32 x = 0; x < width; x++)
      for (int c = 0; c < channels; c++)
        {
          gsize i = (gsize) x * channels + c;
          float v = depth == 16 ? ((rows[y][2 * i] << 8) | rows[y][2 * i + 1]) / 65535.0f : rows[y][i] / 255.0f;
          pixels->data[c * plane + (gsize) y * width + x] = v;
        }
  png_destroy_read_struct (&png, &info, NULL);
  g_free (rows);
  g_free (buffer);
  AtelierImage *image = atelier_image_new (pixels, file_depth == 16 ? 16 : 8);
  image->format = ATELIER_IMAGE_FORMAT_PNG;
  image->icc_profile = profile;
  return image;
}

static gboolean
save_png (const AtelierImage *image, FILE *file, const char *path, int bit_depth, GError **error)
{
  PngErrorState state = { 0 };
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &state, png_error_jump, png_warning_ignore);
  png_infop info = png_create_info_struct (png);
  png_bytep volatile row = NULL;
  if (setjmp (state.jump))
    {
      png_destroy_write_struct (&png, &info);
      g_free (row);
      return io_error (error, path, state.message);
    }
  static const int color_types[] = { PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB,
                                     PNG_COLOR_TYPE_RGB_ALPHA };
  const gint64 width = atelier_image_width (image), height = atelier_image_height (image);
  const int channels = atelier_image_channels (image);
  png_init_io (png, file);
  /* The input's profile is carried as it came: libpng would refuse a few sRGB profiles it knows to be slightly
   * wrong (HP's of 1998, still in many cameras' JPEGs) and, with its default of treating such a chunk problem
   * as an error when writing, throw away a finished result for it. Its other checks only warn now. */
  png_set_option (png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
  png_set_benign_errors (png, 1);
  png_set_IHDR (png, info, (png_uint_32) width, (png_uint_32) height, bit_depth, color_types[channels - 1],
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  if (profile_fits (image->icc_profile, channels))
    png_set_iCCP (png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, g_bytes_get_data (image->icc_profile, NULL),
                  (png_uint_32) g_bytes_get_size (image->icc_profile));
  png_write_info (png, info);
  const int bytes = bit_depth / 8;
  const float max = bit_depth == 16 ? 65535.0f : 255.0f;
  row = g_malloc ((gsize) width * channels * bytes);
  const gsize plane = (gsize) width * height;
  for (gint64 y = 0; y < height; y++)
    {
      for (gint64 x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          {
            float v = image->pixels->data[c * plane + y * width + x];
            guint v16 = (guint) lrintf (CLAMP (isnan (v) ? 0.0f : v, 0.0f, 1.0f) * max);
            gsize i = ((gsize) x * channels + c) * bytes;
            if (bytes == 2)
              {
                row[i] = v16 >> 8;
                row[i + 1] = v16 & 0xff;
              }
            else
              row[i] = (png_byte) v16;
          }
      png_write_row (png, row);
    }
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  g_free (row);
  return TRUE;
}

/* ---------------------------------------------------------------- JPEG */

typedef struct
{
  struct jpeg_error_mgr manager;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegErrorState;

static void
jpeg_error_jump (j_common_ptr cinfo)
{
  JpegErrorState *state = (JpegErrorState *) cinfo->err;
  cinfo->err->format_message (cinfo, state->message);
  longjmp (state->jump, 1);
}

/* libjpeg's warnings about the data (a truncated file: "Premature end of JPEG file"; damaged entropy-coded
 * data) only print and go on, filling the rest with grey: they end the read as errors instead, so a damaged
 * file is refused before any work rather than processed half grey. Warnings about metadata alone leave the
 * pixels whole and still pass. */
static void
jpeg_warning_jump (j_common_ptr cinfo, int level)
{
  const int code = cinfo->err->msg_code;
  const gboolean metadata_only = code == JWRN_JFIF_MAJOR || code == JWRN_ADOBE_XFORM || code == JWRN_EXTRANEOUS_DATA;
  if (level < 0 && !metadata_only)
    jpeg_error_jump (cinfo);
}

/* The IJG quality (1..100) whose scaled luminance table is closest to the
 * file's, found by asking libjpeg for each quality's table rather than
 * copying the standard's table here. Camera JPEGs use their own tables; the
 * nearest IJG quality still says how coarse they are. */
static int
estimate_jpeg_quality (const JQUANT_TBL *table)
{
  if (table == NULL)
    return 0;
  struct jpeg_compress_struct reference;
  struct jpeg_error_mgr manager;
  reference.err = jpeg_std_error (&manager);
  jpeg_create_compress (&reference);
  reference.in_color_space = JCS_RGB;
  reference.input_components = 3;
  jpeg_set_defaults (&reference);
  int best = 0;
  long best_distance = G_MAXLONG;
  for (int quality = 1; quality <= 100; quality++)
    {
      jpeg_set_quality (&reference, quality, TRUE);
      long distance = 0;
      for (int i = 0; i < DCTSIZE2; i++)
        distance += labs ((long) reference.quant_tbl_ptrs[0]->quantval[i] - (long) table->quantval[i]);
      if (distance < best_distance)
        best = quality, best_distance = distance;
    }
  jpeg_destroy_compress (&reference);
  return best;
}

static AtelierImage *
load_jpeg (FILE *file, const char *path, gint64 max_pixels, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorState state;
  cinfo.err = jpeg_std_error (&state.manager);
  state.manager.error_exit = jpeg_error_jump;
  state.manager.emit_message = jpeg_warning_jump;
  AtelierTensor *volatile pixels = NULL;
  JSAMPLE *volatile row = NULL;
  GBytes *volatile profile = NULL;
  if (setjmp (state.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      atelier_tensor_free (pixels);
      if (profile != NULL)
        g_bytes_unref (profile);
      g_free (row);
      g_autofree char *what = g_strdup_printf ("truncated or damaged JPEG file (%s)", state.message);
      io_error (error, path, what);
      return NULL;
    }
  jpeg_create_decompress (&cinfo);
  jpeg_stdio_src (&cinfo, file);
  jpeg_save_markers (&cinfo, JPEG_APP0 + 2, 0xffff); /* the ICC profile's segments */
  jpeg_read_header (&cinfo, TRUE);
  if (!size_allowed (cinfo.image_width, cinfo.image_height, max_pixels, path, error))
    {
      jpeg_destroy_decompress (&cinfo);
      return NULL;
    }
  JOCTET *profile_data = NULL;
  unsigned int profile_size = 0;
  if (jpeg_read_icc_profile (&cinfo, &profile_data, &profile_size))
    profile = g_bytes_new_with_free_func (profile_data, profile_size, free, profile_data);
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK)
    {
      jpeg_destroy_decompress (&cinfo);
      if (profile != NULL)
        g_bytes_unref (profile);
      io_error (error, path, "CMYK JPEG files are not supported; convert the file to RGB");
      return NULL;
    }
  cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
  const int quality = estimate_jpeg_quality (cinfo.quant_tbl_ptrs[0]);
  jpeg_start_decompress (&cinfo);
  const int channels = cinfo.output_components;
  const gint64 width = cinfo.output_width, height = cinfo.output_height;
  g_autoptr (GError) alloc_error = NULL;
  pixels = atelier_tensor_new_4d (1, channels, height, width, &alloc_error);
  if (pixels == NULL)
    {
      jpeg_destroy_decompress (&cinfo);
      if (profile != NULL)
        g_bytes_unref (profile);
      g_propagate_error (error, g_steal_pointer (&alloc_error));
      return NULL;
    }
  row = g_malloc ((gsize) width * channels);
  const gsize plane = (gsize) width * height;
  while (cinfo.output_scanline < cinfo.output_height)
    {
      gint64 y = cinfo.output_scanline;
      JSAMPROW rows[1] = { row };
      jpeg_read_scanlines (&cinfo, rows, 1);
      for (gint64 x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          pixels->data[c * plane + y * width + x] = row[x * channels + c] / 255.0f;
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (row);
  AtelierImage *image = atelier_image_new (pixels, 8);
  image->format = ATELIER_IMAGE_FORMAT_JPEG;
  image->jpeg_quality = quality;
  image->icc_profile = profile;
  return image;
}

static gboolean
save_jpeg (const AtelierImage *image, FILE *file, const char *path, int quality, GError **error)
{
  const int channels = atelier_image_channels (image);
  if (channels == 2 || channels == 4)
    return io_error (error, path, "JPEG cannot store transparency; save as PNG");
  struct jpeg_compress_struct cinfo;
  JpegErrorState state;
  cinfo.err = jpeg_std_error (&state.manager);
  state.manager.error_exit = jpeg_error_jump;
  JSAMPLE *volatile row = NULL;
  if (setjmp (state.jump))
    {
      jpeg_destroy_compress (&cinfo);
      g_free (row);
      return io_error (error, path, state.message);
    }
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, file);
  const gint64 width = atelier_image_width (image), height = atelier_image_height (image);
  cinfo.image_width = (JDIMENSION) width;
  cinfo.image_height = (JDIMENSION) height;
  cinfo.input_components = channels;
  cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, CLAMP (quality, 1, 100), TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  if (profile_fits (image->icc_profile, channels))
    jpeg_write_icc_profile (&cinfo, g_bytes_get_data (image->icc_profile, NULL),
                            (unsigned int) g_bytes_get_size (image->icc_profile));
  row = g_malloc ((gsize) width * channels);
  const gsize plane = (gsize) width * height;
  for (gint64 y = 0; y < height; y++)
    {
      for (gint64 x = 0; x < width; x++)
        for (int c = 0; c < channels; c++)
          {
            float v = image->pixels->data[c * plane + y * width + x];
            row[x * channels + c] = (JSAMPLE) lrintf (CLAMP (isnan (v) ? 0.0f : v, 0.0f, 1.0f) * 255.0f);
          }
      JSAMPROW rows[1] = { row };
      jpeg_write_scanlines (&cinfo, rows, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  g_free (row);
  return TRUE;
}

/* ---------------------------------------------------------------- dispatch */

/* @file read from its start; @path names it in messages. */
static AtelierImage *
load_stream (FILE *file, const char *path, gint64 max_pixels, GError **error)
{
  unsigned char magic[8] = { 0 };
  size_t got = fread (magic, 1, sizeof magic, file);
  rewind (file);
  AtelierImage *image = NULL;
  if (got == 8 && png_sig_cmp (magic, 0, 8) == 0)
    image = load_png (file, path, max_pixels, error);
  else if (got >= 3 && magic[0] == 0xff && magic[1] == 0xd8 && magic[2] == 0xff)
    image = load_jpeg (file, path, max_pixels, error);
  else
    io_error (error, path, "not a PNG or JPEG file");
  return image;
}

AtelierImage *
atelier_image_load (const char *path, GError **error)
{
  FILE *file = fopen (path, "rb");
  if (file == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "cannot open %s: %s", path,
                   g_strerror (errno));
      return NULL;
    }
  AtelierImage *image = load_stream (file, path, 0, error);
  fclose (file);
  return image;
}

AtelierImage *
atelier_image_load_bytes (GBytes *bytes, const char *name, gint64 max_pixels, GError **error)
{
  gsize size;
  const void *data = g_bytes_get_data (bytes, &size);
  /* fmemopen refuses an empty buffer; an empty file is no image either. */
  FILE *file = size > 0 ? fmemopen ((void *) data, size, "rb") : NULL;
  if (file == NULL)
    {
      io_error (error, name, "not a PNG or JPEG file");
      return NULL;
    }
  AtelierImage *image = load_stream (file, name, max_pixels, error);
  fclose (file);
  return image;
}

gboolean
atelier_image_save (const AtelierImage *image, const char *path, int bit_depth, int jpeg_quality, GError **error)
{
  return atelier_image_save_finished (image, path, bit_depth, jpeg_quality, NULL, NULL, error);
}

gboolean
atelier_image_save_finished (const AtelierImage *image, const char *path, int bit_depth, int jpeg_quality,
                             AtelierImageFinish finish, gpointer data, GError **error)
{
  const int channels = atelier_image_channels (image);
  if (channels < 1 || channels > 4 || image->pixels->rank != 4 || image->pixels->shape[0] != 1)
    return io_error (error, path, "an image needs 1 to 4 channels");
  if (atelier_image_width (image) > MAX_IMAGE_SIDE || atelier_image_height (image) > MAX_IMAGE_SIDE
      || atelier_image_width (image) < 1 || atelier_image_height (image) < 1)
    return io_error (error, path, "image sides must be 1..65535 pixels");
  g_autofree char *lower = g_ascii_strdown (path, -1);
  gboolean jpeg = g_str_has_suffix (lower, ".jpg") || g_str_has_suffix (lower, ".jpeg");
  if (!jpeg && !g_str_has_suffix (lower, ".png"))
    return io_error (error, path, "unknown file type: use .png, .jpg or .jpeg");
  if (!jpeg && bit_depth != 8 && bit_depth != 16)
    return io_error (error, path, "PNG bit depth must be 8 or 16");
  g_autoptr (AtelierAtomicFile) file = atelier_atomic_file_open (path, error);
  if (file == NULL)
    return FALSE;
  FILE *stream = atelier_atomic_file_stream (file);
  gboolean ok = jpeg ? save_jpeg (image, stream, path, jpeg_quality, error)
                     : save_png (image, stream, path, bit_depth, error);
  if (ok && finish != NULL)
    {
      /* The finishing step reads the file by its name: everything written must be in it. */
      if (fflush (stream) != 0)
        return io_error (error, path, g_strerror (errno));
      ok = finish (atelier_atomic_file_temporary_path (file), data, error);
    }
  return ok && atelier_atomic_file_commit (g_steal_pointer (&file), error);
}
