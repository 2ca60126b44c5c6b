/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* AI-artifact detection of one image: spectral analysis (and the residual
 * CNN, when the model weighs it), the classifier on the whole image and on
 * every tile, the cues that weighed most, and the pictures a person reads
 * them from (heat map, spectrum with its peaks). */

#include "forensics/atelier-detector.h"
#include "forensics/atelier-spectral-analysis.h"

G_BEGIN_DECLS

typedef enum
{
  ATELIER_VERDICT_LIKELY_REAL,
  ATELIER_VERDICT_UNCERTAIN,
  ATELIER_VERDICT_LIKELY_GENERATED,
} AtelierVerdict;

typedef struct
{
  AtelierSpectralCue cue;
  double weight;     /* its share of the calibrated log-odds, signed */
  const char *text;  /* plain words, translatable (ATELIER_N_), in the direction of the weight */
} AtelierDetectionCue;

#define ATELIER_DETECTION_CUES 3

/* Below this JPEG quality the verdict is uncertain whatever the classifier
 * says: measured by models/detector/harness.py (docs/detector-evaluation.md),
 * after JPEG 75-89 the classifier ranks unseen diffusion images no better
 * than chance, so a probability far from 0.5 there would be noise. */
#define ATELIER_DETECT_WEAK_JPEG_QUALITY 90

/* Below this ratio of the finest detail's energy to what the pixels'
 * rounding puts there (AtelierSpectralAnalysis.detail_over_rounding) the
 * verdict is uncertain too. Photographs blurred by a pixel keep little more
 * than rounding there, whose noise, independent in each channel, the
 * classifier reads as a generator's colour, and the residual CNN reads blur
 * as generation too: measured by models/detector/harness.py
 * (docs/detector-evaluation.md), with the CNN's features at 8 the
 * photographs read "likely generated" were 4.4 %, at 32 1.5 %, and no
 * generator's AUC moved (without the CNN 8 had lowered them from 6.4 % to
 * 1.5 %). With the wider CNN of the seventh session: at 32 6.9 % (blurred
 * PNGs 13.7 %), at 64 3.4 %, the generators' mean AUC unchanged. */
#define ATELIER_DETECT_SOFT_DETAIL_LIMIT 64.0

/* Why the evidence is too weak for a verdict either way. */
typedef enum
{
  ATELIER_EVIDENCE_SUFFICIENT,
  /* A JPEG of a quality under ATELIER_DETECT_WEAK_JPEG_QUALITY: its finest
   * detail, where generators' traces lie, was quantised away. */
  ATELIER_EVIDENCE_HEAVY_JPEG,
  /* The finest detail rises less than ATELIER_DETECT_SOFT_DETAIL_LIMIT above
   * the pixels' rounding: a blurred, smoothed or reduced image. */
  ATELIER_EVIDENCE_SOFT_DETAIL,
} AtelierEvidence;

typedef struct
{
  /* The classifier's calibrated probability; held within the uncertain band
   * (0.3..0.7) when the evidence is weak (weak_evidence). */
  double probability;
  AtelierVerdict verdict;
  AtelierEvidence weak_evidence;
  int jpeg_quality;
  /* Why features of the whole image were set aside: JPEG (the 8-pixel grid's),
   * GREY, ROUNDING_*. */
  AtelierSpectralCondition conditions;
  AtelierSpectralAnalysis *analysis;
  /* The whole image's features: the analysis's, then the residual CNN's
   * (when the model has the network), and each one's share of the log-odds. */
  float features[ATELIER_DETECTOR_FEATURE_COUNT];
  float contributions[ATELIER_DETECTOR_FEATURE_COUNT];
  float *tile_probability;            /* (analysis->rows, analysis->columns) */
  /* The strongest cues for the verdict's side, strongest first. */
  AtelierDetectionCue cues[ATELIER_DETECTION_CUES];
  int n_cues;
} AtelierDetection;

/* @jpeg_origin: whether the image went through JPEG, whose 8x8 blocks excite
 * the same harmonics as up-sampling layers and whose decoder rounds more, or
 * its pixels are to tell. @jpeg_quality: that JPEG's quality
 * (atelier_jpeg_quality_of_file), 0 when unknown or not a JPEG. */
AtelierDetection *atelier_detect (AtelierContext *ctx, const AtelierDetector *detector, const AtelierTensor *image,
                                  AtelierJpegOrigin jpeg_origin, int jpeg_quality, GError **error);
void atelier_detection_free (AtelierDetection *detection);

/* "likely-generated", "uncertain", "likely-real": stable, for scripts. */
const char *atelier_verdict_nick (AtelierVerdict verdict);
/* Translatable (ATELIER_N_) words for people. */
const char *atelier_verdict_label (AtelierVerdict verdict);

/* (1, @channels, height, width): every tile's probability, interpolated
 * between tile centres. @channels 3: coloured from green (real) through
 * yellow to red (generated); 1: the probability itself as grey, for grey
 * images. @width and @height are the analysed image's; @ctx's threads share the rows. */
AtelierTensor *atelier_detection_render_heat_map (AtelierContext *ctx, const AtelierDetection *detection, int channels,
                                                  gint64 width, gint64 height, GError **error);
/* (1, 3, N, N): the log power of the averaged residual spectrum, zero
 * frequency at the centre, in grey; harmonics scoring as peaks ringed in red. */
AtelierTensor *atelier_detection_render_spectrum (const AtelierDetection *detection, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtelierDetection, atelier_detection_free)

G_END_DECLS
