/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A tabletop scene from a flat surface: the surface the latent diffusion model paints head-on (wood, stone, ...)
 * laid as a floor in perspective, receding to a horizon behind the product, a soft wall above it, and the light
 * falling off away from the light's side. A model without scene conditioning (v1) paints only flat textures seen
 * head-on; a product photograph is a product standing on a surface that recedes to a backdrop. The geometry is a
 * pinhole camera over a ground plane: a row d pixels below the horizon sees the floor at depth proportional to
 * 1 / d, so the texture is magnified near the bottom and shrinks towards the horizon, where a texture pyramid
 * averages it (the far floor is out of focus anyway, as with a product photograph's short depth of field). */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  float horizon;  /* the horizon's row, 0 top .. 1 bottom (above the product's base: see _horizon_for) */
  float light[2]; /* towards the light (x right, y down), length = strength 0..1: the brighter side */
  float repeats;  /* how many widths of the surface the floor's nearest row spans (> 0) */
  const AtelierTensor *backdrop; /* (1, 3, bh, bw) what stands behind the table (a room out of focus), filling the
                                    wall's width, its bottom on the horizon; NULL: a plain wall of the floor's colour */
} AtelierTabletopOptions;

/* @surface (1, 3, th, tw), RGB 0..1, a flat texture seen head-on -> the scene (1, 3, @h, @w), RGB 0..1. The
 * surface repeats mirrored where the floor runs past its edges, so that it has no seams. */
AtelierTensor *atelier_background_tabletop (AtelierContext *ctx, const AtelierTensor *surface,
                                            const AtelierTabletopOptions *options, gint64 h, gint64 w,
                                            GError **error);

/* The horizon's row (0..1) for a preset's @wanted row and the subject @alpha (1, 1, H, W): the wanted row, but
 * always above the subject's lowest solid row by a twentieth of the height, so that the product stands on the
 * floor in front of the wall and never in front of the floor's far edge; @wanted where there is no subject. */
float atelier_background_tabletop_horizon_for (float wanted, const AtelierTensor *alpha);

/* The long side a surface needs on a picture whose long side is @side, laid with @repeats (> 0): the floor's nearest
 * row then shows one texel per pixel and every farther row fewer, so a larger surface (an enlarger's) would only be
 * averaged away. */
gint64 atelier_background_tabletop_surface_side (gint64 side, float repeats);

G_END_DECLS
