/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-matte-shape.h"

#include "core/atelier-error.h"
#include "ops/distance-transform.h"

#include <math.h>

/* A run of pixels to visit: one seed per run keeps the stack to the number
 * of runs on the frontier, not the number of pixels (a 12-megapixel
 * background would otherwise need a 96 MB stack). */
typedef struct
{
  gint64 x, y;
} Seed;

enum
{
  SUBJECT = 1,
  REACHED = 2, /* background joined to the border */
};

static void
push_runs (GArray *stack, const guint8 *mask, gint64 w, gint64 y, gint64 left, gint64 right)
{
  gboolean in_run = FALSE;
  for (gint64 x = left; x <= right; x++)
    {
      const gboolean open = mask[y * w + x] == 0;
      if (open && !in_run)
        g_array_append_val (stack, ((Seed) { x, y }));
      in_run = open;
    }
}

/* Marks REACHED every background pixel 4-connected to (x, y), a scanline
 * flood fill. */
static void
reach_from (guint8 *mask, gint64 h, gint64 w, gint64 x0, gint64 y0, GArray *stack)
{
  if (mask[y0 * w + x0] != 0)
    return;
  g_array_append_val (stack, ((Seed) { x0, y0 }));
  while (stack->len > 0)
    {
      const Seed seed = g_array_index (stack, Seed, stack->len - 1);
      g_array_set_size (stack, stack->len - 1);
      guint8 *row = mask + seed.y * w;
      if (row[seed.x] != 0)
        continue;
      gint64 left = seed.x, right = seed.x;
      while (left > 0 && row[left - 1] == 0)
        left--;
      while (right < w - 1 && row[right + 1] == 0)
        right++;
      for (gint64 x = left; x <= right; x++)
        row[x] = REACHED;
      if (seed.y > 0)
        push_runs (stack, mask, w, seed.y - 1, left, right);
      if (seed.y < h - 1)
        push_runs (stack, mask, w, seed.y + 1, left, right);
    }
}

gint64
atelier_matte_fill_holes (guint8 *mask, gint64 h, gint64 w)
{
  for (gint64 i = 0; i < h * w; i++)
    mask[i] = mask[i] ? SUBJECT : 0;
  g_autoptr (GArray) stack = g_array_new (FALSE, FALSE, sizeof (Seed));
  for (gint64 x = 0; x < w; x++)
    {
      reach_from (mask, h, w, x, 0, stack);
      reach_from (mask, h, w, x, h - 1, stack);
    }
  for (gint64 y = 0; y < h; y++)
    {
      reach_from (mask, h, w, 0, y, stack);
      reach_from (mask, h, w, w - 1, y, stack);
    }
  gint64 filled = 0;
  for (gint64 i = 0; i < h * w; i++)
    {
      filled += mask[i] == 0;
      mask[i] = mask[i] != REACHED;
    }
  return filled;
}

/* Squared distance of every pixel to the nearest subject pixel
 * (@to_subject) or the nearest background pixel. */
static gboolean
squared_distance_to (AtelierContext *ctx, const guint8 *mask, gint64 h, gint64 w, gboolean to_subject, float *out,
                     GError **error)
{
  g_autofree guint8 *features = g_try_new (guint8, h * w);
  if (features == NULL)
    {
      g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for a %" G_GINT64_FORMAT
                   " x %" G_GINT64_FORMAT " distance transform", w, h);
      return FALSE;
    }
  for (gint64 i = 0; i < h * w; i++)
    features[i] = (mask[i] != 0) == to_subject;
  return atelier_distance_transform_squared (ctx, features, h, w, out, error);
}

static float *
new_plane (gint64 h, gint64 w, GError **error)
{
  float *plane = g_try_new (float, h * w);
  if (plane == NULL)
    g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_OUT_OF_MEMORY, "out of memory for a %" G_GINT64_FORMAT
                 " x %" G_GINT64_FORMAT " distance plane", w, h);
  return plane;
}

gboolean
atelier_matte_grow (AtelierContext *ctx, guint8 *mask, gint64 h, gint64 w, double pixels, GError **error)
{
  if (pixels == 0.0)
    return TRUE;
  /* Growing measures from the subject, shrinking from the background. */
  const gboolean grow = pixels > 0.0;
  g_autofree float *distance = new_plane (h, w, error);
  if (distance == NULL || !squared_distance_to (ctx, mask, h, w, grow, distance, error))
    return FALSE;
  const double reach = pixels * pixels;
  for (gint64 i = 0; i < h * w; i++)
    if (distance[i] <= reach)
      mask[i] = grow;
  return TRUE;
}

gboolean
atelier_matte_contour_distance (AtelierContext *ctx, const guint8 *mask, gint64 h, gint64 w, float *signed_distance,
                                GError **error)
{
  g_autofree float *to_background = new_plane (h, w, error);
  if (to_background == NULL || !squared_distance_to (ctx, mask, h, w, TRUE, signed_distance, error)
      || !squared_distance_to (ctx, mask, h, w, FALSE, to_background, error))
    return FALSE;
  for (gint64 i = 0; i < h * w; i++)
    {
      const float squared = mask[i] ? to_background[i] : signed_distance[i];
      const float distance = squared == G_MAXFLOAT ? G_MAXFLOAT : sqrtf (squared) - 0.5f;
      signed_distance[i] = mask[i] ? distance : -distance;
    }
  return TRUE;
}

gboolean
atelier_matte_contour_box (const guint8 *mask, gint64 h, gint64 w, gint64 reach, AtelierMatteBox *box)
{
  gint64 top = h, left = w, bottom = -1, right = -1;
  for (gint64 y = 0; y < h; y++)
    {
      const guint8 *row = mask + y * w, *below = y + 1 < h ? row + w : NULL;
      for (gint64 x = 0; x < w; x++)
        {
          const gboolean side = row[x] != 0;
          const gboolean across = x + 1 < w && (row[x + 1] != 0) != side;
          const gboolean down = below != NULL && (below[x] != 0) != side;
          if (!across && !down)
            continue;
          /* Both pixels of the pair are on the contour. */
          top = MIN (top, y), left = MIN (left, x);
          bottom = MAX (bottom, down ? y + 1 : y), right = MAX (right, across ? x + 1 : x);
        }
    }
  if (bottom < 0)
    return FALSE;
  box->top = MAX (0, top - reach);
  box->left = MAX (0, left - reach);
  box->height = MIN (h - 1, bottom + reach) - box->top + 1;
  box->width = MIN (w - 1, right + reach) - box->left + 1;
  return TRUE;
}
