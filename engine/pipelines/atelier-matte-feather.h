/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Feathering a matte: a blur by two box filters whose radii add up to
 * @pixels (a tent, or a trapezoid for odd widths), so a hard edge becomes a
 * smooth ramp exactly 2 @pixels wide, as GIMP's Feather widens a selection's
 * edge, in O(N) whatever the width. */

#include <glib.h>

G_BEGIN_DECLS

/* @alpha is an h x w plane, blurred in place; @pixels <= 0 leaves it as it is. */
gboolean atelier_matte_feather (float *alpha, gint64 h, gint64 w, int pixels, GError **error);

G_END_DECLS
