/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-canvas.h"

#include "core/atelier-error.h"
#include "pipelines/atelier-alpha-fill.h"

#include <math.h>
#include <string.h>

/* A matte value above half an 8-bit step belongs to the subject's box: what 8-bit storage shows as not clear. */
#define VISIBLE (0.5f / 255.0f)

/* The subject's box (top, left, height, width); FALSE when the matte is empty. */
static gboolean
subject_box (const AtelierTensor *alpha, gint64 box[4])
{
  const gint64 h = alpha->shape[2], w = alpha->shape[3];
  gint64 top = h, bottom = -1, left = w, right = -1;
  for (gint64 y = 0; y < h; y++)
    for (gint64 x = 0; x < w; x++)
      if (alpha->data[y * w + x] > VISIBLE)
        {
          top = MIN (top, y);
          bottom = y;
          left = MIN (left, x);
          right = MAX (right, x);
        }
  if (bottom < 0)
    return FALSE;
  box[0] = top;
  box[1] = left;
  box[2] = bottom - top + 1;
  box[3] = right - left + 1;
  return TRUE;
}

/* Width over height of the canvas; the photograph's own for KEEP. */
static double
aspect (const AtelierCanvasOptions *options, gint64 h, gint64 w)
{
  switch (options->shape)
    {
    case ATELIER_CANVAS_SQUARE:
      return 1.0;
    case ATELIER_CANVAS_4_5:
      return 0.8;
    case ATELIER_CANVAS_SIZE:
      return (double) options->width / (double) options->height;
    case ATELIER_CANVAS_KEEP:
    default:
      return (double) w / (double) h;
    }
}

/* The offset, along one side of @canvas pixels, of a photograph of @side pixels whose subject spans @extent pixels
 * from @start: centred, or at the same share of the side as before; clamped so that the subject stays whole. */
static gint64
offset (gint64 canvas, gint64 side, gint64 start, gint64 extent, gboolean centre)
{
  const gint64 subject_at = centre ? (canvas - extent) / 2
                                   : (gint64) floor ((double) start / MAX (side - extent, 1) * (canvas - extent));
  return CLAMP (subject_at, 0, canvas - extent) - start;
}

gboolean
atelier_canvas_plan (const AtelierCanvasOptions *options, const AtelierTensor *alpha, AtelierCanvasPlan *plan,
                     GError **error)
{
  const gint64 h = alpha->shape[2], w = alpha->shape[3];
  gint64 box[4];
  if (!subject_box (alpha, box))
    {
      g_set_error_literal (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "canvas: there is no subject to frame");
      return FALSE;
    }
  const double ratio = aspect (options, h, w);
  double height;
  if (options->shape == ATELIER_CANVAS_SIZE)
    height = (double) options->height;
  else if (options->fill > 0.0f)
    height = MAX (box[2] / options->fill, box[3] / (options->fill * ratio));
  else
    height = MAX ((double) h, w / ratio); /* the whole photograph, widened or heightened to the aspect */
  double width = height * ratio;
  if (options->shape != ATELIER_CANVAS_SIZE && options->min_long_side > 0 && MAX (width, height) < options->min_long_side)
    {
      const double grow = options->min_long_side / MAX (width, height);
      width *= grow;
      height *= grow;
    }
  plan->height = options->shape == ATELIER_CANVAS_SIZE ? options->height : (gint64) ceil (height - 1e-9);
  plan->width = options->shape == ATELIER_CANVAS_SIZE ? options->width : (gint64) ceil (width - 1e-9);
  if (box[2] > plan->height || box[3] > plan->width)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT,
                   "canvas: the subject (%" G_GINT64_FORMAT " x %" G_GINT64_FORMAT " pixels) does not fit a canvas of %"
                   G_GINT64_FORMAT " x %" G_GINT64_FORMAT " and is never scaled; choose a larger canvas",
                   box[3], box[2], plan->width, plan->height);
      return FALSE;
    }
  plan->top = offset (plan->height, h, box[0], box[2], options->centre);
  plan->left = offset (plan->width, w, box[1], box[3], options->centre);
  return TRUE;
}

gboolean
atelier_canvas_is_identity (const AtelierCanvasPlan *plan, const AtelierTensor *photo)
{
  return plan->top == 0 && plan->left == 0 && plan->height == photo->shape[2] && plan->width == photo->shape[3];
}

AtelierTensor *
atelier_canvas_place (const AtelierTensor *planes, const AtelierCanvasPlan *plan, float outside, GError **error)
{
  const gint64 channels = planes->shape[1], h = planes->shape[2], w = planes->shape[3];
  g_autoptr (AtelierTensor) out
    = atelier_tensor_new_uninitialized (4, (const int64_t[]) { 1, channels, plan->height, plan->width }, error);
  if (out == NULL)
    return NULL;
  atelier_tensor_fill (out, outside);
  const gint64 y0 = MAX (0, plan->top), y1 = MIN (plan->height, plan->top + h);
  const gint64 x0 = MAX (0, plan->left), x1 = MIN (plan->width, plan->left + w);
  for (gint64 c = 0; c < channels; c++)
    for (gint64 y = y0; y < y1; y++)
      memcpy (out->data + (c * plan->height + y) * plan->width + x0,
              planes->data + (c * h + y - plan->top) * w + x0 - plan->left, sizeof (float) * MAX (x1 - x0, 0));
  return g_steal_pointer (&out);
}

AtelierTensor *
atelier_canvas_place_extended (AtelierContext *ctx, const AtelierTensor *planes, const AtelierCanvasPlan *plan,
                               GError **error)
{
  g_autoptr (AtelierTensor) placed = atelier_canvas_place (planes, plan, 0.0f, error);
  g_autoptr (AtelierTensor) coverage = placed ? atelier_tensor_new_4d (1, 1, plan->height, plan->width, error) : NULL;
  if (coverage == NULL)
    return NULL;
  const gint64 y0 = MAX (0, plan->top), y1 = MIN (plan->height, plan->top + planes->shape[2]);
  const gint64 x0 = MAX (0, plan->left), x1 = MIN (plan->width, plan->left + planes->shape[3]);
  for (gint64 y = y0; y < y1; y++)
    for (gint64 x = x0; x < x1; x++)
      coverage->data[y * plan->width + x] = 1.0f;
  return atelier_alpha_fill (ctx, placed, coverage, error);
}

double
atelier_canvas_fill (const AtelierTensor *alpha)
{
  gint64 box[4];
  if (!subject_box (alpha, box))
    return 0.0;
  return MAX ((double) box[2] / alpha->shape[2], (double) box[3] / alpha->shape[3]);
}
