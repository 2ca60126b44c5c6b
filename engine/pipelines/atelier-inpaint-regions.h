/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Retouching at full resolution: a selection of several parts (dust, a price tag, a stand) is filled part by
 * part, each on a window of its own surroundings and at the scale its size needs, so that a 20-pixel blemish
 * on a 24-megapixel photograph is filled at full resolution from full-resolution context instead of the whole
 * selection's box being reduced to the model's working size. */

#include "networks/atelier-rdn.h"
#include "pipelines/atelier-latent-diffusion.h"

G_BEGIN_DECLS

/* How a region is filled. */
typedef enum
{
  ATELIER_INPAINT_FILL_AUTO,      /* MEMBRANE for regions at most membrane_thickness thick, else AUTO_LARGE */
  ATELIER_INPAINT_FILL_DIFFUSION, /* the latent diffusion model, fitted to the border (seamless cloning) */
  ATELIER_INPAINT_FILL_MEMBRANE,  /* the smoothest (harmonic) interpolation of the border: no model */
  ATELIER_INPAINT_FILL_DETAIL,    /* MEMBRANE with the model's fine detail (its high frequencies) added */
} AtelierInpaintFill;

#define ATELIER_INPAINT_ENLARGERS 4

/* What AUTO uses for the regions thicker than membrane_thickness; see docs/inpaint-evaluation.md. */
#define ATELIER_INPAINT_FILL_AUTO_LARGE ATELIER_INPAINT_FILL_DETAIL

typedef struct
{
  /* The sampler, the working side and the context (pixels of surroundings around each region's box; < 0: as
   * large as the box, at least 32) of every region's fill. */
  AtelierLatentDiffusionOptions diffusion;
  /* Super-resolution networks that enlarge the fills of windows larger than the working side back to full
   * resolution, of any scales, NULL entries skipped: a fill is enlarged by the one of the smallest scale that
   * reaches the window (the largest when none does) and reduced to it by area; none: bicubic. */
  const AtelierRdn *enlargers[ATELIER_INPAINT_ENLARGERS];
  AtelierInpaintFill fill;
  int membrane_thickness; /* AUTO: pixels; a region's thickness is twice its largest distance to the border */
} AtelierInpaintRegionsOptions;

/* @selection (1, 1, H, W) 0..1 grown by @grow pixels and then feathered outwards over @feather pixels (a
 * linear ramp from 1 to 0, in 8-bit steps); with both 0 a copy of @selection. Selected pixels (above
 * ATELIER_SELECTED_THRESHOLD) become fully selected when it grows or feathers. */
AtelierTensor *atelier_inpaint_regions_mask (AtelierContext *ctx, const AtelierTensor *selection, int grow,
                                             int feather, GError **error);

/* Fills each connected part of @selection (8-connected pixels above ATELIER_SELECTED_THRESHOLD; parts whose
 * windows overlap are filled together) on its window, its box grown by the context: a window whose long side
 * fits the working side is filled at full resolution; a larger one is reduced to the working side, filled and
 * enlarged by one of options->enlargers, then fitted to its full-resolution border (atelier_seamless_fill). As
 * atelier_latent_diffusion_inpaint: image (1, 3, H, W) RGB 0..1, the result blended in by the selection's
 * values, so that pixels outside the selection are the input's bit for bit, and the fill reads only
 * unselected pixels. Each region's fill depends only on its own window. @counts[fill]: how many windows each fill
 * (DIFFUSION, MEMBRANE, DETAIL) made. */
AtelierTensor *atelier_inpaint_regions (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                                        const AtelierTensor *selection, const AtelierInpaintRegionsOptions *options,
                                        int counts[4], GError **error);
/* The same into @out (1, 3, H, W), which holds a copy of @image's pixels: only the regions' windows are written,
 * so that a caller whose result already holds the image (a layer's colour planes) makes no other full-size copy
 * (each costs about 0.3 GB and 0.1-0.2 s on a 24-megapixel photograph). */
gboolean atelier_inpaint_regions_into (AtelierContext *ctx, const AtelierLatentDiffusion *ld, const AtelierTensor *image,
                                       const AtelierTensor *selection, const AtelierInpaintRegionsOptions *options,
                                       AtelierTensor *out, int counts[4], GError **error);

G_END_DECLS
