/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Replace Background's result as layers a person can still edit, which composited in order (background, shadow,
 * subject through its mask) give atelier_background_compose's picture: the new background, the contact shadow as
 * black whose alpha is the shadow's strength (normal mode darkens what is below by exactly that share), and the
 * subject as the source's own pixels with the matte as its mask. Wherever the matte counts as 1 the subject
 * layer holds the source pixel and the mask is exactly 1, so the kept product is bit for bit the source's; in its
 * edge the layer holds the subject's own colours, so no fringe of the old background shows. */

#include "core/atelier-tensor.h"

G_BEGIN_DECLS

typedef struct
{
  AtelierTensor *background; /* (1, C, H, W), opaque */
  AtelierTensor *shadow;     /* (1, C + 1, H, W): black, alpha the shadow's strength */
  AtelierTensor *subject;    /* (1, C, H, W) */
  AtelierTensor *mask;       /* (1, 1, H, W): the matte, exactly 1 and 0 where atelier_background_compose counts it so */
} AtelierBackgroundLayers;

/* @source (1, C, H, W) the source's colour planes, @foreground its subject's own colours (NULL: the source),
 * @alpha (1, 1, H, W) the matte, @background (1, C, H, W), @shadow (1, 1, H, W) or NULL: none. @foreground,
 * @alpha and @background are taken and become the subject layer, its mask and the background layer in place, not
 * copied: a 6000x4000 plane is 96 MB. */
AtelierBackgroundLayers *atelier_background_layers_new (const AtelierTensor *source, AtelierTensor *foreground,
                                                        AtelierTensor *alpha, AtelierTensor *background,
                                                        const AtelierTensor *shadow, GError **error);
void atelier_background_layers_free (AtelierBackgroundLayers *layers);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierBackgroundLayers, atelier_background_layers_free)

G_END_DECLS
