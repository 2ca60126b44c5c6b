/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Drawable pixels <-> engine tensors through GEGL buffers, in float formats
 * with the image's own (perceptual) encoding, so 8-, 16- and 32-bit images
 * keep their precision. */

#include <libgimp/gimp.h>

#include "atelier.h"

/* (1, C, h, w): C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
AtelierTensor *atelier_drawable_read (gint32 drawable, GError **error);
/* @area (top, left, h, w) of the drawable read at @scale (<= 1): (1, C, h * scale, w * scale), rounded. */
AtelierTensor *atelier_drawable_read_area (gint32 drawable, const gint64 area[4], double scale, GError **error);
/* The image's selection over the drawable's pixels (1, 1, h, w), 0..1; nothing is selected off the canvas. */
AtelierTensor *atelier_selection_read (gint32 image, gint32 drawable, GError **error);
/* The same over @area of the drawable, at @scale. */
AtelierTensor *atelier_selection_read_area (gint32 image, gint32 drawable, const gint64 area[4], double scale,
                                            GError **error);
/* Writes @pixels (same channel count as the drawable, its size) into @drawable. */
gboolean atelier_drawable_write (gint32 drawable, const AtelierTensor *pixels, GError **error);
