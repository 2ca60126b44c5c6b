/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"
#include "filters/atelier-filter.h"

G_BEGIN_DECLS

extern const AtelierFilterInfo atelier_filter_inpaint;

/* Fills the selection of @image (1, C, H, W), C = 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA, values 0..1, with
 * the latent diffusion model; @selection (1, 1, H, W) 0..1. Returns the whole image with the same channels;
 * alpha is kept, pixels outside the selection are unchanged. */
AtelierTensor *atelier_filter_inpaint_run (AtelierContext *ctx, const AtelierFilterValues *values,
                                           const AtelierTensor *image, const AtelierTensor *selection,
                                           GError **error);

G_END_DECLS
