/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "filters/atelier-filter.h"
#include "pipelines/atelier-detect.h"

G_BEGIN_DECLS

extern const AtelierFilterInfo atelier_filter_detect;

/* Runs the detector on @image (1, C, H, W), C = 1..4, values 0..1.
 * @source_is_jpeg decides the "auto" JPEG-grid setting: the front end knows
 * the file the pixels came from. */
AtelierDetection *atelier_filter_detect_run (AtelierContext *ctx, const AtelierFilterValues *values,
                                             const AtelierTensor *image, gboolean source_is_jpeg, GError **error);

G_END_DECLS
