/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The colour guided filter (He, Sun and Tang 2013, "Guided Image Filtering",
 * Alg. 1 with a 3x3 covariance per window): the output is locally an affine
 * function of the guide's colour fitted to the input, so a mask filtered with
 * the photograph as its guide snaps to the photograph's edges. Box filters
 * make it O(N) whatever the radius; it runs in strips of rows so its working
 * memory stays within the context's memory budget at any image size. */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* guide (1, 3, H, W), input (1, 1, H, W) -> (1, 1, H, W). Windows are
 * (2 radius + 1)^2, clipped at the image's edges; @eps regularises the fit
 * (in squared guide units: 1e-4 is a colour step of 0.01). @weight (1, 1, H,
 * W), > 0, or NULL for all ones, weighs each pixel in its windows' fits
 * (weighted least squares): pixels whose input is uncertain, given a small
 * weight, take the value that the confident pixels' colours predict; the
 * windows' coefficients are then averaged weighted by the variance of their
 * trusted input (plus a floor), so the windows that see both sides of an
 * edge decide it. */
AtelierTensor *atelier_guided_filter (AtelierContext *ctx, const AtelierTensor *guide, const AtelierTensor *input,
                                      const AtelierTensor *weight, int radius, float eps, GError **error);

G_END_DECLS
