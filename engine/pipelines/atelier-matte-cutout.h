/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The whole of Select Subject's edges in one call, for `atelier cutout` and
 * the filter: the refined matte and the subject's own colours under it, as
 * one RGBA image (straight, not premultiplied, alpha). */

#include "pipelines/atelier-foreground-estimate.h"
#include "pipelines/atelier-matte-refine.h"

G_BEGIN_DECLS

/* image (1, 3, H, W) in 0..1, coarse (1, 1, H, W) subject probability ->
 * (1, 4, H, W): the foreground estimate's colours and the refined alpha.
 * Progress is the matte's (the colours take a fraction of its time). */
AtelierTensor *atelier_matte_cutout (AtelierContext *ctx, const AtelierTensor *image, const AtelierTensor *coarse,
                                     const AtelierMatteOptions *matte, const AtelierForegroundOptions *foreground,
                                     GError **error);

G_END_DECLS
