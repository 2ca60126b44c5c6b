/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The mean over a square window of one float plane in O(1) per pixel
 * (running sums), whatever the radius: the building block of the guided
 * filter (He et al. 2013, "Guided Image Filtering", Alg. 1) and of feathering.
 * A plane-level kernel rather than a tensor op, because its callers run it on
 * strips of a larger image, one strip per worker. */

#include <glib.h>

G_BEGIN_DECLS

/* dst[y][x] = mean of src over the window [y - radius_y, y + radius_y] x
 * [x - radius_x, x + radius_x] clipped to the h x w plane (the divisor is the
 * clipped window's pixel count, as He et al.'s N = boxfilter(ones)).
 * @column_sums: scratch of @w doubles. @dst must not alias @src. */
void atelier_box_mean_plane (const float *src, float *dst, gint64 h, gint64 w, int radius_y, int radius_x,
                             double *column_sums);

G_END_DECLS
