/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The exact Euclidean distance transform of a binary plane (Felzenszwalb and
 * Huttenlocher 2012, "Distance Transforms of Sampled Functions"): two passes
 * of a 1-D lower envelope of parabolas, O(N) whatever the distances. */

#include "core/atelier-context.h"

G_BEGIN_DECLS

/* Squared distance from every pixel to the nearest pixel whose @features
 * byte is non-zero (0 on such a pixel); G_MAXFLOAT everywhere when there is
 * none. @features and @squared_distances are h x w planes. */
gboolean atelier_distance_transform_squared (AtelierContext *ctx, const guint8 *features, gint64 h, gint64 w,
                                             float *squared_distances, GError **error);

G_END_DECLS
