/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The detector's small residual CNN (issue #19, models/detector/residual_cnn.py):
 * each channel's Laplacian (a fixed high-pass, as the spectral features'
 * residual), divided by its own standard deviation so that how much fine
 * detail there is (what a blur changes) does not move the statistics, then
 * four unpadded 3x3 convolutions of 16 channels, ReLU between, tanh(h / 4)
 * (bounded, so that one strong edge does not decide the statistics), and each
 * last channel's mean and standard deviation over the crop: 32 features.
 * A large image is read through up to 4 crops of 256 pixels at its corners,
 * the features averaged: the whole image would cost several times the
 * spectral analysis (docs/detector-evaluation.md). Trained on our own
 * synthesised pairs only; its weights live in the detector's model file. */

#include "core/atelier-context.h"
#include "model/atelier-model.h"

G_BEGIN_DECLS

#define ATELIER_RESIDUAL_CNN_CHANNELS 16
#define ATELIER_RESIDUAL_CNN_LAYERS 4
#define ATELIER_RESIDUAL_CNN_FEATURE_COUNT (2 * ATELIER_RESIDUAL_CNN_CHANNELS)
/* The side of the crops the network reads, and the most of them. */
#define ATELIER_RESIDUAL_CNN_CROP 256
#define ATELIER_RESIDUAL_CNN_MAX_CROPS 4
/* The smallest image side: the high-pass and each convolution (3x3,
 * unpadded) take 2 pixels, and a standard deviation needs two values left. */
#define ATELIER_RESIDUAL_CNN_MIN_SIDE (2 * (1 + ATELIER_RESIDUAL_CNN_LAYERS) + 2)

typedef struct _AtelierResidualCnn AtelierResidualCnn;

/* Whether @model holds the network's tensors ("cnn.convs.0.weight" ...). */
gboolean atelier_residual_cnn_in_model (const AtelierModel *model);
/* Binds "cnn.convs.{0,1,2,3}.{weight,bias}" ((16, 3, 3, 3), (16), (16, 16, 3, 3) ...)
 * from @model; the error names a missing or misshapen tensor. */
AtelierResidualCnn *atelier_residual_cnn_load (const AtelierModel *model, GError **error);
void atelier_residual_cnn_free (AtelierResidualCnn *cnn);

/* "cnn-mean-0" .. "cnn-mean-15", "cnn-std-0" .. "cnn-std-15": the model file lists them. */
const char *atelier_residual_cnn_feature_name (int index);

/* The 32 features of @image (1, C, H, W), C = 1..4, values in 0..1: grey
 * (C = 1, 2) counts as three equal channels, alpha is left out. The crops'
 * rows start at 0 and at H - 256 (one crop when H <= 256, of height H), their
 * columns likewise, as residual_cnn.py's features_of reads them. */
gboolean atelier_residual_cnn_features (AtelierContext *ctx, const AtelierResidualCnn *cnn, const AtelierTensor *image,
                                        float features[ATELIER_RESIDUAL_CNN_FEATURE_COUNT], GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierResidualCnn, atelier_residual_cnn_free)

G_END_DECLS
