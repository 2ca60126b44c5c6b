/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Replace Background's pixel work: a plain background (white, one colour, a
 * vertical gradient or a studio sweep), a contact shadow from the subject's
 * matte, and the subject composited over both so that wherever its matte is
 * 1 the source pixel itself is kept, bit for bit (the marketplace
 * rule: the product is never resampled). */

#include "core/atelier-context.h"
#include "core/atelier-tensor.h"

G_BEGIN_DECLS

/* A matte within half an 8-bit step of 1 (or 0) is 1 (or 0): the refinement leaves such values just inside a
 * subject's edge band, and blending there would change the kept product by a rounding step without any visible
 * transparency behind it. The composite and the layers (atelier-background-layers.h) both follow it, so that the
 * layers composite to the same picture. */
#define ATELIER_MATTE_OPAQUE_FROM (1.0f - 0.5f / 255.0f)
#define ATELIER_MATTE_CLEAR_BELOW (0.5f / 255.0f)
/* A matte value at or above this is the subject's body where its footprint is measured (the contact shadow, the
 * reflection, a tabletop's horizon). */
#define ATELIER_MATTE_SOLID 0.5f

/* The first and last rows of @alpha (1, 1, H, W) holding a solid matte pixel; FALSE when there is none. */
gboolean atelier_background_solid_rows (const AtelierTensor *alpha, gint64 *top, gint64 *bottom);

typedef enum
{
  ATELIER_BACKGROUND_WHITE,    /* exactly 1.0 in every channel */
  ATELIER_BACKGROUND_COLOUR,   /* @colour everywhere */
  ATELIER_BACKGROUND_GRADIENT, /* @colour on the first row to @bottom_colour on the last, linear */
  ATELIER_BACKGROUND_STUDIO,   /* @colour as a floor-to-wall sweep, lit from the front */
} AtelierBackgroundKind;

typedef struct
{
  AtelierBackgroundKind kind;
  float colour[3];        /* sRGB 0..1 */
  float bottom_colour[3]; /* GRADIENT only */
} AtelierBackgroundOptions;

typedef struct
{
  float opacity;   /* 0: no shadow */
  int softness;    /* blur, pixels */
  int distance;    /* how far from the subject's bottom edge the footprint sits, pixels */
  float direction; /* degrees the footprint is moved away from straight down, towards the right when positive (the
                      light from the left) */
} AtelierShadowOptions;

/* (1, 3, h, w) */
AtelierTensor *atelier_background_render (const AtelierBackgroundOptions *options, gint64 h, gint64 w,
                                          GError **error);

/* @alpha (1, 1, H, W) -> the shadow's strength (1, 1, H, W), 0..opacity: the matte's lowest part squashed flat
 * onto the floor, moved down by @distance and blurred by @softness. All zero when the matte is empty. */
AtelierTensor *atelier_contact_shadow (const AtelierTensor *alpha, const AtelierShadowOptions *options,
                                       GError **error);

/* The subject mirrored on a glossy floor below its bottom edge, blended into @background (1, C, H, W) in place: its
 * colours @foreground and matte @alpha flipped about the lowest row of its body, @opacity at the contact fading to
 * nothing over a third of its height. */
gboolean atelier_floor_reflection (AtelierTensor *background, const AtelierTensor *foreground,
                                   const AtelierTensor *alpha, float opacity, GError **error);

/* Light wrap: the new background's light, blurred over @radius pixels, spilling onto the subject's edge band in
 * @foreground (in place) by @amount times its transparency, so that it sits in the new light. Pixels whose alpha counts
 * as 1 are not changed. */
gboolean atelier_light_wrap (AtelierTensor *foreground, const AtelierTensor *alpha, const AtelierTensor *background,
                             float amount, int radius, GError **error);

/* @foreground (1, C, H, W), the subject's colours estimated in its edge band, pulled towards the colours of its opaque
 * interior continued outwards, by (1 - alpha)^2: where the matte is faint the estimate still carries some of the old
 * background (a pink fringe where a cap lay on red fabric, once on white), the interior's colours are the subject's
 * own. The interior is continued within tiles of 512 pixels (a fill that reaches further would be too faint to
 * matter), which bounds the memory and runs on every core: a pixel with no interior in its tile keeps its estimate.
 * Pixels whose alpha counts as 1 are not changed. */
gboolean atelier_edge_colours_from_interior (AtelierContext *ctx, AtelierTensor *foreground, const AtelierTensor *alpha,
                                             GError **error);

/* @source (1, C, H, W) the source's colour planes, @foreground (1, C, H, W) the subject's own colours where its
 * edge is partly transparent (NULL: the source), @alpha (1, 1, H, W), @background (1, C, H, W), @shadow
 * (1, 1, H, W) or NULL -> (1, C, H, W): background darkened by the shadow, then F alpha + B (1 - alpha), and the
 * source pixel itself wherever alpha is 1. Alpha within half an 8-bit step of 1 counts as 1, within half a step of 0
 * as 0. */
AtelierTensor *atelier_background_compose (const AtelierTensor *source, const AtelierTensor *foreground,
                                           const AtelierTensor *alpha, const AtelierTensor *background,
                                           const AtelierTensor *shadow, GError **error);

G_END_DECLS
