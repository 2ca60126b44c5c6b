/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The classifier on spectral features: standardisation, logistic regression
 * and Platt calibration, all read from a model file (architecture
 * "spectral-logistic", trained by models/detector/train_detector.py). The
 * manifest lists the feature names it was trained on, so a model from another
 * feature version is refused instead of silently misread. */

#include "forensics/atelier-spectral-features.h"

G_BEGIN_DECLS

#define ATELIER_DETECTOR_DEFAULT_MODEL "spectral-detector"

typedef struct _AtelierDetector AtelierDetector;

/* @name_or_path: a model name looked up on the model path, or a manifest path. */
AtelierDetector *atelier_detector_open (const char *name_or_path, GError **error);
void atelier_detector_free (AtelierDetector *detector);

/* The calibrated probability that @features come from a generated image.
 * The features set aside (bit i for feature i: atelier_spectral_set_aside
 * of the conditions) count at their training mean. @contributions, when not
 * NULL, receives each feature's share of the calibrated log-odds: positive
 * pushes towards "generated". */
double atelier_detector_probability (const AtelierDetector *detector,
                                     const float features[ATELIER_SPECTRAL_FEATURE_COUNT], guint64 set_aside,
                                     float contributions[ATELIER_SPECTRAL_FEATURE_COUNT]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierDetector, atelier_detector_free)

G_END_DECLS
