/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"
#include "filters/atelier-filter.h"

G_BEGIN_DECLS

extern const AtelierFilterInfo atelier_filter_upscale;

/* Runs the upscale filter: image (1, C, H, W), C = 1..4, values 0..1. */
AtelierTensor *atelier_filter_upscale_run (AtelierContext *ctx, const AtelierFilterValues *values,
                                           const AtelierTensor *image, GError **error);

G_END_DECLS
