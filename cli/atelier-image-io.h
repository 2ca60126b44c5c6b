/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Image files through libpng and libjpeg: 8- and 16-bit PNG (grey, grey +
 * alpha, RGB, RGBA, palette) and baseline/progressive JPEG. Pixels are held as
 * a planar float tensor in 0..1. No colour management: values are taken as
 * the file stores them (sRGB for nearly every file). */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  ATELIER_IMAGE_FORMAT_PNG,
  ATELIER_IMAGE_FORMAT_JPEG,
} AtelierImageFormat;

typedef struct
{
  AtelierImageFormat format;
  int bit_depth;          /* of the file: 8 or 16 */
  int jpeg_quality;       /* JPEG: estimated IJG quality of its luminance table, 1..100; otherwise 0 */
  AtelierTensor *pixels;  /* (1, channels, height, width); channels 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA */
  GBytes *icc_profile;    /* the file's embedded ICC profile, or NULL; written back when it fits the channels */
} AtelierImage;

AtelierImage *atelier_image_load (const char *path, GError **error);
/* The same from the file's bytes (the fuzzers'); @name stands for the file in messages. An image of more than
 * @max_pixels (0: no limit beyond the formats') is refused from its header, before any allocation. */
AtelierImage *atelier_image_load_bytes (GBytes *bytes, const char *name, gint64 max_pixels, GError **error);
/* Takes ownership of @pixels. */
AtelierImage *atelier_image_new (AtelierTensor *pixels, int bit_depth);
void atelier_image_free (AtelierImage *image);

/* Atelier does no colour management: its outputs keep their input's colour space by carrying its ICC profile
 * (a phone's Display P3 photo stays P3). @to takes @from's profile. */
void atelier_image_keep_profile (AtelierImage *to, const AtelierImage *from);

/* The format follows the file name's extension (.png, .jpg, .jpeg).
 * @bit_depth 8 or 16 (PNG only); @jpeg_quality 1..100. Values are clamped to
 * 0..1 and rounded. The file is replaced atomically (atomic-file.h): a
 * process killed while saving leaves the old file or none, never half of one. */
gboolean atelier_image_save (const AtelierImage *image, const char *path, int bit_depth, int jpeg_quality,
                             GError **error);
/* A last step on the written file before it takes its name (the provenance record): @temporary_path holds the
 * whole image. */
typedef gboolean (*AtelierImageFinish) (const char *temporary_path, gpointer data, GError **error);
/* atelier_image_save, with @finish (or NULL) run on the temporary file before it is renamed to @path. */
gboolean atelier_image_save_finished (const AtelierImage *image, const char *path, int bit_depth, int jpeg_quality,
                                      AtelierImageFinish finish, gpointer data, GError **error);

static inline gint64 atelier_image_width (const AtelierImage *i) { return i->pixels->shape[3]; }
static inline gint64 atelier_image_height (const AtelierImage *i) { return i->pixels->shape[2]; }
static inline int atelier_image_channels (const AtelierImage *i) { return (int) i->pixels->shape[1]; }

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierImage, atelier_image_free)

G_END_DECLS
