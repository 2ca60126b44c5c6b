/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "atelier-ops.h"

#include "core/atelier-error.h"

#include <string.h>

typedef enum
{
  BINARY_ADD,
  BINARY_MUL,
} BinaryOp;

/* Both operands padded on the left to rank 4, with stride 0 along broadcast
 * dimensions. */
typedef struct
{
  int64_t shape[4];
  int64_t a_stride[4], b_stride[4];
  gboolean same_shape; /* no broadcasting at all: one flat loop will do */
} Broadcast;

static void
padded_shape (const AtelierTensor *t, int64_t out[4])
{
  for (int i = 0; i < 4; i++)
    out[i] = 1;
  for (int i = 0; i < t->rank; i++)
    out[4 - t->rank + i] = t->shape[i];
}

static void
strides_of (const int64_t shape[4], const int64_t full[4], int64_t stride[4])
{
  int64_t s = 1;
  for (int i = 3; i >= 0; i--)
    {
      stride[i] = shape[i] == 1 && full[i] != 1 ? 0 : s;
      s *= shape[i];
    }
}

static gboolean
broadcast_init (Broadcast *bc, const AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  int64_t sa[4], sb[4];
  padded_shape (a, sa);
  padded_shape (b, sb);
  for (int i = 0; i < 4; i++)
    {
      if (sa[i] != sb[i] && sa[i] != 1 && sb[i] != 1)
        {
          g_autofree char *x = atelier_tensor_shape_string (a);
          g_autofree char *y = atelier_tensor_shape_string (b);
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                       "shapes %s and %s do not broadcast", x, y);
          return FALSE;
        }
      bc->shape[i] = MAX (sa[i], sb[i]);
    }
  strides_of (sa, bc->shape, bc->a_stride);
  strides_of (sb, bc->shape, bc->b_stride);
  bc->same_shape = memcmp (sa, sb, sizeof sa) == 0;
  return TRUE;
}

static inline float
apply (BinaryOp op, float x, float y)
{
  return op == BINARY_ADD ? x + y : x * y;
}

static void
broadcast_run (BinaryOp op, const Broadcast *bc, const float *a, const float *b, float *out)
{
  if (bc->same_shape)
    {
      /* Same shapes (residual connections): one flat loop the compiler
       * vectorises, instead of the strided walk. */
      const gint64 n = bc->shape[0] * bc->shape[1] * bc->shape[2] * bc->shape[3];
      if (op == BINARY_ADD)
        for (gint64 i = 0; i < n; i++)
          out[i] = a[i] + b[i];
      else
        for (gint64 i = 0; i < n; i++)
          out[i] = a[i] * b[i];
      return;
    }
  gint64 o = 0;
  for (int64_t i0 = 0; i0 < bc->shape[0]; i0++)
    for (int64_t i1 = 0; i1 < bc->shape[1]; i1++)
      for (int64_t i2 = 0; i2 < bc->shape[2]; i2++)
        {
          const float *ra = a + i0 * bc->a_stride[0] + i1 * bc->a_stride[1] + i2 * bc->a_stride[2];
          const float *rb = b + i0 * bc->b_stride[0] + i1 * bc->b_stride[1] + i2 * bc->b_stride[2];
          const int64_t sa = bc->a_stride[3], sb = bc->b_stride[3];
          for (int64_t i3 = 0; i3 < bc->shape[3]; i3++)
            out[o++] = apply (op, ra[i3 * sa], rb[i3 * sb]);
        }
}

static AtelierTensor *
binary_new (BinaryOp op, const AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  Broadcast bc;
  if (!broadcast_init (&bc, a, b, error))
    return NULL;
  const int rank = MAX (a->rank, b->rank);
  AtelierTensor *out = atelier_tensor_new (rank, bc.shape + 4 - rank, error);
  if (out != NULL)
    broadcast_run (op, &bc, a->data, b->data, out->data);
  return out;
}

static gboolean
binary_inplace (BinaryOp op, AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  Broadcast bc;
  if (!broadcast_init (&bc, a, b, error))
    return FALSE;
  int64_t sa[4];
  padded_shape (a, sa);
  if (b->rank > a->rank || memcmp (sa, bc.shape, sizeof sa) != 0)
    {
      g_autofree char *x = atelier_tensor_shape_string (a);
      g_autofree char *y = atelier_tensor_shape_string (b);
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                   "%s does not broadcast to %s in place", y, x);
      return FALSE;
    }
  /* Each output element depends only on the element of a at the same index,
   * so writing into a while reading it is safe. */
  broadcast_run (op, &bc, a->data, b->data, a->data);
  return TRUE;
}

AtelierTensor *
atelier_add (AtelierContext *ctx, const AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  (void) ctx;
  return binary_new (BINARY_ADD, a, b, error);
}

AtelierTensor *
atelier_mul (AtelierContext *ctx, const AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  (void) ctx;
  return binary_new (BINARY_MUL, a, b, error);
}

gboolean
atelier_add_inplace (AtelierContext *ctx, AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  (void) ctx;
  return binary_inplace (BINARY_ADD, a, b, error);
}

gboolean
atelier_mul_inplace (AtelierContext *ctx, AtelierTensor *a, const AtelierTensor *b, GError **error)
{
  (void) ctx;
  return binary_inplace (BINARY_MUL, a, b, error);
}

void
atelier_scale_inplace (AtelierTensor *x, float scale, float shift)
{
  const gint64 n = atelier_tensor_numel (x);
  for (gint64 i = 0; i < n; i++)
    x->data[i] = x->data[i] * scale + shift;
}

AtelierTensor *
atelier_concat (AtelierContext *ctx, const AtelierTensor *const *tensors, int count, int axis, GError **error)
{
  (void) ctx;
  if (count < 1 || axis < 0 || axis >= tensors[0]->rank)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "concat of %d tensors along axis %d", count, axis);
      return NULL;
    }
  const AtelierTensor *first = tensors[0];
  int64_t shape[ATELIER_TENSOR_MAX_RANK];
  memcpy (shape, first->shape, sizeof (int64_t) * first->rank);
  shape[axis] = 0;
  for (int t = 0; t < count; t++)
    {
      gboolean ok = tensors[t]->rank == first->rank;
      for (int i = 0; ok && i < first->rank; i++)
        ok = i == axis || tensors[t]->shape[i] == first->shape[i];
      if (!ok)
        {
          g_autofree char *x = atelier_tensor_shape_string (first);
          g_autofree char *y = atelier_tensor_shape_string (tensors[t]);
          g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_SHAPE_MISMATCH,
                       "cannot concatenate %s and %s along axis %d", x, y, axis);
          return NULL;
        }
      shape[axis] += tensors[t]->shape[axis];
    }
  AtelierTensor *out = atelier_tensor_new_uninitialized (first->rank, shape, error);
  if (out == NULL)
    return NULL;
  gint64 outer = 1, inner = 1;
  for (int i = 0; i < axis; i++)
    outer *= shape[i];
  for (int i = axis + 1; i < first->rank; i++)
    inner *= shape[i];
  float *dst = out->data;
  for (gint64 o = 0; o < outer; o++)
    for (int t = 0; t < count; t++)
      {
        gint64 block = tensors[t]->shape[axis] * inner;
        memcpy (dst, tensors[t]->data + o * block, sizeof (float) * block);
        dst += block;
      }
  return out;
}
