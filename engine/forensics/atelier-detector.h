/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The classifier on spectral features and, where the model holds its
 * weights, the residual CNN's: standardisation, logistic regression and
 * Platt calibration, all read from a model file (architecture
 * "spectral-logistic", trained by models/detector/harness.py --write-model).
 * The manifest lists the feature names it was trained on, so a model from
 * another feature version is refused instead of silently misread. */

#include "forensics/atelier-residual-cnn.h"
#include "forensics/atelier-spectral-features.h"

G_BEGIN_DECLS

#define ATELIER_DETECTOR_DEFAULT_MODEL "spectral-detector"

/* The classifier's features: the spectral ones, then the residual CNN's. */
#define ATELIER_DETECTOR_FEATURE_COUNT (ATELIER_SPECTRAL_FEATURE_COUNT + ATELIER_RESIDUAL_CNN_FEATURE_COUNT)
/* In a set_aside mask, beside the spectral features' bits: all the CNN's
 * features at once, when they were not computed (the heat map's tiles, a
 * model without the network). */
#define ATELIER_DETECTOR_CNN_SET_ASIDE (G_GUINT64_CONSTANT (1) << ATELIER_SPECTRAL_FEATURE_COUNT)
G_STATIC_ASSERT (ATELIER_SPECTRAL_FEATURE_COUNT < 64);

/* "radial-00" ... "cnn-std-7", and the cue each feature feeds. */
const char *atelier_detector_feature_name (int index);
AtelierSpectralCue atelier_detector_feature_cue (int index);

typedef struct _AtelierDetector AtelierDetector;

/* @name_or_path: a model name looked up on the model path, or a manifest path. */
AtelierDetector *atelier_detector_open (const char *name_or_path, GError **error);
void atelier_detector_free (AtelierDetector *detector);

/* The residual CNN whose features the model weighs, or NULL when its
 * features list has the spectral features alone. */
const AtelierResidualCnn *atelier_detector_get_cnn (const AtelierDetector *detector);

/* The spectral features the model gives a weight other than 0 (bit i for
 * feature i): the others cannot move its probability, and an analysis for
 * it need not compute them (atelier_spectral_analysis_run_for). */
guint64 atelier_detector_weighed_spectral_features (const AtelierDetector *detector);

/* The calibrated probability that @features come from a generated image.
 * The features set aside (bit i for spectral feature i:
 * atelier_spectral_set_aside of the conditions; ATELIER_DETECTOR_CNN_SET_ASIDE
 * for the CNN's) count at their training mean. @contributions, when not
 * NULL, receives each feature's share of the calibrated log-odds: positive
 * pushes towards "generated". */
double atelier_detector_probability (const AtelierDetector *detector,
                                     const float features[ATELIER_DETECTOR_FEATURE_COUNT], guint64 set_aside,
                                     float contributions[ATELIER_DETECTOR_FEATURE_COUNT]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierDetector, atelier_detector_free)

G_END_DECLS
