/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cutout: the photograph's main object alone, as a layer whose alpha is Select Subject's matte and whose
 * colours are the subject's own where the edge is partly transparent (foreground estimation), so that it shows
 * no fringe of the old background on any new one. `atelier cutout IN OUT.png` writes that layer itself, RGBA. */
#include "filters/atelier-filter.h"

#include "core/atelier-image-planes.h"
#include "filters/atelier-subject-params.h"

static const AtelierParamSpec cutout_params[] = {
  ATELIER_SUBJECT_PARAM_ROWS,
};

static gboolean
cutout_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
            const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  g_autoptr (AtelierTensor) colour = NULL;
  g_autoptr (AtelierTensor) alpha = atelier_subject_cutout (ctx, models, values, in->image, &colour, error);
  out->pixels = alpha ? atelier_planes_join (colour, alpha, error) : NULL;
  return out->pixels != NULL;
}

const AtelierFilterInfo atelier_filter_cutout = {
  .name = "cutout",
  .menu_label = ATELIER_N_ ("_Cut Out Subject..."),
  .blurb = ATELIER_N_ ("Cut the photograph's main object out onto a layer of its own"),
  .help = ATELIER_N_ ("Finds the main object of the photograph like Select Subject and adds a layer above the "
                      "active one with the object alone on transparency. Where its edge is partly transparent the "
                      "colours are the object's own, without the old background's, so it can be placed on any new "
                      "background. The original layer is not changed."),
  .params = cutout_params,
  .n_params = G_N_ELEMENTS (cutout_params),
  .output = ATELIER_OUTPUT_NEW_LAYER,
  .digital_source = ATELIER_SOURCE_ALGORITHMICALLY_ENHANCED,
  .new_layer_name = ATELIER_N_ ("Cut-out"),
  .new_layer_alone = TRUE,
  .needs_whole_image = TRUE,
  .run = cutout_run,
};
