/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The shape of a binary subject mask (an h x w plane of bytes, non-zero =
 * subject): its enclosed holes, growing or shrinking it by a distance, and
 * the distance of every pixel to its contour. */

#include "core/atelier-context.h"

G_BEGIN_DECLS

/* Sets every background pixel that no 4-connected path of background pixels
 * joins to the image's border (a hole enclosed by the subject) to 1. Returns
 * how many pixels it filled. */
gint64 atelier_matte_fill_holes (guint8 *mask, gint64 h, gint64 w);

/* Grows the subject by @pixels (> 0: every pixel within that Euclidean
 * distance of a subject pixel joins it) or shrinks it (< 0: every subject
 * pixel within -@pixels of a background pixel leaves it). */
gboolean atelier_matte_grow (AtelierContext *ctx, guint8 *mask, gint64 h, gint64 w, double pixels, GError **error);

/* The signed distance (h x w floats) of every pixel to the contour between
 * subject and background: half a pixel plus the distance to the nearest pixel
 * of the other side, positive inside the subject, negative outside. With only
 * one side present every pixel is G_MAXFLOAT away, with its sign. */
gboolean atelier_matte_contour_distance (AtelierContext *ctx, const guint8 *mask, gint64 h, gint64 w,
                                         float *signed_distance, GError **error);

typedef struct
{
  gint64 top, left, height, width;
} AtelierMatteBox;

/* The smallest box holding every pixel that has a 4-neighbour on the other side of the contour, grown by @reach
 * pixels and clipped to the image. FALSE when the mask has one side only. Every pixel less than @reach - 2 from
 * the contour lies inside it, and so does its nearest pixel of the other side: the contour distance computed on
 * the box alone is exact there. */
gboolean atelier_matte_contour_box (const guint8 *mask, gint64 h, gint64 w, gint64 reach, AtelierMatteBox *box);

G_END_DECLS
