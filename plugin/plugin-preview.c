/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "plugin-preview.h"

#include "plugin-pixels.h"

gboolean
atelier_preview_source_read (const AtelierFilterInfo *info, gint32 image, gint32 drawable, AtelierTensor **region,
                             AtelierTensor **selection, GError **error)
{
  *region = *selection = NULL;
  if (!atelier_filter_has_preview (info))
    return TRUE;
  g_autoptr (AtelierTensor) whole_selection = NULL;
  if (!gimp_selection_is_empty (image) && (whole_selection = atelier_selection_read (image, drawable, error)) == NULL)
    return FALSE;
  gint64 area[4];
  double scale;
  if (!atelier_filter_preview_area (info->preview, gimp_drawable_height (drawable), gimp_drawable_width (drawable),
                                    whole_selection, area, &scale, error))
    return FALSE;
  g_autoptr (AtelierTensor) pixels = atelier_drawable_read_area (drawable, area, scale, error);
  if (pixels == NULL)
    return FALSE;
  if (whole_selection != NULL && (*selection = atelier_selection_read_area (image, drawable, area, scale, error)) == NULL)
    return FALSE;
  *region = g_steal_pointer (&pixels);
  return TRUE;
}
