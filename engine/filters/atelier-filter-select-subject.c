/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Select Subject: the photograph's main object as a selection with soft, refined edges (ISNet, then the matte
 * refined at full resolution). The pixels are never changed; the plug-in replaces, adds to, subtracts from or
 * intersects the selection and may add the matte as a layer mask. `atelier select-subject` (alias `atelier
 * mask`) writes the matte as an 8-bit grey image, 255 = subject. */
#include "filters/atelier-filter.h"

#include "filters/atelier-subject-params.h"

static const AtelierParamSpec select_subject_params[] = {
  { .name = "mode", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_Mode"),
    .help = ATELIER_N_ ("What the subject does to the current selection"), .default_value = 0,
    ATELIER_CHOICES ({ "replace", ATELIER_N_ ("Replace the selection") }, { "add", ATELIER_N_ ("Add to the selection") },
                     { "subtract", ATELIER_N_ ("Subtract from the selection") },
                     { "intersect", ATELIER_N_ ("Intersect with the selection") }) },
  { .name = "layer-mask", .type = ATELIER_PARAM_BOOLEAN, .label = ATELIER_N_ ("Also add a _layer mask"),
    .help = ATELIER_N_ ("Also add the subject's matte as a layer mask to the active layer (when it has none)"),
    .default_value = 0 },
  ATELIER_SUBJECT_PARAM_ROWS,
};

static gboolean
select_subject_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
                    const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  g_autoptr (AtelierTensor) rgb = NULL;
  out->pixels = atelier_subject_matte (ctx, models, values, in->image, &rgb, error);
  return out->pixels != NULL;
}

const AtelierFilterInfo atelier_filter_select_subject = {
  .name = "select-subject",
  .menu_label = ATELIER_N_ ("Select _Subject..."),
  .blurb = ATELIER_N_ ("Select the photograph's main object, with soft edges"),
  .help = ATELIER_N_ ("Finds the main object of the photograph with a segmentation network (ISNet) and selects it; "
                      "its outline is then refined at full resolution so that hair, fur and thin parts get soft, "
                      "accurate edges. The layer's pixels are not changed."),
  .params = select_subject_params,
  .n_params = G_N_ELEMENTS (select_subject_params),
  .output = ATELIER_OUTPUT_SELECTION,
  .selection_mode_param = "mode",
  .layer_mask_param = "layer-mask",
  .needs_whole_image = TRUE, /* the network sees the whole photograph to tell its subject */
  .run = select_subject_run,
};
