/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The part of a drawable that a filter's dialog preview is rendered from. */

#include <libgimp/gimp.h>

#include "atelier.h"

/* Reads the region (and the selection over it, when the image has one) that
 * @info's preview asks for; both NULL when the filter has no preview. FALSE
 * with @error when there is nothing to preview (no selection for a filter that
 * needs one) or the pixels cannot be read. */
gboolean atelier_preview_source_read (const AtelierFilterInfo *info, gint32 image, gint32 drawable,
                                      AtelierTensor **region, AtelierTensor **selection, GError **error);
