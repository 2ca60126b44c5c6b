/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pipelines/atelier-detect.h"

#include "core/atelier-i18n.h"

#include <math.h>
#include <string.h>

/* A probability between the two is reported as uncertain rather than forced
 * to a side: the classifier is calibrated, so 0.3 means 3 in 10 such images
 * were generated. */
#define LIKELY_REAL_BELOW 0.3
#define LIKELY_GENERATED_ABOVE 0.7

void
atelier_detection_free (AtelierDetection *detection)
{
  if (detection == NULL)
    return;
  atelier_spectral_analysis_free (detection->analysis);
  g_free (detection->tile_probability);
  g_free (detection);
}

const char *
atelier_verdict_nick (AtelierVerdict verdict)
{
  static const char *const nicks[] = { "likely-real", "uncertain", "likely-generated" };
  return nicks[verdict];
}

const char *
atelier_verdict_label (AtelierVerdict verdict)
{
  static const char *const labels[] = { ATELIER_N_ ("Likely a real photograph"), ATELIER_N_ ("Uncertain"),
                                        ATELIER_N_ ("Likely generated or manipulated") };
  return labels[verdict];
}

/* Plain words for each cue: [cue][0] when it points to "generated", [1] to "real". */
static const char *const cue_texts[ATELIER_SPECTRAL_CUE_COUNT][2] = {
  [ATELIER_SPECTRAL_CUE_ENERGY_DISTRIBUTION]
  /* Measured: a real photograph blurred by 1-2 px reads as generated (models/detector/README.md), so the
   * report says that this cue has innocent causes too. */
  = { ATELIER_N_ ("The balance of fine and coarse detail differs from camera photographs (soft focus and noise "
                  "reduction do this too)"),
      ATELIER_N_ ("The balance of fine and coarse detail is like a camera photograph's") },
  [ATELIER_SPECTRAL_CUE_HIGH_FREQUENCY_DECAY]
  = { ATELIER_N_ ("The finest detail fades out unlike a camera's"),
      ATELIER_N_ ("The finest detail fades out like a camera's") },
  [ATELIER_SPECTRAL_CUE_DIRECTIONAL_ENERGY]
  = { ATELIER_N_ ("Fine detail lines up with the pixel grid, as up-sampling leaves it"),
      ATELIER_N_ ("Fine detail is spread over all directions") },
  [ATELIER_SPECTRAL_CUE_GRID_8_PEAKS]
  = { ATELIER_N_ ("A pattern repeating every 8 pixels, typical of up-sampling layers"),
      ATELIER_N_ ("No pattern repeating every 8 pixels") },
  [ATELIER_SPECTRAL_CUE_GRID_16_PEAKS]
  = { ATELIER_N_ ("A pattern repeating every 16 pixels, typical of up-sampling layers"),
      ATELIER_N_ ("No pattern repeating every 16 pixels") },
  [ATELIER_SPECTRAL_CUE_NYQUIST_PEAKS]
  = { ATELIER_N_ ("An unusual pattern repeating every 2 pixels"),
      ATELIER_N_ ("A 2-pixel pattern like a camera's colour filter leaves") },
  [ATELIER_SPECTRAL_CUE_COLOUR_DETAIL]
  /* Measured: film grain, colour noise and the 8-bit rounding left in a heavily blurred image raise it too
   * (models/detector/README.md). */
  = { ATELIER_N_ ("The finest detail carries more colour than a camera's, which records it nearly grey (film "
                  "grain, colour noise and heavy blur do this too)"),
      ATELIER_N_ ("The finest detail is nearly grey, as a camera records it") },
  [ATELIER_SPECTRAL_CUE_OFF_GRID_PEAKS]
  /* Striped fabric, fences and screens photographed also repeat: the cue has innocent causes. */
  = { ATELIER_N_ ("A pattern repeating at another period, as up-sampling leaves it after resizing (fine stripes "
                  "in the scene do this too)"),
      ATELIER_N_ ("No other repeating pattern in the finest detail") },
  [ATELIER_SPECTRAL_CUE_LEARNED_RESIDUAL]
  = { ATELIER_N_ ("The texture of the finest detail resembles generated images' (learned from examples)"),
      ATELIER_N_ ("The texture of the finest detail resembles camera photographs' (learned from examples)") },
};

