/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Images as planes (1, C, H, W), values 0..1: C = 1 grey, 2 grey + alpha,
 * 3 RGB, 4 RGBA, alpha (straight, not premultiplied) always last. Every
 * filter and pipeline splits, joins and converts images through these, so
 * the channel conventions live in one place. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

static inline gboolean atelier_planes_have_alpha (int channels) { return channels == 2 || channels == 4; }
/* 1 (grey) or 3 (RGB). */
static inline int atelier_planes_colours (int channels) { return channels >= 3 ? 3 : 1; }

/* FALSE with @error unless @image is (1, C, H, W) with C = 1..4. */
gboolean atelier_planes_check (const AtelierTensor *image, const char *what, GError **error);
/* The colour planes alone (1, 1 or 3, H, W), a copy. */
AtelierTensor *atelier_planes_colour (const AtelierTensor *image, GError **error);
/* A view (no copy) of the alpha plane (1, 1, H, W); NULL when @image has none. Free it with atelier_tensor_free. */
AtelierTensor *atelier_planes_alpha_view (const AtelierTensor *image);
/* @colour (1, 1 or 3, H, W) with @alpha (1, 1, H, W) appended as its last plane; @alpha NULL: a copy of @colour. */
AtelierTensor *atelier_planes_join (const AtelierTensor *colour, const AtelierTensor *alpha, GError **error);
/* The colour as three planes (1, 3, H, W): grey repeated, alpha left out. */
AtelierTensor *atelier_planes_rgb (const AtelierTensor *image, GError **error);
/* @rgb (1, 3, H, W) as @colours planes: 3 a copy, 1 the mean of red, green and blue (how the engine turns an
 * RGB result back into a grey layer). */
AtelierTensor *atelier_planes_from_rgb (const AtelierTensor *rgb, int colours, GError **error);
/* Multiplies each colour plane of @colour by @alpha (1, 1, H, W), in place. */
void atelier_planes_premultiply (AtelierTensor *colour, const AtelierTensor *alpha);
/* @layer (colour + alpha, grey or RGB) composited over @below (any of the four layouts) with straight alpha, as
 * GIMP shows a normal-mode layer above another: the result has @below's layout. Where the layer is transparent
 * the result is @below's pixel exactly, where it is opaque the layer's. */
AtelierTensor *atelier_planes_over (const AtelierTensor *layer, const AtelierTensor *below, GError **error);
/* The same into @below itself, @layer (any layout; no alpha: opaque) seen through @mask (1, 1, H, W; NULL: none)
 * and @opacity (0..1), with no copy of either: how GIMP shows a masked layer. */
gboolean atelier_planes_over_in_place (const AtelierTensor *layer, const AtelierTensor *mask, float opacity,
                                       AtelierTensor *below, GError **error);

G_END_DECLS
