/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Drawable pixels <-> engine tensors through GEGL buffers, in float formats
 * with the image's own (perceptual) encoding, so 8-, 16- and 32-bit images
 * keep their precision. */

#include <libgimp/gimp.h>

#include "atelier.h"

/* (1, C, h, w): C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
AtelierTensor *atelier_drawable_read (gint32 drawable, GError **error);
/* Writes @pixels (same channel count as the drawable, its size) into @drawable. */
gboolean atelier_drawable_write (gint32 drawable, const AtelierTensor *pixels, GError **error);