/* The cues whose summed contributions push hardest towards the verdict's side. */
static void
strongest_cues (AtelierDetection *d)
{
  double sums[ATELIER_SPECTRAL_CUE_COUNT] = { 0 };
  for (int i = 0; i < ATELIER_DETECTOR_FEATURE_COUNT; i++)
    sums[atelier_detector_feature_cue (i)] += d->contributions[i];
  const double side = d->probability >= 0.5 ? 1 : -1;
  gboolean taken[ATELIER_SPECTRAL_CUE_COUNT] = { FALSE };
  for (d->n_cues = 0; d->n_cues < ATELIER_DETECTION_CUES; d->n_cues++)
    {
      int best = -1;
      for (int c = 0; c < ATELIER_SPECTRAL_CUE_COUNT; c++)
        if (!taken[c] && sums[c] * side > 0 && (best < 0 || sums[c] * side > sums[best] * side))
          best = c;
      if (best < 0)
        break;
      taken[best] = TRUE;
      d->cues[d->n_cues] = (AtelierDetectionCue) { best, sums[best], cue_texts[best][side > 0 ? 0 : 1] };
    }
}

static AtelierEvidence
evidence (const AtelierSpectralAnalysis *analysis, gboolean jpeg_grid, int jpeg_quality)
{
  if (jpeg_grid && jpeg_quality > 0 && jpeg_quality < ATELIER_DETECT_WEAK_JPEG_QUALITY)
    return ATELIER_EVIDENCE_HEAVY_JPEG;
  /* 0: pixels never rounded, whose finest detail cannot be told from rounding. */
  if (analysis->detail_over_rounding > 0 && analysis->detail_over_rounding < ATELIER_DETECT_SOFT_DETAIL_LIMIT)
    return ATELIER_EVIDENCE_SOFT_DETAIL;
  return ATELIER_EVIDENCE_SUFFICIENT;
}

AtelierDetection *
atelier_detect (AtelierContext *ctx, const AtelierDetector *detector, const AtelierTensor *image,
                AtelierJpegOrigin jpeg_origin, int jpeg_quality, GError **error)
{
  /* The families the model does not weigh (the committed one: the luminance's and the residual rings, 37 of the
   * 63) would cost a fifth of the FFTs and move no probability. */
  g_autoptr (AtelierSpectralAnalysis) analysis = atelier_spectral_analysis_run_for (
    ctx, image, jpeg_origin, atelier_detector_weighed_spectral_features (detector), error);
  if (analysis == NULL)
    return NULL;
  g_autoptr (AtelierDetection) d = g_new0 (AtelierDetection, 1);
  const gboolean jpeg_grid = jpeg_origin == ATELIER_JPEG_ORIGIN_DECODED;
  const AtelierSpectralCondition of_the_file = jpeg_grid ? ATELIER_SPECTRAL_JPEG : 0;
  d->conditions = of_the_file | analysis->conditions;
  memcpy (d->features, analysis->features, sizeof analysis->features);
  const AtelierResidualCnn *cnn = atelier_detector_get_cnn (detector);
  if (cnn != NULL
      && !atelier_residual_cnn_features (ctx, cnn, image, d->features + ATELIER_SPECTRAL_FEATURE_COUNT, error))
    return NULL;
  const guint64 without_cnn = cnn == NULL ? ATELIER_DETECTOR_CNN_SET_ASIDE : 0;
  d->probability = atelier_detector_probability (
    detector, d->features, atelier_spectral_set_aside (d->conditions) | without_cnn, d->contributions);
  d->jpeg_quality = jpeg_quality;
  d->weak_evidence = evidence (analysis, jpeg_grid, jpeg_quality);
  if (d->weak_evidence)
    d->probability = CLAMP (d->probability, LIKELY_REAL_BELOW, LIKELY_GENERATED_ABOVE);
  d->verdict = d->probability > LIKELY_GENERATED_ABOVE ? ATELIER_VERDICT_LIKELY_GENERATED
               : d->probability < LIKELY_REAL_BELOW    ? ATELIER_VERDICT_LIKELY_REAL
                                                       : ATELIER_VERDICT_UNCERTAIN;
  const int n_tiles = analysis->rows * analysis->columns;
  d->tile_probability = g_new (float, n_tiles);
  /* The CNN reads the whole image's crops, not each tile: a tile's count at their training mean. */
  float tile_features[ATELIER_DETECTOR_FEATURE_COUNT] = { 0 };
  for (int t = 0; t < n_tiles; t++)
    {
      memcpy (tile_features, analysis->tile_features[t], sizeof analysis->tile_features[t]);
      const double p = atelier_detector_probability (
        detector, tile_features,
        atelier_spectral_set_aside (of_the_file | analysis->tile_conditions[t]) | ATELIER_DETECTOR_CNN_SET_ASIDE, NULL);
      d->tile_probability[t] = (float) (d->weak_evidence ? CLAMP (p, LIKELY_REAL_BELOW, LIKELY_GENERATED_ABOVE) : p);
    }
  d->analysis = g_steal_pointer (&analysis);
  strongest_cues (d);
  return g_steal_pointer (&d);
}
