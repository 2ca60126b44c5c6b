/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What a marketplace checks of a finished product image: the share of its
 * border that is exactly white (RGB 255, opaque), how much of the frame the
 * product fills (the bounding box of everything not white), the long side and
 * the aspect. Read by `atelier check-listing` and by a batch's JSON lines. */

#include "atelier.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct
{
  gint64 width, height;
  double white_border; /* 0..1 of the outermost ring of pixels */
  double fill;         /* the box's larger share of the frame's width or height, 0..1 */
  gint64 box[4];       /* x, y, width, height of what is not white; all 0 when everything is */
} AtelierListingFigures;

/* @pixels (1, C, H, W), C = 1..4 (the last of 2 or 4 is alpha); @tolerance (0..1): how far below white a
 * colour still counts as background when finding the product (the border counts exact white only). */
AtelierListingFigures atelier_listing_measure (const AtelierTensor *pixels, float tolerance);

/* The figures as members (width, height, long_side, aspect, white_border, fill, product_box) of the object
 * @b is building. */
void atelier_listing_figures_add_json (JsonBuilder *b, const AtelierListingFigures *f);

G_END_DECLS
