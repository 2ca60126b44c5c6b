/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Detect AI Artifacts: a report of how likely the image is generated, from its spectrum, with a heat-map layer
 * and the spectrum as pictures. The image itself is not changed. */
#include "filters/atelier-filter.h"

#include "filters/atelier-model-cache.h"
#include "forensics/atelier-jpeg-quality.h"
#include "pipelines/atelier-detect.h"
#include "provenance/atelier-provenance.h"

#include <string.h>

static const AtelierParamSpec detect_params[] = {
  { .name = "jpeg-grid", .type = ATELIER_PARAM_CHOICE, .label = ATELIER_N_ ("_JPEG-compressed"),
    .help = ATELIER_N_ ("JPEG's 8x8 blocks leave the same periodic traces as up-sampling layers; for a JPEG, "
                        "or pixels that keep a JPEG's blocks, those cues are set aside"),
    .default_value = 0,
    ATELIER_CHOICES ({ "auto", ATELIER_N_ ("From the file type and the pixels") },
                     { "yes", ATELIER_N_ ("Yes: set the 8-pixel grid aside") },
                     { "no", ATELIER_N_ ("No: the image was never a JPEG") }) },
  { .name = "heat-map", .type = ATELIER_PARAM_BOOLEAN, .label = ATELIER_N_ ("Add a _heat-map layer"),
    .help = ATELIER_N_ ("A semi-transparent layer colouring each region by its probability: green real, red generated"),
    .cli_help = ATELIER_N_ ("With --output-dir, write FILE.heat-map.png colouring each region by its probability: "
                            "green real, red generated"),
    .default_value = 1 },
  { .name = "spectrum", .type = ATELIER_PARAM_BOOLEAN, .label = ATELIER_N_ ("Open the _spectrum"),
    .help = ATELIER_N_ ("Open the image's residual spectrum as a new image, periodic peaks ringed in red"),
    .cli_help = ATELIER_N_ ("With --output-dir, write the image's residual spectrum as FILE.spectrum.png, periodic "
                            "peaks ringed in red"),
    .default_value = 0 },
};

/* The single values first, in the order the PDB has always returned them. */
static const AtelierResultSpec detect_results[] = {
  { .name = "probability", .type = ATELIER_RESULT_DOUBLE,
    .label = ATELIER_N_ ("Probability that the image is generated"),
    .help = ATELIER_N_ ("Calibrated probability that the image was generated or manipulated (0..1)") },
  { .name = "verdict", .type = ATELIER_RESULT_STRING, .label = ATELIER_N_ ("Verdict"),
    .help = ATELIER_N_ ("likely-real, uncertain or likely-generated") },
  { .name = "jpeg_grid_set_aside", .type = ATELIER_RESULT_BOOLEAN,
    .help = ATELIER_N_ ("1 when the cues on JPEG's 8-pixel grid were set aside") },
  { .name = "grey_set_aside", .type = ATELIER_RESULT_BOOLEAN,
    .help = ATELIER_N_ ("1 when the image has no colour and the colour cues were set aside") },
  { .name = "tile_size", .type = ATELIER_RESULT_INT, .help = ATELIER_N_ ("Side of the analysed tiles, in pixels") },
  { .name = "tile_columns", .type = ATELIER_RESULT_INT, .help = ATELIER_N_ ("Tiles across") },
  { .name = "tile_rows", .type = ATELIER_RESULT_INT, .help = ATELIER_N_ ("Tiles down") },
  { .name = "cues", .type = ATELIER_RESULT_TEXTS, .label = ATELIER_N_ ("Cues"),
    .help = ATELIER_N_ ("The strongest cues for the verdict, strongest first") },
  { .name = "cue_weights", .type = ATELIER_RESULT_NUMBERS,
    .help = ATELIER_N_ ("Each cue's share of the calibrated log-odds, signed") },
  { .name = "notes", .type = ATELIER_RESULT_TEXTS, .label = ATELIER_N_ ("Set aside"),
    .help = ATELIER_N_ ("What the analysis set aside, and why") },
  { .name = "conditions", .type = ATELIER_RESULT_TEXTS,
    .help = ATELIER_N_ ("The conditions found: jpeg, grey, rounding-high...") },
  { .name = "tile_probabilities", .type = ATELIER_RESULT_NUMBERS,
    .help = ATELIER_N_ ("Every tile's probability, row by row") },
  /* Provenance apart from the pixel evidence: what the file's metadata claims, which never moves the probability. */
  { .name = "file_says", .type = ATELIER_RESULT_STRING, .label = ATELIER_N_ ("Provenance"),
    .help = ATELIER_N_ ("What the file's own metadata (C2PA, XMP, generator text) says about how it was made") },
  { .name = "file_claims_generated", .type = ATELIER_RESULT_BOOLEAN,
    .help = ATELIER_N_ ("1 when the file's metadata claims that a trained model made all or part of it") },
  { .name = "provenance", .type = ATELIER_RESULT_TEXTS, .label = ATELIER_N_ ("Provenance details"),
    .help = ATELIER_N_ ("Every provenance record found in the file, a line each; nothing is verified") },
};

