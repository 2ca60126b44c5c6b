/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Backgrounds a seller would choose, by product category: each preset is a generated background's style label
 * (the U-Net's labels, models/unet/README.md), a composition (a surface receding to a horizon at a given row,
 * or a flat-lay seen from above), the light's direction, and the contact shadow that agrees with that light.
 * The production pipelines this follows condition the background on the category ("marble with a soft shadow
 * for jewellery"); the table is the one place those choices live. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef enum
{
  ATELIER_COMPOSITION_HORIZON,  /* a surface receding to a horizon at @horizon */
  ATELIER_COMPOSITION_FLAT_LAY, /* the surface seen from straight above, no horizon */
} AtelierComposition;

/* The length of the v2 U-Net's scene vector (atelier_unet_get_scene_channels): light x, light y, composition,
 * horizon. */
#define ATELIER_BACKGROUND_SCENE_CHANNELS 4

typedef struct
{
  const char *name;          /* the choice's name on the command line and in scripts */
  const char *styles[3];     /* U-Net style labels, the first preferred; NULL-terminated when fewer */
  const char *backdrop;      /* the style label behind a tabletop (engine-composed) when the U-Net has it, or NULL:
                                a plain wall */
  AtelierComposition composition;
  float horizon;             /* the horizon's row, 0 top .. 1 bottom (HORIZON only) */
  float light[2];            /* towards the light in the picture (x right, y down), length = strength 0..1 */
  float shadow_opacity;      /* the contact shadow under that light: darker for a harder, stronger light */
  float shadow_softness;     /* the shadow edge's blur as a share of the picture's shorter side */
} AtelierBackgroundPreset;

/* The presets in their fixed order; *count of them. */
const AtelierBackgroundPreset *atelier_background_presets (int *count);
/* The preset called @name, or NULL with an INVALID_ARGUMENT error listing the names. */
const AtelierBackgroundPreset *atelier_background_preset_find (const char *name, GError **error);
/* The v2 U-Net's scene vector for @preset (ATELIER_BACKGROUND_SCENE_CHANNELS values): light x, light y,
 * composition (+1 horizon, -1 flat-lay), the horizon's row with 0 the picture's middle. */
void atelier_background_preset_scene (const AtelierBackgroundPreset *preset, float *scene);
/* The contact shadow's direction that agrees with @preset's light (Replace Background's shadow-direction: degrees
 * from straight down, towards the right when positive): away from the light, within -90..90. */
double atelier_background_preset_shadow_direction (const AtelierBackgroundPreset *preset);
/* The scene vector when no preset is chosen: the light the shadow direction @degrees implies (the shadow falls away
 * from it; strength 0.5, a softbox's), composition and horizon not said. */
void atelier_background_scene_from_shadow (double degrees, float *scene);
/* The first of @preset's styles among @labels (a U-Net's, NULL-terminated), or NULL when it has none of them (a v1
 * model has no marble). */
const char *atelier_background_preset_style (const AtelierBackgroundPreset *preset, const char *const *labels);
/* The first of @preset's styles among @labels that is a material (atelier_background_style_is_surface), or
 * NULL: the floor of a tabletop the engine composes (home's wood, not its bokeh). */
const char *atelier_background_preset_floor (const AtelierBackgroundPreset *preset, const char *const *labels);
/* Whether a U-Net style label paints a material a product can stand on (wood, stone, fabric, ...), rather than a
 * backdrop (bokeh, the studio sweep) or a whole photograph (photo). */
gboolean atelier_background_style_is_surface (const char *style);
/* The shadow's blur in pixels for a picture of @h x @w. */
int atelier_background_preset_softness (const AtelierBackgroundPreset *preset, gint64 h, gint64 w);

G_END_DECLS
