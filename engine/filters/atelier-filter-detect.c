/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "filters/atelier-filter-detect.h"

#include <string.h>

static const AtelierParamChoice jpeg_grid_choices[] = {
  { "auto", ATELIER_N_ ("From the file type") },
  { "yes", ATELIER_N_ ("Yes: set the 8-pixel grid aside") },
  { "no", ATELIER_N_ ("No: the image was never a JPEG") },
  { NULL },
};

static const AtelierParamSpec detect_params[] = {
  { "jpeg-grid", ATELIER_PARAM_CHOICE, ATELIER_N_ ("_JPEG-compressed"),
    ATELIER_N_ ("JPEG's 8x8 blocks leave the same periodic traces as up-sampling layers; for a JPEG those "
                "cues are set aside"),
    0, 2, 0, 1, 0, NULL, jpeg_grid_choices },
  { "heat-map", ATELIER_PARAM_BOOLEAN, ATELIER_N_ ("Add a _heat-map layer"),
    ATELIER_N_ ("A semi-transparent layer colouring each region by its probability: green real, red generated"),
    0, 1, 1, 1, 0, NULL, NULL },
  { "spectrum", ATELIER_PARAM_BOOLEAN, ATELIER_N_ ("Open the _spectrum"),
    ATELIER_N_ ("Open the image's residual spectrum as a new image, periodic peaks ringed in red"),
    0, 1, 0, 1, 0, NULL, NULL },
};

static const AtelierResultSpec detect_results[] = {
  { "probability", ATELIER_RESULT_DOUBLE,
    ATELIER_N_ ("Calibrated probability that the image was generated or manipulated (0..1)") },
  { "verdict", ATELIER_RESULT_STRING, ATELIER_N_ ("likely-real, uncertain or likely-generated") },
};

const AtelierFilterInfo atelier_filter_detect = {
  "detect-ai",
  ATELIER_N_ ("_Detect AI Artifacts..."),
  ATELIER_N_ ("Estimate how likely the image is generated, from its spectrum"),
  ATELIER_N_ ("Analyses the image's frequency spectrum for the traces generators leave (periodic up-sampling "
              "peaks, an unnatural fall-off of fine detail) and reports a calibrated probability, the "
              "strongest cues and a heat map. The image itself is not changed."),
  detect_params,
  G_N_ELEMENTS (detect_params),
  detect_results,
  G_N_ELEMENTS (detect_results),
  NULL, /* no preview: the analysis needs the whole image at full resolution, and the report is its result */
};

AtelierDetection *
atelier_filter_detect_run (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierTensor *image,
                           gboolean source_is_jpeg, GError **error)
{
  if (!atelier_filter_values_validate (values, error))
    return NULL;
  const char *jpeg_grid = atelier_filter_values_get_choice (values, "jpeg-grid");
  const gboolean jpeg = strcmp (jpeg_grid, "auto") == 0 ? source_is_jpeg : strcmp (jpeg_grid, "yes") == 0;
  g_autoptr (AtelierDetector) detector = atelier_detector_open (ATELIER_DETECTOR_DEFAULT_MODEL, error);
  if (detector == NULL)
    return NULL;
  return atelier_detect (ctx, detector, image, jpeg, error);
}