static gpointer
open_detector (gconstpointer data, GError **error)
{
  (void) data;
  return atelier_detector_open (ATELIER_DETECTOR_DEFAULT_MODEL, error);
}

static void
report (const AtelierDetection *d, AtelierFilterOutput *out)
{
  const AtelierSpectralAnalysis *a = d->analysis;
  atelier_filter_output_set_number (out, "probability", d->probability);
  atelier_filter_output_set_text (out, "verdict", atelier_verdict_nick (d->verdict), atelier_verdict_label (d->verdict));
  atelier_filter_output_set_number (out, "jpeg_grid_set_aside", (d->conditions & ATELIER_SPECTRAL_JPEG) != 0);
  atelier_filter_output_set_number (out, "grey_set_aside", (d->conditions & ATELIER_SPECTRAL_GREY) != 0);
  atelier_filter_output_set_number (out, "tile_size", a->tile_size);
  atelier_filter_output_set_number (out, "tile_columns", a->columns);
  atelier_filter_output_set_number (out, "tile_rows", a->rows);
  if (d->weak_evidence)
    {
      /* The first cue, as it decides the verdict; a weight of 0, as it moves no probability. */
      g_autofree char *why
        = d->weak_evidence == ATELIER_EVIDENCE_HEAVY_JPEG
            ? g_strdup_printf (atelier_i18n ("The file is a JPEG compressed hard (quality about %d): the finest "
                                             "detail, where generators leave their traces, is gone, so the verdict "
                                             "stays uncertain"),
                               d->jpeg_quality)
            : g_strdup (atelier_i18n ("The finest detail barely rises above the rounding of the pixels (a blurred, "
                                      "smoothed or reduced image, often a JPEG once): where generators leave their "
                                      "traces there is too little to judge, so the verdict stays uncertain"));
      atelier_filter_output_add_text (out, "cues", why);
      atelier_filter_output_add_number (out, "cue_weights", 0);
    }
  for (int c = 0; c < d->n_cues; c++)
    {
      atelier_filter_output_add_text (out, "cues", d->cues[c].text);
      atelier_filter_output_add_number (out, "cue_weights", d->cues[c].weight);
    }
  if (d->conditions & ATELIER_SPECTRAL_JPEG)
    atelier_filter_output_add_text (out, "notes", ATELIER_N_ ("The image was JPEG-compressed: patterns on JPEG's "
                                                              "8-pixel grid were set aside."));
  if (d->conditions & ATELIER_SPECTRAL_GREY)
    atelier_filter_output_add_text (out, "notes", ATELIER_N_ ("The image has no colour: the colour of its fine detail "
                                                              "was not judged."));
  else if (d->conditions & (ATELIER_SPECTRAL_ROUNDING_HIGH | ATELIER_SPECTRAL_ROUNDING_CORNER))
    atelier_filter_output_add_text (out, "notes", ATELIER_N_ ("The image's finest detail does not rise above the "
                                                              "rounding of its pixels (a soft or smooth image): the "
                                                              "colour there was not judged."));
  for (int c = 0; c < ATELIER_SPECTRAL_CONDITION_COUNT; c++)
    if (d->conditions & (1 << c))
      atelier_filter_output_add_text (out, "conditions", atelier_spectral_condition_nick (c));
  for (int t = 0; t < a->rows * a->columns; t++)
    atelier_filter_output_add_number (out, "tile_probabilities", d->tile_probability[t]);
}

static gboolean
add_pictures (AtelierContext *ctx, const AtelierFilterValues *values, const AtelierDetection *d,
              const AtelierTensor *image, AtelierFilterOutput *out, GError **error)
{
  if (atelier_filter_values_get_int (values, "heat-map"))
    {
      const int colours = image->shape[1] >= 3 ? 3 : 1;
      AtelierTensor *map = atelier_detection_render_heat_map (ctx, d, colours, image->shape[3], image->shape[2], error);
      if (map == NULL)
        return FALSE;
      g_autofree char *title = g_strdup_printf (atelier_i18n ("AI-artifact heat map (p = %.2f)"), d->probability);
      /* Semi-transparent through the layer's opacity, not its pixels, so the user can make it stronger or
       * weaker afterwards. */
      atelier_filter_output_add_picture (out, "heat-map", title, ATELIER_PICTURE_LAYER, 55, map);
    }
  if (atelier_filter_values_get_int (values, "spectrum"))
    {
      AtelierTensor *spectrum = atelier_detection_render_spectrum (d, error);
      if (spectrum == NULL)
        return FALSE;
      atelier_filter_output_add_picture (out, "spectrum", atelier_i18n ("Residual spectrum, peaks ringed"),
                                         ATELIER_PICTURE_IMAGE, 100, spectrum);
    }
  return TRUE;
}

