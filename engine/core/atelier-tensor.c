/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-tensor.h"

#include "atelier-error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Rows of every op are processed with SIMD loads; 64-byte alignment keeps them
 * on cache lines. */
#define ATELIER_TENSOR_ALIGNMENT 64

static gboolean
shape_is_valid (int rank, const int64_t *shape, int64_t *numel_out, GError **error)
{
  if (rank < 1 || rank > ATELIER_TENSOR_MAX_RANK)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "tensor rank %d is outside 1..%d", rank, ATELIER_TENSOR_MAX_RANK);
      return FALSE;
    }
  int64_t numel = 1;
  for (int i = 0; i < rank; i++)
    {
      if (shape[i] < 0 || (shape[i] > 0 && numel > (INT64_MAX / 4) / shape[i]))
        {
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                       "tensor dimension %d has invalid size %" G_GINT64_FORMAT, i, shape[i]);
          return FALSE;
        }
      numel *= shape[i];
    }
  *numel_out = numel;
  return TRUE;
}

static AtelierTensor *
tensor_alloc (int rank, const int64_t *shape, gboolean zero, GError **error)
{
  int64_t numel;
  if (!shape_is_valid (rank, shape, &numel, error))
    return NULL;

  /* aligned_alloc wants a size that is a multiple of the alignment; unlike
   * g_aligned_alloc it returns NULL instead of aborting, so a huge image gets
   * an error message rather than a crash. */
  gsize bytes = (gsize) MAX (numel, 1) * sizeof (float);
  bytes = (bytes + ATELIER_TENSOR_ALIGNMENT - 1) / ATELIER_TENSOR_ALIGNMENT * ATELIER_TENSOR_ALIGNMENT;
  float *data = aligned_alloc (ATELIER_TENSOR_ALIGNMENT, bytes);
  if (data == NULL)
    {
      g_autofree char *s = atelier_shape_to_string (rank, shape);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY,
                   "out of memory allocating a tensor of shape %s (%.1f MiB)", s,
                   bytes / 1048576.0);
      return NULL;
    }
  if (zero)
    memset (data, 0, bytes);

  AtelierTensor *t = g_new0 (AtelierTensor, 1);
  t->rank = rank;
  memcpy (t->shape, shape, sizeof (int64_t) * rank);
  t->data = data;
  t->owns_data = TRUE;
  return t;
}

AtelierTensor *
atelier_tensor_new (int rank, const int64_t *shape, GError **error)
{
  return tensor_alloc (rank, shape, TRUE, error);
}

AtelierTensor *
atelier_tensor_new_uninitialized (int rank, const int64_t *shape, GError **error)
{
  return tensor_alloc (rank, shape, FALSE, error);
}

AtelierTensor *
atelier_tensor_new_4d (int64_t n, int64_t c, int64_t h, int64_t w, GError **error)
{
  const int64_t shape[4] = { n, c, h, w };
  return atelier_tensor_new (4, shape, error);
}

AtelierTensor *
atelier_tensor_new_like (const AtelierTensor *other, GError **error)
{
  return atelier_tensor_new (other->rank, other->shape, error);
}

AtelierTensor *
atelier_tensor_new_view (float *data, int rank, const int64_t *shape)
{
  g_return_val_if_fail (rank >= 1 && rank <= ATELIER_TENSOR_MAX_RANK, NULL);
  AtelierTensor *t = g_new0 (AtelierTensor, 1);
  t->rank = rank;
  memcpy (t->shape, shape, sizeof (int64_t) * rank);
  t->data = data;
  t->owns_data = FALSE;
  return t;
}

AtelierTensor *
atelier_tensor_copy (const AtelierTensor *src, GError **error)
{
  AtelierTensor *t = atelier_tensor_new_uninitialized (src->rank, src->shape, error);
  if (t != NULL)
    memcpy (t->data, src->data, sizeof (float) * atelier_tensor_numel (src));
  return t;
}

AtelierTensor *
atelier_tensor_crop (const AtelierTensor *image, int64_t top, int64_t left, int64_t h, int64_t w, GError **error)
{
  g_return_val_if_fail (image->rank == 4 && image->shape[0] == 1, NULL);
  const int64_t channels = image->shape[1], H = image->shape[2], W = image->shape[3];
  g_return_val_if_fail (top >= 0 && left >= 0 && h >= 0 && w >= 0 && top + h <= H && left + w <= W, NULL);
  AtelierTensor *out = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, channels, h, w }, error);
  for (int64_t c = 0; out != NULL && c < channels; c++)
    for (int64_t y = 0; y < h; y++)
      memcpy (out->data + (c * h + y) * w, image->data + (c * H + top + y) * W + left, sizeof (float) * w);
  return out;
}

/* Where a row or column outside 0..n-1 takes its pixels from. */
typedef int64_t (*SourceIndex) (int64_t i, int64_t n);

static int64_t
nearest_index (int64_t i, int64_t n)
{
  return CLAMP (i, 0, n - 1);
}

/* Reflection about the edge pixels (-1 -> 1, n -> n - 2), repeated as often as a window reaching far past a
 * short side needs: period 2 (n - 1). */
