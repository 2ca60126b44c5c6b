/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

#define ATELIER_TENSOR_MAX_RANK 4

/* A dense float32 tensor in row-major order; rank-4 tensors are NCHW.
 * A tensor either owns its data or borrows it (a view into a mapped weight file
 * or into another tensor); borrowed data must outlive the tensor. */
typedef struct
{
  int rank;
  int64_t shape[ATELIER_TENSOR_MAX_RANK];
  float *data;     /* (shape[0], ..., shape[rank-1]) */
  gboolean owns_data;
} AtelierTensor;

AtelierTensor *atelier_tensor_new (int rank, const int64_t *shape, GError **error);
/* Contents undefined: for results every element of which is written, to save
 * the zero-filling pass (measured at 9% of an RRDN upscale). */
AtelierTensor *atelier_tensor_new_uninitialized (int rank, const int64_t *shape, GError **error);
AtelierTensor *atelier_tensor_new_4d (int64_t n, int64_t c, int64_t h, int64_t w, GError **error);
AtelierTensor *atelier_tensor_new_like (const AtelierTensor *other, GError **error);
AtelierTensor *atelier_tensor_new_view (float *data, int rank, const int64_t *shape);
AtelierTensor *atelier_tensor_copy (const AtelierTensor *src, GError **error);
/* The window (top, left, h, w) of every channel of an image (1, C, H, W); the window must lie inside it. */
AtelierTensor *atelier_tensor_crop (const AtelierTensor *image, int64_t top, int64_t left, int64_t h, int64_t w,
                                    GError **error);
/* The same window, which may reach past the image: there each pixel repeats the nearest edge pixel (the
 * padding that keeps a flat image flat where a network or a kernel needs more than the image holds). */
AtelierTensor *atelier_tensor_crop_edge_extended (const AtelierTensor *image, int64_t top, int64_t left, int64_t h,
                                                  int64_t w, GError **error);
/* The same window, the image mirrored about its edge pixels past its sides (-1 is row 1, H is H - 2; again and again
 * where the window reaches further than the image is long, a side of 1 repeated): PyTorch's "reflect" padding
 * where that is defined. Seen through a network, an edge pixel then has the image's own texture around it. */
AtelierTensor *atelier_tensor_crop_mirrored (const AtelierTensor *image, int64_t top, int64_t left, int64_t h, int64_t w,
                                             GError **error);
void atelier_tensor_free (AtelierTensor *tensor);

int64_t atelier_tensor_numel (const AtelierTensor *tensor);
gboolean atelier_tensor_same_shape (const AtelierTensor *a, const AtelierTensor *b);
gboolean atelier_tensor_reshape (AtelierTensor *tensor, int rank, const int64_t *shape, GError **error);
void atelier_tensor_fill (AtelierTensor *tensor, float value);
gboolean atelier_tensor_all_finite (const AtelierTensor *tensor);
/* Whether some value of the window (top, left, h, w) of a plane (1, 1, H, W) lies strictly between @above and
 * @below: e.g. a matte's partly transparent pixels, which tiled matting work looks for before doing any. */
gboolean atelier_tensor_window_holds_between (const AtelierTensor *plane, int64_t top, int64_t left, int64_t h,
                                              int64_t w, float above, float below);
/* "(1, 64, 32, 32)": for error messages. */
char *atelier_tensor_shape_string (const AtelierTensor *tensor);
char *atelier_shape_to_string (int rank, const int64_t *shape);

/* Checks the shape; -1 in expected means "any". Fails with a message naming @what. */
gboolean atelier_tensor_check_shape (const AtelierTensor *tensor, const char *what,
                                     int rank, const int64_t *expected, GError **error);

static inline int64_t atelier_tensor_n (const AtelierTensor *t) { return t->shape[0]; }
static inline int64_t atelier_tensor_c (const AtelierTensor *t) { return t->shape[1]; }
static inline int64_t atelier_tensor_h (const AtelierTensor *t) { return t->shape[2]; }
static inline int64_t atelier_tensor_w (const AtelierTensor *t) { return t->shape[3]; }

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierTensor, atelier_tensor_free)

G_END_DECLS
