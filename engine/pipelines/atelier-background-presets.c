/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-background-presets.h"

#include "core/atelier-error.h"

#include <math.h>

/* Lights come from above and to one side, as from a window or a softbox: a product lit straight from the
 * front or from below looks flat or wrong. A flat-lay's light comes from the top edge of the picture, the
 * window behind the table. Shadows are soft (a large share of the picture) where the light is diffuse. */
static const AtelierBackgroundPreset presets[] = {
  { .name = "jewellery", .styles = { "marble", "velvet" }, .composition = ATELIER_COMPOSITION_HORIZON,
    .horizon = 0.3f, .light = { -0.35f, -0.35f }, .shadow_opacity = 0.25f, .shadow_softness = 0.03f },
  { .name = "clothing", .styles = { "linen", "studio" }, .composition = ATELIER_COMPOSITION_FLAT_LAY,
    .light = { 0.0f, -0.4f }, .shadow_opacity = 0.2f, .shadow_softness = 0.02f },
  { .name = "food", .styles = { "wood", "slate", "linen" }, .composition = ATELIER_COMPOSITION_HORIZON,
    .horizon = 0.4f, .light = { -0.8f, -0.2f }, .shadow_opacity = 0.45f, .shadow_softness = 0.012f },
  { .name = "cosmetics", .styles = { "stone", "studio" }, .composition = ATELIER_COMPOSITION_HORIZON,
    .horizon = 0.55f, .light = { 0.45f, -0.45f }, .shadow_opacity = 0.3f, .shadow_softness = 0.02f },
  { .name = "electronics", .styles = { "wood", "studio" }, .composition = ATELIER_COMPOSITION_HORIZON,
    .horizon = 0.5f, .light = { 0.0f, -0.7f }, .shadow_opacity = 0.5f, .shadow_softness = 0.008f },
  { .name = "home", .styles = { "bokeh", "wood" }, .backdrop = "bokeh", .composition = ATELIER_COMPOSITION_HORIZON,
    .horizon = 0.6f, .light = { -0.7f, -0.3f }, .shadow_opacity = 0.4f, .shadow_softness = 0.015f },
};

const AtelierBackgroundPreset *
atelier_background_presets (int *count)
{
  *count = G_N_ELEMENTS (presets);
  return presets;
}

const AtelierBackgroundPreset *
atelier_background_preset_find (const char *name, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (presets[i].name, name) == 0)
      return &presets[i];
  g_autoptr (GString) known = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", presets[i].name);
  g_set_error (error, ATELIER_ERROR, ATELIER_ERROR_INVALID_ARGUMENT, "unknown background preset \"%s\" (known: %s)",
               name, known->str);
  return NULL;
}

void
atelier_background_preset_scene (const AtelierBackgroundPreset *preset, float *scene)
{
  const gboolean flat = preset->composition == ATELIER_COMPOSITION_FLAT_LAY;
  scene[0] = preset->light[0];
  scene[1] = preset->light[1];
  scene[2] = flat ? -1.0f : 1.0f;
  scene[3] = flat ? 0.0f : preset->horizon - 0.5f;
}

/* The light's strength when only the shadow's direction says where it is: the middle of the training scenes'
 * range (models/scenes), as the presets' 0.4-0.8. */
#define SHADOW_LIGHT_STRENGTH 0.5f

double
atelier_background_preset_shadow_direction (const AtelierBackgroundPreset *preset)
{
  /* The shadow is moved along (-light x, -light y); its direction is that vector's angle from straight down. */
  const double degrees = atan2 (-preset->light[0], -preset->light[1]) * 180.0 / G_PI;
  return CLAMP (degrees, -90.0, 90.0);
}

void
atelier_background_scene_from_shadow (double degrees, float *scene)
{
  const double radians = degrees * G_PI / 180.0;
  scene[0] = (float) (-sin (radians)) * SHADOW_LIGHT_STRENGTH;
  scene[1] = (float) (-cos (radians)) * SHADOW_LIGHT_STRENGTH;
  scene[2] = 0.0f;
  scene[3] = 0.0f;
}

/* The first of @preset's styles among @labels, only materials when @materials_only. */
static const char *
first_style (const AtelierBackgroundPreset *preset, const char *const *labels, gboolean materials_only)
{
  for (int k = 0; k < (int) G_N_ELEMENTS (preset->styles) && preset->styles[k] != NULL; k++)
    if ((!materials_only || atelier_background_style_is_surface (preset->styles[k]))
        && g_strv_contains (labels, preset->styles[k]))
      return preset->styles[k];
  return NULL;
}

const char *
atelier_background_preset_style (const AtelierBackgroundPreset *preset, const char *const *labels)
{
  return first_style (preset, labels, FALSE);
}

int
atelier_background_preset_softness (const AtelierBackgroundPreset *preset, gint64 h, gint64 w)
{
  return (int) lround (preset->shadow_softness * (double) MIN (h, w));
}

gboolean
atelier_background_style_is_surface (const char *style)
{
  /* Bokeh is a room out of focus, a backdrop: laid as a floor it would be a blur underfoot. The studio label is
   * a seamless sweep already, its light falling across it: repeated as a floor, that light became a grid of
   * tiles. */
  const char *not_surfaces[] = { "bokeh", "photo", "studio", NULL };
  return !g_strv_contains (not_surfaces, style);
}

const char *
atelier_background_preset_floor (const AtelierBackgroundPreset *preset, const char *const *labels)
{
  return first_style (preset, labels, TRUE);
}
