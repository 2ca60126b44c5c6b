/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What each filter does to a GIMP image once its parameters are known. An
 * action computes everything first and touches the image only when that
 * succeeded, inside one undo group. */

#include <libgimp/gimp.h>

#include "atelier.h"

typedef gboolean (*AtelierPluginAction) (AtelierContext *ctx, const AtelierFilterValues *values, gint32 image,
                                         gint32 drawable, GError **error);

gboolean atelier_action_upscale (AtelierContext *ctx, const AtelierFilterValues *values, gint32 image,
                                 gint32 drawable, GError **error);
