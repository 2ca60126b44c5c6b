/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What each filter does to a GIMP image once its parameters are known. An
 * action computes everything first and touches the image only when that
 * succeeded, inside one undo group. */

#include <libgimp/gimp.h>

#include "atelier.h"

/* @results: one entry per result of the filter's description, typed
 * already; the action fills in the data (strings must be static). */
typedef gboolean (*AtelierPluginAction) (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode,
                                         gint32 image, gint32 drawable, GimpParam *results, GError **error);

gboolean atelier_action_upscale (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode,
                                 gint32 image, gint32 drawable, GimpParam *results, GError **error);
gboolean atelier_action_detect (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode,
                                gint32 image, gint32 drawable, GimpParam *results, GError **error);
gboolean atelier_action_inpaint (AtelierContext *ctx, const AtelierFilterValues *values, GimpRunMode mode,
                                 gint32 image, gint32 drawable, GimpParam *results, GError **error);
