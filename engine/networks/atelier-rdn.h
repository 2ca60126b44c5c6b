/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Residual dense networks for super-resolution (idealo image-super-resolution,
 * as shipped by UpscalerJS's ESRGAN packages):
 *
 *   RDN  (Zhang et al. 2018): shallow convs -> D residual dense blocks -> global
 *        feature fusion of all block outputs -> conv, conv, conv to 3 s^2
 *        channels -> nearest x s -> conv to RGB. Values in 0..255.
 *   RRDN (Wang et al. 2018, ESRGAN's RRDB): conv -> T residual-in-residual
 *        blocks of D dense blocks, each scaled by beta -> conv + long skip ->
 *        conv to 3 s^2 -> depth-to-space (TensorFlow channel order) -> conv.
 *        Values in 0..1.
 *
 * A dense block: C convs (3x3 + ReLU, G channels each), each seeing the
 * concatenation of the block input and all earlier convs, then a fusion conv
 * back to G0 channels and a residual add. Everything is read from the
 * manifest config ("family", "scale", "C", "D", "G", "G0", "T", "beta",
 * "value_range", "upsampling"). */

#include "model/atelier-model.h"
#include "networks/atelier-conv-layer.h"

G_BEGIN_DECLS

typedef enum
{
  ATELIER_RDN_FAMILY_RDN,
  ATELIER_RDN_FAMILY_RRDN,
} AtelierRdnFamily;

typedef struct
{
  AtelierRdnFamily family;
  int scale;         /* 2, 3, 4 or 8 */
  int C, D, G, G0;   /* convs per dense block, dense blocks (per RRDB), growth and base channels */
  int T;             /* RRDBs (RRDN only) */
  float beta;        /* residual scaling (RRDN only) */
  float value_range; /* the model sees pixel values in 0..value_range */
} AtelierRdnConfig;

typedef struct _AtelierRdn AtelierRdn;

/* Binds every tensor of the model; fails naming the first missing or
 * misshapen one. */
AtelierRdn *atelier_rdn_new (const AtelierModel *model, GError **error);
void atelier_rdn_free (AtelierRdn *net);

/* Opens "esrgan-<size>-x<scale>" through atelier_model_find (size: slim,
 * medium, thick), or a manifest path ending in ".json"; fails when the model
 * does not enlarge by @scale. */
AtelierRdn *atelier_rdn_open (const char *size_or_path, int scale, GError **error);

const AtelierRdnConfig *atelier_rdn_get_config (const AtelierRdn *net);
/* The model's name from its manifest. */
const char *atelier_rdn_get_name (const AtelierRdn *net);
/* Input pixels that influence one output pixel on each side. */
int atelier_rdn_receptive_radius (const AtelierRdn *net);
/* Peak activation bytes per input pixel, for tile planning. */
gsize atelier_rdn_bytes_per_pixel (const AtelierRdn *net);

/* rgb (1, 3, h, w) in 0..value_range -> (1, 3, h*s, w*s) in the same range. */
AtelierTensor *atelier_rdn_forward (AtelierContext *ctx, const AtelierRdn *net, const AtelierTensor *rgb,
                                    GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierRdn, atelier_rdn_free)

G_END_DECLS
