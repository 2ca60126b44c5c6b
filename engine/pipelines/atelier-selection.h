/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The geometry of a selection mask (1, 1, H, W), values 0..1: where it is and
 * how much surrounding context a generative fill looks at. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* A pixel counts as selected above half an 8-bit step, so that a selection
 * read back from 8-bit storage never selects its "zero" pixels. */
#define ATELIER_SELECTED_THRESHOLD (0.5f / 255.0f)

/* The bounding box (top, left, height, width) of the selected pixels; returns
 * how many pixels are selected (0: @box is untouched). */
int64_t atelier_selection_bounds (const AtelierTensor *selection, int64_t box[4]);

/* Whether every pixel is fully selected (1): nothing of the image is left to keep or to match. */
gboolean atelier_selection_covers_everything (const AtelierTensor *selection);

/* The selected pixels' box grown by @context pixels on every side (< 0: by the
 * box's longer side, at least 32) and clipped to the image. Refuses an empty
 * selection and one that covers the whole image, which leaves nothing to match. */
gboolean atelier_selection_context_box (const AtelierTensor *selection, int context, int64_t box[4], GError **error);

G_END_DECLS
