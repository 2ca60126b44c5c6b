/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What any filter does to a GIMP image, by its description's output kind:
 * REPLACE writes the result into the layer (enlarging the image first when the
 * result is larger), NEW_LAYER adds a layer above the source, SELECTION
 * replaces the selection, REPORT changes nothing, LAYERS adds its pictures;
 * pictures become layers above the source (with their masks, shown or hidden)
 * or images of their own. The source is hidden when the output asks, and the
 * output's settings are stored as a parasite on the layers added (or on the
 * image). Everything is computed first and the image touched only when that
 * succeeded, inside one undo group. */

#include <libgimp/gimp.h>

#include "atelier.h"

/* The parasite that holds a run's settings (AtelierFilterOutput's settings, JSON). */
#define ATELIER_SETTINGS_PARASITE "atelier-settings"

/* @results: one entry per PDB return value (atelier_pdb_results_new), typed already; filled in here, strings
 * in storage that outlives the call. */
gboolean atelier_plugin_action_run (AtelierFilter *filter, AtelierContext *ctx, const AtelierFilterValues *values,
                                    GimpRunMode mode, gint32 image, gint32 drawable, GimpParam *results,
                                    GError **error);
