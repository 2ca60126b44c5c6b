/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* Replaces the colour of fully transparent pixels with the alpha-weighted
 * colour of their surroundings (push-pull over a 2x2 box pyramid), so that a
 * network or a filter reading the colour planes never sees the arbitrary
 * colour that invisible pixels happen to store. Visible pixels, partly
 * transparent ones included, keep their colour; a filled pixel's colour
 * depends only on visible pixels.
 * colour (1, C, H, W), alpha (1, 1, H, W) in 0..1 -> new (1, C, H, W). */
AtelierTensor *atelier_alpha_fill (AtelierContext *ctx, const AtelierTensor *colour, const AtelierTensor *alpha,
                                   GError **error);

G_END_DECLS