/* What the file says, beside what the pixels say. Only the front end knows the file; without one (pixels from
 * elsewhere) the report says so. Unreadable metadata is a finding, not a failure of the analysis. */
static void
report_provenance (const char *path, AtelierFilterOutput *out)
{
  if (path == NULL)
    {
      atelier_filter_output_set_text (out, "file_says", atelier_i18n ("No file to read provenance from."), NULL);
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (AtelierProvenance) provenance = atelier_provenance_read_file (path, &error);
  if (provenance == NULL)
    {
      atelier_filter_output_set_text (out, "file_says", error->message, NULL);
      return;
    }
  g_autofree char *summary = atelier_provenance_summary (provenance);
  atelier_filter_output_set_text (out, "file_says", summary, NULL);
  atelier_filter_output_set_number (out, "file_claims_generated", atelier_provenance_claims_generated (provenance));
  g_auto (GStrv) lines = atelier_provenance_lines (provenance);
  for (char **line = lines; *line != NULL; line++)
    atelier_filter_output_add_text (out, "provenance", *line);
  if (lines[0] != NULL)
    atelier_filter_output_add_text (out, "provenance",
                                    atelier_i18n ("The probability above comes from the pixels alone: metadata is "
                                                  "stripped by a re-save and anyone can write it."));
}

/* "auto" trusts a JPEG file's type and otherwise lets the pixels tell (a JPEG saved again as PNG); "no" also
 * overrules the pixels, whose lattice check can be wrong for a user's file. */
static AtelierJpegOrigin
jpeg_origin (const char *choice, const AtelierFilterInput *in)
{
  if (strcmp (choice, "yes") == 0 || (strcmp (choice, "auto") == 0 && in->source_is_jpeg))
    return ATELIER_JPEG_ORIGIN_DECODED;
  return strcmp (choice, "no") == 0 ? ATELIER_JPEG_ORIGIN_NEVER : ATELIER_JPEG_ORIGIN_FROM_PIXELS;
}

static gboolean
detect_run (AtelierContext *ctx, AtelierModelCache *models, const AtelierFilterValues *values,
            const AtelierFilterInput *in, AtelierFilterOutput *out, GError **error)
{
  const AtelierJpegOrigin origin = jpeg_origin (atelier_filter_values_get_choice (values, "jpeg-grid"), in);
  /* The file's own table, when there is a file and it is a JPEG; an unreadable one is left unknown (0), as the
   * analysis of its pixels does not need it. */
  const int quality = origin == ATELIER_JPEG_ORIGIN_DECODED && in->source_path
                        ? atelier_jpeg_quality_of_file (in->source_path, NULL)
                        : 0;
  const AtelierDetector *detector = atelier_model_cache_get (models, "detector", open_detector, NULL,
                                                             (GDestroyNotify) atelier_detector_free, error);
  g_autoptr (AtelierDetection) d = detector ? atelier_detect (ctx, detector, in->image, origin, quality, error) : NULL;
  if (d == NULL)
    return FALSE;
  report (d, out);
  report_provenance (in->source_path, out);
  return add_pictures (ctx, values, d, in->image, out, error);
}

const AtelierFilterInfo atelier_filter_detect = {
  .name = "detect-ai",
  .menu_label = ATELIER_N_ ("_Detect AI Artifacts..."),
  .blurb = ATELIER_N_ ("Estimate how likely the image is generated, from its spectrum"),
  .help = ATELIER_N_ ("Analyses the image's frequency spectrum for the traces generators leave (periodic up-sampling "
                      "peaks, an unnatural fall-off of fine detail) and reports a calibrated probability, the "
                      "strongest cues and a heat map. The image itself is not changed."),
  .params = detect_params,
  .n_params = G_N_ELEMENTS (detect_params),
  .results = detect_results,
  .n_results = G_N_ELEMENTS (detect_results),
  .output = ATELIER_OUTPUT_REPORT,
  .needs_whole_image = TRUE, /* the analysis needs the whole image at full resolution: no preview */
  .run = detect_run,
};