static int64_t
mirrored_index (int64_t i, int64_t n)
{
  if (n == 1)
    return 0;
  const int64_t period = 2 * (n - 1);
  const int64_t j = ((i % period) + period) % period;
  return j < n ? j : period - j;
}

static AtelierTensor *
crop_extended (const AtelierTensor *image, int64_t top, int64_t left, int64_t h, int64_t w, SourceIndex source,
               GError **error)
{
  g_return_val_if_fail (image->rank == 4 && image->shape[0] == 1 && h >= 0 && w >= 0, NULL);
  const int64_t channels = image->shape[1], H = image->shape[2], W = image->shape[3];
  AtelierTensor *out = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, channels, h, w }, error);
  g_autofree int64_t *columns = out != NULL ? g_new (int64_t, MAX (w, 1)) : NULL;
  for (int64_t x = 0; out != NULL && x < w; x++)
    columns[x] = source (left + x, W);
  for (int64_t c = 0; out != NULL && c < channels; c++)
    for (int64_t y = 0; y < h; y++)
      {
        const float *src = image->data + (c * H + source (top + y, H)) * W;
        float *dst = out->data + (c * h + y) * w;
        for (int64_t x = 0; x < w; x++)
          dst[x] = src[columns[x]];
      }
  return out;
}

AtelierTensor *
atelier_tensor_crop_edge_extended (const AtelierTensor *image, int64_t top, int64_t left, int64_t h, int64_t w,
                                   GError **error)
{
  return crop_extended (image, top, left, h, w, nearest_index, error);
}

AtelierTensor *
atelier_tensor_crop_mirrored (const AtelierTensor *image, int64_t top, int64_t left, int64_t h, int64_t w,
                              GError **error)
{
  return crop_extended (image, top, left, h, w, mirrored_index, error);
}

void
atelier_tensor_free (AtelierTensor *tensor)
{
  if (tensor == NULL)
    return;
  if (tensor->owns_data)
    free (tensor->data);
  g_free (tensor);
}

int64_t
atelier_tensor_numel (const AtelierTensor *tensor)
{
  int64_t n = 1;
  for (int i = 0; i < tensor->rank; i++)
    n *= tensor->shape[i];
  return n;
}

gboolean
atelier_tensor_same_shape (const AtelierTensor *a, const AtelierTensor *b)
{
  if (a->rank != b->rank)
    return FALSE;
  for (int i = 0; i < a->rank; i++)
    if (a->shape[i] != b->shape[i])
      return FALSE;
  return TRUE;
}

gboolean
atelier_tensor_reshape (AtelierTensor *tensor, int rank, const int64_t *shape, GError **error)
{
  int64_t numel;
  if (!shape_is_valid (rank, shape, &numel, error))
    return FALSE;
  if (numel != atelier_tensor_numel (tensor))
    {
      g_autofree char *from = atelier_tensor_shape_string (tensor);
      g_autofree char *to = atelier_shape_to_string (rank, shape);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "cannot reshape %s to %s", from, to);
      return FALSE;
    }
  tensor->rank = rank;
  memcpy (tensor->shape, shape, sizeof (int64_t) * rank);
  return TRUE;
}

void
atelier_tensor_fill (AtelierTensor *tensor, float value)
{
  int64_t n = atelier_tensor_numel (tensor);
  for (int64_t i = 0; i < n; i++)
    tensor->data[i] = value;
}

gboolean
atelier_tensor_all_finite (const AtelierTensor *tensor)
{
  int64_t n = atelier_tensor_numel (tensor);
  for (int64_t i = 0; i < n; i++)
    if (!isfinite (tensor->data[i]))
      return FALSE;
  return TRUE;
}

gboolean
atelier_tensor_window_holds_between (const AtelierTensor *plane, int64_t top, int64_t left, int64_t h, int64_t w,
                                     float above, float below)
{
  const int64_t W = plane->shape[3];
  for (int64_t y = top; y < top + h; y++)
    for (int64_t x = left; x < left + w; x++)
      {
        const float v = plane->data[y * W + x];
        if (v > above && v < below)
          return TRUE;
      }
  return FALSE;
}

char *
atelier_shape_to_string (int rank, const int64_t *shape)
{
  GString *s = g_string_new ("(");
  for (int i = 0; i < rank; i++)
    g_string_append_printf (s, i ? ", %" G_GINT64_FORMAT : "%" G_GINT64_FORMAT, shape[i]);
  g_string_append_c (s, ')');
  return g_string_free (s, FALSE);
}

char *
atelier_tensor_shape_string (const AtelierTensor *tensor)
{
  return atelier_shape_to_string (tensor->rank, tensor->shape);
}

gboolean
atelier_tensor_check_shape (const AtelierTensor *tensor, const char *what,
                            int rank, const int64_t *expected, GError **error)
{
  gboolean ok = tensor->rank == rank;
  for (int i = 0; ok && i < rank; i++)
    ok = expected[i] < 0 || expected[i] == tensor->shape[i];
  if (!ok)
    {
      g_autofree char *have = atelier_tensor_shape_string (tensor);
      g_autofree char *want = atelier_shape_to_string (rank, expected);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "%s has shape %s, expected %s (-1 = any)", what, have, want);
    }
  return ok;
}
